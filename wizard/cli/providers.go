package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"mailwizard/transports"
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
			return writeJSON(e.Out, ps)
		}
		printProviders(e.Out, ps)
		return ExitOK
	}
}

func printProviders(w io.Writer, ps []*transports.Provider) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTRANSPORTS\tSPF INCLUDE\tDKIM")
	for _, p := range ps {
		types := make([]string, len(p.Transports))
		for i, t := range p.Transports {
			types[i] = string(t)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, strings.Join(types, ", "), orDash(p.SPFInclude), describeDKIM(p.DKIM))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nUse an ID with --provider, or the path of a profile file from your service's support desk.")
}

func describeDKIM(d transports.ProviderDKIM) string {
	switch d.Mode {
	case "generate":
		s := "generated here"
		if d.DefaultSelector != "" {
			s += ", selector " + d.DefaultSelector
		}
		if d.Import {
			s += " (or import a key)"
		}
		return s
	case "cname":
		names := make([]string, len(d.CNAMEs))
		for i, c := range d.CNAMEs {
			names[i] = c.Name
		}
		return "CNAME " + strings.Join(names, ", ")
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeJSON prints v indented; a failure to encode is a defect, exit 1.
func writeJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(w, err)
		return ExitFindings
	}
	return ExitOK
}
