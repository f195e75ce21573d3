package cli

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/domaincheck"
	"mailwizard/checks/spf"
	"mailwizard/transports"
	"mailwizard/wizard"
)

const spfTimeout = 30 * time.Second

func buildSPFEval(fs *flag.FlagSet, e *env) func([]string) int {
	ip := fs.String("ip", "", "the connecting client's `IP` address")
	sender := fs.String("sender", "", "the MAIL FROM `address`; empty: postmaster@HELO")
	helo := fs.String("helo", "", "the HELO/EHLO `name`")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		// The sender and HELO are what a client sent: whatever a receiver
		// evaluates (RFC 7208 sections 2.3, 2.4 and 4.3 say what a bad one
		// gives), this command evaluates too. Only what cannot be an SMTP
		// input at all is refused.
		err := firstError(argCount(args, 0, ""), required("ip", *ip))
		addr, perr := netip.ParseAddr(*ip)
		if err == nil && perr != nil {
			err = fmt.Errorf("--ip: %q is not an IPv4 or IPv6 address", *ip)
		}
		err = firstError(err, smtpInput("sender", *sender, maxPath), smtpInput("helo", *helo, maxDomain))
		if local, _, ok := strings.Cut(*sender, "@"); err == nil && ok && len(local) > maxLocalPart {
			err = fmt.Errorf("--sender: the local part is %d bytes long; SMTP allows %d (RFC 5321 section 4.5.3.1.1)", len(local), maxLocalPart)
		}
		if err != nil {
			return e.usage("spf eval", err)
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail("spf eval", ExitTemporary, err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, spfTimeout)
		defer cancel()
		v := (&spf.Evaluator{Resolver: c}).CheckHost(ctx, addr, *sender, *helo)
		if *asJSON {
			e.writeJSON(v)
			return ExitOK // the contract: exit 0 whatever the SPF result
		}
		fmt.Fprintf(e.Out, "%s: mail from %s for %s\n", v.Result, addr, v.Domain)
		if v.Matched != "" {
			fmt.Fprintf(e.Out, "  decided by %s\n", v.Matched)
		}
		if v.Problem != "" {
			fmt.Fprintf(e.Out, "  %s\n", v.Problem)
		}
		if v.Explanation != "" {
			fmt.Fprintf(e.Out, "  explanation: %s\n", v.Explanation)
		}
		fmt.Fprintf(e.Out, "  %d DNS lookups, %d void\n", v.Lookups, v.VoidLookups)
		for _, s := range v.Trace {
			fmt.Fprintf(e.Out, "  %s%s: %s %s\n", strings.Repeat("  ", s.Depth), s.Domain, s.Term, s.Note)
		}
		return ExitOK
	}
}

// Length limits of RFC 5321 section 4.5.3.1.
const (
	maxLocalPart = 64
	maxDomain    = 255
	maxPath      = 256
)

// smtpInput refuses only what no SMTP client could send: control
// characters (CR and LF end a command line, NUL ends C strings) and
// values past the protocol's length limits.
func smtpInput(flagName, v string, max int) error {
	if err := transports.CheckText(v); err != nil {
		return named("--"+flagName, err)
	}
	if len(v) > max {
		return fmt.Errorf("--%s: %d bytes long; SMTP allows at most %d (RFC 5321 section 4.5.3.1)", flagName, len(v), max)
	}
	return nil
}

// suggestOutput is the --json form of spf suggest.
type suggestOutput struct {
	Domain   string `json:"domain"`
	Provider string `json:"provider"`
	Current  string `json:"current,omitempty"`
	*spf.Suggestion
	// NoSuggestion says why there is no record to publish.
	NoSuggestion string           `json:"no_suggestion,omitempty"`
	Findings     []checks.Finding `json:"findings"`
}

func buildSPFSuggest(fs *flag.FlagSet, e *env) func([]string) int {
	providerFlag := fs.String("provider", "", "provider profile `P`")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argCount(args, 1, "DOMAIN"), required("provider", *providerFlag))
		var domain string
		var provider *transports.Provider
		if err == nil {
			domain, err = transports.NormalizeDomain(args[0])
			err = named("DOMAIN", err)
		}
		if err == nil {
			provider, err = transports.LoadProvider(*providerFlag)
			err = named("--provider", err)
		}
		if err != nil {
			return e.usage("spf suggest", err)
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail("spf suggest", ExitTemporary, err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, spfTimeout)
		defer cancel()
		plan := domaincheck.PlanSPF(ctx, c, domain, provider)
		a, sug, serr := plan.Analysis, plan.Suggestion, plan.Err
		findings := orNone(a.Findings)
		if *asJSON {
			out := suggestOutput{Domain: domain, Provider: provider.ID, Current: a.Record, Suggestion: sug, Findings: findings}
			if serr != nil {
				out.NoSuggestion = strings.TrimPrefix(serr.Error(), "spf: ")
			}
			e.writeJSON(out)
			return exitFor(findings)
		}
		if a.Record != "" {
			fmt.Fprintf(e.Out, "%s\n  %s\n", e.tr.X("cmd.spf.published_now", "Published now (%s):", e.tr.Text(spf.LookupCountText(a.Lookups))), a.Record)
		}
		e.printFindings(e.Out, findings)
		switch {
		case serr != nil:
			fmt.Fprintln(e.Out, e.tr.X("cmd.spf.no_record", "No record to publish: %s", wizard.SPFRefusal(e.tr, serr)))
		case sug.Unchanged:
			fmt.Fprintln(e.Out, e.tr.X("cmd.spf.nothing_to_change", "Nothing to change: %s", e.tr.TextOr(sug.ReasonText, sug.Reason)))
		default:
			fmt.Fprintf(e.Out, "%s\n  %s\n", e.tr.X("cmd.spf.publish", "Publish this TXT record at %s (%s):", domain, e.tr.Text(spf.LookupCountText(sug.Lookups))), sug.Record)
			if len(sug.Strings) > 0 {
				fmt.Fprintln(e.Out, e.tr.X("cmd.spf.strings", "If your DNS panel takes at most 255 characters per value, enter these strings in order:"))
				for i, s := range sug.Strings {
					fmt.Fprintf(e.Out, "  %d: %s\n", i+1, s)
				}
			}
			fmt.Fprintln(e.Out, e.tr.X("cmd.spf.why", "Why: %s", e.tr.TextOr(sug.ReasonText, sug.Reason)))
		}
		return exitFor(findings)
	}
}
