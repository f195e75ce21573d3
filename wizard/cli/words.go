package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"mailwizard/checks/spf"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// The words the commands and setup alike print for what the engine
// returns, in the run's language: one place each, so that a command and
// setup never word the same thing twice.

// printWarning prints a warning the engine gave (a key import's note,
// an export's) with the translated label.
func printWarning(w io.Writer, tr *i18n.Translator, text string) {
	fmt.Fprintln(w, tr.X("cmd.warning", "Warning: %s", text))
}

// codeWords says why a typed verification code was not accepted.
func codeWords(tr *i18n.Translator, err error) string { return wizard.CodeWords(tr, err) }

// spfRefusalWords says why no SPF record is suggested (an error of
// spf.Suggest).
func spfRefusalWords(tr *i18n.Translator, err error) string {
	var refusal *spf.Refusal
	switch {
	case errors.As(err, &refusal):
		return tr.Text(refusal.Why)
	case errors.Is(err, spf.ErrNothingToSuggest):
		return tr.X("cmd.spf.nothing_to_suggest", "the provider asks for no SPF change")
	}
	return strings.TrimPrefix(err.Error(), "spf: ")
}
