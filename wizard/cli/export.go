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
		doc, err := transports.ReadFile(args[0])
		if unreadable(err) && !*asJSON {
			// Not a document at all (missing, not JSON, a newer version):
			// bad input, exit 2, with the reason.
			return e.usage("export validate", fmt.Errorf("%s: %w", args[0], err))
		}
		if err != nil {
			rep.Errors = fieldReports(err)
		} else {
			rep.Valid, rep.Version, rep.Domain, rep.Provider, rep.Transports = true, doc.Version, doc.Domain, doc.Provider, len(doc.Transports)
			for _, s := range doc.Transports.ShadowedRules() {
				rep.Warnings = append(rep.Warnings, s.String())
			}
		}
		if *asJSON {
			e.writeJSON(rep)
		} else if rep.Valid {
			fmt.Fprintf(e.Out, "%s: valid mailwizard configuration (version %d) for %s, provider %s, %d transport(s)\n",
				rep.File, rep.Version, rep.Domain, rep.Provider, rep.Transports)
			for _, w := range rep.Warnings {
				fmt.Fprintf(e.Out, "warning: %s\n", w)
			}
		} else {
			for _, fe := range rep.Errors {
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

// fieldReports splits an error into one entry per field.
func fieldReports(err error) []fieldReport {
	var list transports.FieldErrors
	var one *transports.FieldError
	switch {
	case errors.As(err, &list):
		out := make([]fieldReport, len(list))
		for i, fe := range list {
			out[i] = fieldReport{Field: fe.Field, Message: fe.Err.Error()}
		}
		return out
	case errors.As(err, &one):
		return []fieldReport{{Field: one.Field, Message: one.Err.Error()}}
	}
	return []fieldReport{{Message: err.Error()}}
}
