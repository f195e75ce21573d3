package cli

import (
	"fmt"
	"io"

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
