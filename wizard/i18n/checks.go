package i18n

import "mailwizard/checks"

// checksPrefix files the checks' words (checks.T keys) in the same
// catalogs as the flow's texts, apart from them: "checks.spf.missing".
const checksPrefix = "checks."

// Text renders words a check gave in the translator's language: the
// catalog's format for the key, filled with the arguments, clauses
// rendered alike. A key the catalog lacks keeps its English.
func (t *Translator) Text(x checks.Text) string {
	all, err := catalogs()
	return x.Render(func(key string) (string, bool) {
		if err != nil {
			return "", false
		}
		s, ok := all[t.lang][checksPrefix+key]
		return s, ok
	})
}

// Finding returns a finding's message and fix in the translator's
// language. A finding made without Texts keeps its English words.
func (t *Translator) Finding(f checks.Finding) (message, fix string) {
	message, fix = f.Message, f.Fix
	if !f.MessageText.IsZero() {
		message = t.Text(f.MessageText)
	}
	if !f.FixText.IsZero() {
		fix = t.Text(f.FixText)
	}
	return message, fix
}

// TextOr renders x, or fallback when x is zero: for the words fields
// that a check fills only sometimes (TLSInfo.VerifyProblem).
func (t *Translator) TextOr(x checks.Text, fallback string) string {
	if x.IsZero() {
		return fallback
	}
	return t.Text(x)
}
