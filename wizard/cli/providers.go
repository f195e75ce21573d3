package cli

import (
	"encoding/json"
	"flag"
	"fmt"

	"mailwizard/transports"
	"mailwizard/wizard"
)

func buildProviders(fs *flag.FlagSet, e *env) func([]string) int {
	asJSON := fs.Bool("json", false, "print the profiles as JSON")
	return func(args []string) int {
		if err := argCount(args, 0, ""); err != nil {
			return e.usage("providers", err)
		}
		ps, err := transports.BuiltinProviders()
		if err != nil {
			fmt.Fprintf(e.Err, "mailwizard providers: %v\n", err)
			return ExitFindings
		}
		if *asJSON {
			return e.writeJSON(ps)
		}
		e.printProviders(ps)
		return ExitOK
	}
}

// printProviders prints each profile with the facts the window shows
// for it (wizard.ProviderFacts), in the run's language.
func (e *env) printProviders(ps []*transports.Provider) {
	for _, p := range ps {
		fmt.Fprintf(e.Out, "%s  %s\n", p.ID, wizard.ProviderName(e.tr, p))
		for _, line := range wizard.ProviderFacts(e.tr, p) {
			fmt.Fprintf(e.Out, "    %s\n", line)
		}
		fmt.Fprintln(e.Out)
	}
	fmt.Fprintln(e.Out, e.tr.X("providers.use", "Use an ID with --provider, or the path of a profile file from your service's support desk."))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeJSON prints v indented on standard output; a failure to encode is
// a defect, exit 1.
func (e *env) writeJSON(v any) int {
	enc := json.NewEncoder(e.json)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(e.Err, err)
		return ExitFindings
	}
	return ExitOK
}
