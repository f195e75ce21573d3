package checks

import "mailwizard/texts"

// Text is words for people in a form each face renders in its own
// language (package texts); the checks build Texts and never translate
// them, so the engine needs no catalog and no language.
//
// A finding's message has its code as key, its fix the code plus ".fix",
// and a variant adds a suffix ("smtp.auth-failed.m365",
// "smtp.auth-failed.fix.m365"); wizard/i18n files them under "checks.".
type Text = texts.Text

// T builds a Text. key and english must be string constants: the
// catalog test in wizard/i18n reads them from the source.
func T(key, english string, args ...any) Text { return texts.T(key, english, args...) }

// Verbatim is words that are not ours to translate, such as a library's
// error text; they are shown as they are in every language.
func Verbatim(s string) Text { return texts.Verbatim(s) }

// Join strings texts together with sep between them; each part is
// rendered in the face's language, sep is not translated.
func Join(sep string, parts ...Text) Text { return texts.Join(sep, parts...) }

// Say sets the finding's message and fix, in English and as Texts the
// faces translate; a zero fix means none.
func (f Finding) Say(message, fix Text) Finding {
	f.Message, f.MessageText = message.String(), message
	f.Fix, f.FixText = fix.String(), fix
	return f
}
