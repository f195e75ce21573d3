package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// routeReport is the --json output of export route.
type routeReport struct {
	Address   string `json:"address"`
	Subsystem string `json:"subsystem,omitempty"`
	Matched   bool   `json:"matched"`
	Index     int    `json:"index"` // 0-based position in transports; -1 when none matches
	Name      string `json:"name,omitempty"`
	Type      string `json:"type,omitempty"`
	Rule      string `json:"rule,omitempty"`
}

// buildExportRoute answers "which transport sends for ADDRESS?" from a
// document, exactly as the service reads it: the first transport, top to
// bottom, whose rule fits. Exit 0 when one does, 1 when none does (the
// admin then has mail the document does not cover), 2 for bad input.
func buildExportRoute(fs *flag.FlagSet, e *env) func([]string) int {
	subsystem := fs.String("subsystem", "", "the part of the service that sends, such as billing")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	return func(args []string) int {
		if err := argCount(args, 2, "FILE ADDRESS"); err != nil {
			return e.usage("export route", err)
		}
		doc, err := transports.ReadFile(args[0])
		if err != nil {
			// An invalid document cannot answer truthfully: the service
			// would refuse it, so there is no route to report.
			return e.usage("export route", texts.Err(err, texts.T("cmd.route.invalid", "%s: %v (run mailwizard export validate %s)", args[0], err, args[0])))
		}
		if err := transports.CheckText(*subsystem); err != nil {
			return e.usage("export route", fmt.Errorf("--subsystem: %w", err))
		}
		i, err := doc.Transports.Select(args[1], *subsystem)
		var fe *transports.FieldError
		if errors.As(err, &fe) {
			return e.usage("export route", fmt.Errorf("ADDRESS: %w", fe.Err))
		}
		if w := unknownSubsystem(e.tr, doc.Provider, *subsystem); w != "" {
			fmt.Fprintln(e.Err, e.tr.X("cmd.export.warning", "warning: %s", w))
		}
		rep := routeReport{Address: args[1], Subsystem: *subsystem, Index: i, Matched: err == nil}
		if rep.Matched {
			t := doc.Transports[i]
			rep.Name, rep.Type, rep.Rule = t.Name, string(t.Type), t.Match.String()
		}
		switch {
		case *asJSON:
			e.writeJSON(rep)
		case rep.Matched:
			fmt.Fprintln(e.Out, e.tr.X("route.sends", "%s is sent by transports[%d] %q (%s), whose rule is: %s", args[1], i, rep.Name, rep.Type, rep.Rule))
		default:
			fmt.Fprintln(e.Out, e.tr.X("route.none", "No transport of this document takes %s: no rule fits it. Add a transport whose rule does, or widen one.", args[1]))
		}
		if !rep.Matched {
			return ExitFindings
		}
		return ExitOK
	}
}

// unknownSubsystem warns when the built-in profile lists its subsystems and
// the one asked about is not among them: a typo would otherwise quietly
// route as "every subsystem". Profiles not built in say nothing.
func unknownSubsystem(tr *i18n.Translator, providerID, subsystem string) string {
	if subsystem == "" {
		return ""
	}
	ps, err := transports.BuiltinProviders()
	if err != nil {
		return ""
	}
	for _, p := range ps {
		if p.ID == providerID && len(p.Subsystems) > 0 && !slices.Contains(p.Subsystems, subsystem) {
			return tr.X("cmd.route.unknown_subsystem", "%s has no subsystem %q; its subsystems are %s", p.Name, subsystem, strings.Join(p.Subsystems, ", "))
		}
	}
	return ""
}
