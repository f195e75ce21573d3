// Package texts holds words for people in a form each face renders in
// its own language. The engines (checks, transports, wizard) build Texts
// and never translate them, so they need no catalog and no language;
// wizard/i18n renders them. It imports only the standard library so that
// every package can use it.
package texts

import (
	"fmt"
	"strings"
)

// Text is words for people. Key names the words in the catalogs
// (resources/translations; wizard/i18n says under which name each key is
// filed). English is the fmt format in English, used where no catalog has
// the key. Args fill the format: strings and numbers stay as they are
// (names, records, a server's reply), a Text or an error is a clause
// rendered in the same language.
type Text struct {
	Key     string
	English string
	Args    []any
	en      string // the English words, formatted once
}

// T builds a Text. key and english must be string constants: the
// catalog test in wizard/i18n reads them from the source. go vet checks
// english against args like any fmt format.
func T(key, english string, args ...any) Text {
	return Text{Key: key, English: english, Args: args, en: fmt.Sprintf(english, args...)}
}

// Verbatim is words that are not ours to translate, such as a library's
// error text; they are shown as they are in every language.
func Verbatim(s string) Text { return Text{English: s, en: s} }

// String is the English words.
func (t Text) String() string {
	if t.en != "" || t.English == "" {
		return t.en
	}
	return t.Render(nil)
}

// Render formats t with the format that lookup returns for a key, or the
// English one when lookup is nil or has no such key; clauses among the
// arguments are rendered the same way.
func (t Text) Render(lookup func(key string) (string, bool)) string {
	if t.Key == "" && len(t.Args) == 0 {
		return t.English // verbatim: not a format
	}
	format := t.English
	if lookup != nil && t.Key != "" {
		if s, ok := lookup(t.Key); ok {
			format = s
		}
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch clause := a.(type) {
		case Text:
			a = clause.Render(lookup)
		case error:
			a = Of(clause).Render(lookup)
		}
		args[i] = a
	}
	return fmt.Sprintf(format, args...)
}

// IsZero reports whether t holds no words.
func (t Text) IsZero() bool { return t.Key == "" && t.English == "" }

// Join strings texts together with sep between them, such as the
// sentences of one explanation; each part is rendered in the face's
// language, sep is not translated.
func Join(sep string, parts ...Text) Text {
	verbs := make([]string, len(parts))
	args := make([]any, len(parts))
	for i, p := range parts {
		verbs[i], args[i] = "%s", p
	}
	format := strings.Join(verbs, strings.ReplaceAll(sep, "%", "%%"))
	return Text{English: format, Args: args, en: fmt.Sprintf(format, args...)}
}
