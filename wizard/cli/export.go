package cli

import (
	"errors"
	"flag"
	"fmt"

	"mailwizard/transports"
)

// validationReport is the --json output of export validate.
type validationReport struct {
	File       string        `json:"file"`
	Valid      bool          `json:"valid"`
	Version    int           `json:"version,omitempty"`
	Domain     string        `json:"domain,omitempty"`
	Provider   string        `json:"provider,omitempty"`
	Transports int           `json:"transports,omitempty"`
	Errors     []fieldReport `json:"errors,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"`
}

type fieldReport struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func buildExportValidate(fs *flag.FlagSet, e *env) func([]string) int {
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	return func(args []string) int {
		if err := argCount(args, 1, "FILE"); err != nil {
			return e.usage("export validate", err)
		}
		rep := validationReport{File: args[0]}
		var shadowed []transports.Shadowed
		doc, err := transports.ReadFile(args[0])
		if unreadable(err) && !*asJSON {
			// Not a document at all (missing, not JSON, a newer version):
			// bad input, exit 2, with the reason.
			return e.usage("export validate", fmt.Errorf("%s: %w", args[0], err))
		}
		if err != nil {
			rep.Errors = fieldReports(err, error.Error)
		} else {
			rep.Valid, rep.Version, rep.Domain, rep.Provider, rep.Transports = true, doc.Version, doc.Domain, doc.Provider, len(doc.Transports)
			shadowed = doc.Transports.ShadowedRules()
			for _, s := range shadowed {
				rep.Warnings = append(rep.Warnings, s.String())
			}
		}
		// --json keeps the English messages (the contract); the text is
		// in the run's language.
		if *asJSON {
			e.writeJSON(rep)
		} else if rep.Valid {
			fmt.Fprintln(e.Out, e.tr.X("cmd.export.valid", "%s: valid mailwizard configuration (version %d) for %s, provider %s, %d transport(s)",
				rep.File, rep.Version, rep.Domain, rep.Provider, rep.Transports))
			for _, s := range shadowed {
				fmt.Fprintln(e.Out, e.tr.X("cmd.export.warning", "warning: %s", e.tr.Text(s.Text())))
			}
		} else {
			for _, fe := range fieldReports(err, e.tr.Error) {
				if fe.Field == "" {
					fmt.Fprintf(e.Err, "%s: %s\n", rep.File, fe.Message)
				} else {
					fmt.Fprintf(e.Err, "%s: %s: %s\n", rep.File, fe.Field, fe.Message)
				}
			}
		}
		switch {
		case unreadable(err):
			return ExitUsage
		case !rep.Valid:
			return ExitFindings // read, and found invalid: what the command checks for
		}
		return ExitOK
	}
}

// unreadable reports whether err means the file is not a document that
// could be checked: it could not be read, is not JSON, or is from a newer
// mailwizard. A document that was read and broke rules is not unreadable.
func unreadable(err error) bool {
	var list transports.FieldErrors
	var one *transports.FieldError
	switch {
	case err == nil:
		return false
	case errors.Is(err, transports.ErrFutureVersion), errors.Is(err, transports.ErrNotJSON), errors.Is(err, transports.ErrNotConfig):
		return true
	}
	return !errors.As(err, &list) && !errors.As(err, &one)
}

// fieldReports splits an error into one entry per field, each message
// worded by words: error.Error for English, a translator's Error.
func fieldReports(err error, words func(error) string) []fieldReport {
	var list transports.FieldErrors
	var one *transports.FieldError
	switch {
	case errors.As(err, &list):
		out := make([]fieldReport, len(list))
		for i, fe := range list {
			out[i] = fieldReport{Field: fe.Field, Message: words(fe.Err)}
		}
		return out
	case errors.As(err, &one):
		return []fieldReport{{Field: one.Field, Message: words(one.Err)}}
	}
	return []fieldReport{{Message: words(err)}}
}
