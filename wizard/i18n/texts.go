package i18n

import (
	"strings"

	"mailwizard/checks"
	"mailwizard/texts"
)

// checksPrefix files the checks' words (checks.T keys) in the same
// catalogs as the flow's texts, apart from them: "checks.spf.missing".
const checksPrefix = "checks."

// ownKeyPrefixes are the namespaces of Texts whose keys are catalog keys
// as they are: the validation messages of transports ("field."), of the
// wizard's steps ("wizard.") and of the command line ("cmd.").
var ownKeyPrefixes = []string{"field.", "wizard.", "cmd."}

// catalogKey is the catalog key a Text's key is filed under; the catalog
// test files the source's keys with it too.
func catalogKey(key string) string {
	for _, p := range ownKeyPrefixes {
		if strings.HasPrefix(key, p) {
			return key
		}
	}
	return checksPrefix + key
}

// lookup is the translator's format for a Text's key.
func (t *Translator) lookup(key string) (string, bool) {
	all, err := catalogs()
	if err != nil {
		return "", false
	}
	s, ok := all[t.lang][catalogKey(key)]
	return s, ok
}

// Text renders words an engine gave in the translator's language: the
// catalog's format for the key, filled with the arguments, clauses
// rendered alike. A key the catalog lacks keeps its English.
func (t *Translator) Text(x texts.Text) string { return x.Render(t.lookup) }

// Error renders an error in the translator's language: validation
// errors field by field ("port: …", the field's name as it is, like a
// code), texts.Worded errors in their words, words a wrapper adds as they
// are, and errors that are not ours (the standard library's) verbatim.
func (t *Translator) Error(err error) string { return t.Text(texts.Of(err)) }

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
func (t *Translator) TextOr(x texts.Text, fallback string) string {
	if x.IsZero() {
		return fallback
	}
	return t.Text(x)
}
