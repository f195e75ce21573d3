package cli

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/hints"
	"mailwizard/checks/spf"
	"mailwizard/transports"
)

const spfTimeout = 30 * time.Second

func buildSPFEval(fs *flag.FlagSet, e *env) func([]string) int {
	ip := fs.String("ip", "", "the connecting client's `IP` address")
	sender := fs.String("sender", "", "the MAIL FROM `address`; empty: postmaster@HELO")
	helo := fs.String("helo", "", "the HELO/EHLO `name`")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argCount(args, 0, ""), required("ip", *ip), required("helo", *helo))
		addr, perr := netip.ParseAddr(*ip)
		if err == nil && perr != nil {
			err = fmt.Errorf("--ip: %q is not an IPv4 or IPv6 address", *ip)
		}
		if err == nil && *sender != "" {
			_, aerr := transports.ParseAddress(*sender)
			err = named("--sender", aerr)
		}
		if err == nil {
			_, derr := transports.NormalizeDNSName(*helo)
			err = named("--helo", derr)
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
			writeJSON(e.Out, v)
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

// suggestOutput is the --json form of spf suggest.
type suggestOutput struct {
	Domain   string `json:"domain"`
	Provider string `json:"provider"`
	Current  string `json:"current,omitempty"`
	*spf.Suggestion
	Findings []checks.Finding `json:"findings"`
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
		a := spf.Analyze(ctx, c, domain, provider)
		for _, f := range a.Findings {
			if f.Code == dnsq.CodeTimeout || f.Code == dnsq.CodeServFail {
				return e.fail("spf suggest", ExitTemporary, fmt.Errorf("%s (%s)", f.Message, f.Fix))
			}
		}
		var mxIncludes []string
		if mx, err := c.Lookup(ctx, domain, dns.TypeMX); err == nil {
			if mp := hints.DetectMailProvider(hints.Names(mx.Records)); mp != nil {
				mxIncludes = mp.SPFIncludes
			}
		}
		sug, err := spf.Suggest(ctx, c, a, provider, mxIncludes)
		if err != nil {
			return e.fail("spf suggest", ExitFindings, err)
		}
		if *asJSON {
			return writeJSON(e.Out, suggestOutput{Domain: domain, Provider: provider.ID, Current: a.Record, Suggestion: sug, Findings: a.Findings})
		}
		if a.Record != "" {
			fmt.Fprintf(e.Out, "Published now (%d lookups):\n  %s\n", a.Lookups, a.Record)
		}
		if sug.Unchanged {
			fmt.Fprintf(e.Out, "Nothing to change: %s\n", sug.Reason)
			return ExitOK
		}
		fmt.Fprintf(e.Out, "Publish this TXT record at %s (%d lookups):\n  %s\n", domain, sug.Lookups, sug.Record)
		if len(sug.Strings) > 0 {
			fmt.Fprintln(e.Out, "If your DNS panel takes at most 255 characters per value, enter these strings in order:")
			for i, s := range sug.Strings {
				fmt.Fprintf(e.Out, "  %d: %s\n", i+1, s)
			}
		}
		fmt.Fprintf(e.Out, "Why: %s\n", sug.Reason)
		return ExitOK
	}
}
