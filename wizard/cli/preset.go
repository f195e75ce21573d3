package cli

import (
	"flag"
	"fmt"
	"strings"

	"mailwizard/checks"
	"mailwizard/wizard"
)

// presetReport is the --json output of preset check.
type presetReport struct {
	File       string        `json:"file"`
	Valid      bool          `json:"valid"`
	Provider   string        `json:"provider,omitempty"`
	Domain     string        `json:"domain,omitempty"`
	Senders    int           `json:"senders,omitempty"`
	Transports int           `json:"transports,omitempty"`
	Errors     []fieldReport `json:"errors,omitempty"`
}

// buildPresetCheck reads a preset as the wizard will on the admin's
// machine, so a support desk finds a wrong field before the mail goes out.
// A bad preset is bad input: exit 2, each field named.
func buildPresetCheck(fs *flag.FlagSet, e *env) func([]string) int {
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	return func(args []string) int {
		if err := argCount(args, 1, "FILE"); err != nil {
			return e.usage("preset check", err)
		}
		rep := presetReport{File: args[0]}
		p, st, err := wizard.CheckPreset(args[0])
		if err == nil {
			rep.Valid, rep.Domain, rep.Senders, rep.Transports = true, st.Domain, len(st.Senders), len(p.Transports)
			if prof, perr := st.Profile(); perr == nil {
				rep.Provider = prof.Name
			}
		} else {
			rep.Errors = fieldReports(err, error.Error)
		}
		switch {
		case *asJSON:
			e.writeJSON(rep)
		case rep.Valid:
			fmt.Fprintln(e.Out, e.tr.X("cmd.preset.valid", "%s: a valid preset for %s, domain %s, %d sender(s), %d transport(s); the wizard asks the admin the rest.",
				rep.File, orUnset(e, checks.Printable(rep.Provider)), orUnset(e, rep.Domain), rep.Senders, rep.Transports))
			fmt.Fprintln(e.Out, e.tr.X("cmd.preset.open", "The admin opens it with a double-click where mailwizard is installed, or with: mailwizard --preset %s", rep.File))
		default:
			for _, fe := range fieldReports(err, e.tr.Error) {
				if fe.Field == "" {
					fmt.Fprintf(e.Err, "%s: %s\n", rep.File, fe.Message)
				} else {
					fmt.Fprintf(e.Err, "%s: %s: %s\n", rep.File, fe.Field, fe.Message)
				}
			}
		}
		if !rep.Valid {
			return ExitUsage
		}
		return ExitOK
	}
}

func orUnset(e *env, v string) string {
	if v == "" {
		return e.tr.X("cmd.preset.unset", "(not set: the admin is asked)")
	}
	return v
}

// buildPresetWrite writes a preset from flags, checked as preset check
// reads it; transports with their settings are added to the file by hand
// (resources/schema/preset.schema.json), then checked with preset check.
func buildPresetWrite(fs *flag.FlagSet, e *env) func([]string) int {
	out := fs.String("out", "", "the preset `FILE` to write, such as customer.mwpreset")
	provider := fs.String("provider", "", "the service `P`: a built-in ID (mailwizard providers) or a profile file")
	domain := fs.String("domain", "", "the customer's `DOMAIN`")
	senders := fs.String("senders", "", "the addresses the service sends as, comma separated: whole addresses or local parts (`LIST`)")
	lang := fs.String("admin-lang", "", "the wizard's language for the admin: en or nl (left out: the system's)")
	dnsAccess := fs.String("dns-access", "", "whether the admin can add DNS records: yes or no (left out: the admin is asked)")
	codeTo := fs.String("code-to", "", "the mailbox the verification codes go to (`ADDR`)")
	return func(args []string) int {
		err := firstError(argCount(args, 0, ""), required("out", *out), required("provider", *provider),
			noControl("out", *out), noControl("provider", *provider), noControl("domain", *domain), noControl("senders", *senders),
			noControl("code-to", *codeTo), optionalEnum("admin-lang", *lang, "en", "nl"), optionalEnum("dns-access", *dnsAccess, "yes", "no"))
		if err != nil {
			return e.usage("preset write", err)
		}
		p := &wizard.Preset{Provider: *provider, Domain: *domain, Lang: *lang, CodeTo: *codeTo}
		for _, s := range strings.Split(*senders, ",") {
			if s = strings.TrimSpace(s); s != "" {
				p.Senders = append(p.Senders, s)
			}
		}
		if *dnsAccess != "" {
			v := *dnsAccess == "yes"
			p.DNSAccess = &v
		}
		if err := wizard.WritePreset(p, *out); err != nil {
			for _, fe := range fieldReports(err, e.tr.Error) {
				if fe.Field == "" {
					fmt.Fprintf(e.Err, "mailwizard preset write: %s\n", fe.Message)
				} else {
					fmt.Fprintf(e.Err, "mailwizard preset write: %s: %s\n", presetFlag(fe.Field), fe.Message)
				}
			}
			return ExitUsage
		}
		fmt.Fprintln(e.Out, e.tr.X("cmd.preset.written", "Wrote %s: send it to the admin; mailwizard preset check %s shows what it holds.", *out, *out))
		return ExitOK
	}
}

// presetFlag names the flag of a preset field: senders[1] is --senders.
func presetFlag(field string) string {
	if field == "lang" {
		return "--admin-lang"
	}
	name, _, _ := strings.Cut(field, "[")
	name, _, _ = strings.Cut(name, ".")
	return "--" + strings.ReplaceAll(name, "_", "-")
}

// optionalEnum is checkEnum for a flag that may be left out.
func optionalEnum(flagName, v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	return checkEnum(flagName, v, allowed...)
}
