package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/domaincheck"
	"mailwizard/checks/spf"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// Deadlines of the DNS commands, set once here at the entry point.
const (
	checkTimeout     = 60 * time.Second
	checkManyTimeout = 30 * time.Minute
)

// resolver builds the DNS client from the global flags. Against a public
// resolver (the system's may be one) questions keep to its documented
// rate and back off when it refuses.
func (e *env) resolver() (*dnsq.Client, error) {
	c, err := dnsq.NewClient(dnsq.Options{Resolvers: e.globals.resolvers, Pinned: e.globals.dnsServer, Timeout: e.globals.dnsTimeout})
	if err != nil {
		return nil, err
	}
	c.AuthAddrs = e.authAddrs
	for _, s := range c.Resolvers() {
		if dnsq.IsPublicResolver(s) {
			c.MaxQPS = dnsq.PublicResolverQPS
		}
	}
	return c, nil
}

func buildCheck(fs *flag.FlagSet, e *env) func([]string) int {
	providerFlag := fs.String("provider", "", "provider profile `P`: a built-in ID or a profile file")
	selector := fs.String("selector", "", "DKIM `selector` to check")
	expect := fs.String("expect-dkim", "", "the DKIM TXT `value` the admin was told to publish")
	domainsFile := fs.String("domains", "", "check every domain in `FILE`, one a line")
	asJSON := fs.Bool("json", false, "print JSON")
	parallel := fs.Int("parallel", defaultParallel, "with --domains, check `N` domains at once")
	asCSV := fs.Bool("csv", false, "print one CSV line per domain (domain, SPF ok, include present, DKIM ok, DMARC policy, first error code, fix)")
	summaryOnly := fs.Bool("summary", false, "with --domains, print only the summary table, not each domain")
	since := fs.String("changed-since", "", "compare with an earlier --json report in `FILE` and list only what changed")
	return func(args []string) int {
		var domains []string
		var err error
		switch {
		case *domainsFile != "" && len(args) > 0:
			err = fmt.Errorf("give a DOMAIN or --domains FILE, not both")
		case *domainsFile == "":
			if err = argCount(args, 1, "DOMAIN"); err == nil {
				var d string
				d, err = transports.NormalizeDomain(args[0])
				err = named("DOMAIN", err)
				domains = []string{d}
			}
		default:
			domains, err = readDomains(*domainsFile)
		}
		if err == nil && *selector != "" {
			_, serr := transports.NormalizeSelector(*selector)
			err = named("--selector", serr)
		}
		err = firstError(err, noControl("expect-dkim", *expect))
		if err == nil && (*parallel < 1 || *parallel > maxParallel) {
			err = named("--parallel", fmt.Errorf("%d is outside 1-%d", *parallel, maxParallel))
		}
		if err == nil && *asCSV && (*asJSON || *summaryOnly) {
			err = fmt.Errorf("--csv goes alone: not with --json or --summary")
		}
		if err == nil && *since != "" && (*asCSV || *summaryOnly) {
			err = fmt.Errorf("--changed-since lists the changes: not with --csv or --summary")
		}
		var earlier []*domaincheck.Report
		if err == nil && *since != "" {
			earlier, err = readReports(*since)
		}
		var provider *transports.Provider
		if err == nil && *providerFlag != "" {
			provider, err = transports.LoadProvider(*providerFlag)
			err = named("--provider", err)
		}
		if err != nil {
			return e.usage("check", err)
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail("check", ExitTemporary, err)
		}
		// One cache for the run: the domains share the service's and
		// Microsoft's includes, and no question is asked twice.
		c.Cache = dnsq.NewCache(0)
		opts := domaincheck.Options{Provider: provider, Selector: strings.ToLower(*selector), ExpectDKIM: *expect}
		timeout := checkTimeout
		if len(domains) > 1 {
			timeout = checkManyTimeout
		}
		ctx, cancel := context.WithTimeout(e.ctx, timeout)
		defer cancel()
		reports, interrupted := e.checkBatch(ctx, c, domains, opts, *parallel)
		if interrupted {
			// Ctrl-C: what was checked so far is printed as usual, and
			// stderr says how far the run got.
			defer fmt.Fprintln(e.Err, e.tr.X("cmd.check.interrupted", "interrupted: %d of %d domains checked; the rest were not looked at", len(reports), len(domains)))
		}
		if len(reports) == 0 {
			return ExitTemporary
		}
		switch {
		case *since != "" && *asJSON:
			e.writeJSON(changedSince(earlier, reports))
		case *since != "":
			printChanges(e.Out, e.tr, changedSince(earlier, reports))
		case *asCSV:
			// Through the printable filter: CSV, unlike JSON, does not
			// escape what a DNS server put in a record.
			if err := writeCSV(e.Out, reports); err != nil {
				return e.fail("check", ExitTemporary, err)
			}
		case *asJSON && *domainsFile == "":
			e.writeJSON(reports[0])
		case *asJSON:
			e.writeJSON(reports)
		default:
			if !*summaryOnly {
				for _, r := range reports {
					printReport(e.Out, e.tr, r)
				}
			}
			if len(domains) > 1 || *summaryOnly {
				printSummary(e.Out, e.tr, reports)
			}
		}
		var all []checks.Finding
		for _, r := range reports {
			all = append(all, r.Findings...)
		}
		if code := exitFor(all); code != ExitOK || !interrupted {
			return code
		}
		return ExitTemporary // nothing wrong so far, but not all were checked
	}
}

// exitFor turns findings into the contract's exit code: 1 when an error
// is definite, 3 when the only errors may go away on a retry, 0 otherwise.
// Which is which is decided where each finding is made
// (checks.Finding.Temporary), for every command alike.
func exitFor(findings []checks.Finding) int {
	switch checks.OutcomeOf(findings) {
	case checks.Failed:
		return ExitFindings
	case checks.Unknown:
		return ExitTemporary
	}
	return ExitOK
}

// orNone is an empty list rather than null in JSON.
func orNone(fs []checks.Finding) []checks.Finding {
	if fs == nil {
		return []checks.Finding{}
	}
	return fs
}

// readDomains reads one domain a line; blank lines and # comments are
// skipped, and a bad line is named by its number.
func readDomains(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--domains: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		d, err := transports.NormalizeDomain(line)
		if err != nil {
			return nil, fmt.Errorf("--domains: %s line %d: %w", path, n, err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--domains: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--domains: %s lists no domain", path)
	}
	return out, nil
}

func printReport(w io.Writer, tr *i18n.Translator, r *domaincheck.Report) {
	title := r.Domain
	if r.Provider != "" {
		title = tr.X("cmd.check.title", "%s (provider %s)", r.Domain, r.Provider)
	}
	fmt.Fprintln(w, title)
	if r.Checks.MX.Name != "" {
		fmt.Fprintf(w, "  mail     %s (%s)\n", r.Checks.MX.Name, strings.Join(r.Checks.MX.Hosts, ", "))
	} else if len(r.Checks.MX.Hosts) > 0 {
		fmt.Fprintf(w, "  mail     %s\n", strings.Join(r.Checks.MX.Hosts, ", "))
	}
	if h := r.Hints.DNSHost; h != nil {
		fmt.Fprintf(w, "  dns      %s\n", tr.X("cmd.check.dns_host", "hosted at %s; adding a record: %s", h.Name, h.HelpURL))
	}
	if s := r.Checks.SPF; s != nil {
		if s.Record == "" {
			fmt.Fprintf(w, "  spf      %-7s -\n", s.Status)
		} else {
			fmt.Fprintf(w, "  spf      %-7s %s (%s)\n", s.Status, s.Record, tr.Text(spf.LookupCountText(s.Lookups)))
		}
	}
	if d := r.Checks.DKIM; d != nil {
		for _, sel := range d.Selectors {
			fmt.Fprintf(w, "  dkim     %-7s %s\n", sel.Status, sel.Name)
		}
	}
	if d := r.Checks.DMARC; d != nil {
		fmt.Fprintf(w, "  dmarc    %-7s %s\n", d.Status, orDash(d.Record))
	}
	if b := r.Checks.Bounce; b != nil {
		fmt.Fprintf(w, "  bounce   %-7s %s\n", b.Status, b.Name)
	}
	if len(r.Hints.Selectors) > 0 {
		var sels []string
		for _, s := range r.Hints.Selectors {
			sels = append(sels, s.Selector)
		}
		fmt.Fprintf(w, "  signing  %s\n", tr.X("cmd.check.selectors", "DKIM selectors in use: %s", strings.Join(sels, ", ")))
	}
	writeFindings(w, tr, r.Findings)
	reason := tr.TextOr(r.Checks.SPF.SuggestionReasonText, r.Checks.SPF.SuggestionReason)
	switch s := r.Checks.SPF; {
	case s.Suggested != "":
		fmt.Fprintf(w, "\n  %s\n    %s\n", tr.X("cmd.check.spf_publish", "SPF record to publish (TXT at %s):", r.Domain), s.Suggested)
		if reason != "" {
			fmt.Fprintf(w, "    %s\n", reason)
		}
	case reason != "":
		fmt.Fprintf(w, "\n  %s\n", reason)
	}
	fmt.Fprintln(w)
}

// printFindings prints findings in the run's language (--lang).
func (e *env) printFindings(w io.Writer, fs []checks.Finding) { writeFindings(w, e.tr, fs) }

// writeFindings prints each finding's severity, code, message and fix in
// tr's language (English when tr is nil); the code stays as it is, for
// searching and for the support desk.
func writeFindings(w io.Writer, tr *i18n.Translator, fs []checks.Finding) {
	if tr == nil {
		tr = i18n.New(i18n.English)
	}
	for _, f := range fs {
		msg, fix := tr.Finding(f)
		fmt.Fprintf(w, "  %-7s  %s: %s\n", severityWord(tr, f.Severity), f.Code, msg)
		if fix != "" {
			fmt.Fprintf(w, "           %s\n", tr.X("cmd.check.fix", "fix: %s", fix))
		}
	}
}

// severityWord is the label of a finding's severity, at most 7 letters.
func severityWord(tr *i18n.Translator, s checks.Severity) string {
	switch s {
	case checks.Error:
		return tr.X("cmd.check.severity.error", "ERROR")
	case checks.Warning:
		return tr.X("cmd.check.severity.warning", "WARNING")
	case checks.Info:
		return tr.X("cmd.check.severity.info", "INFO")
	}
	return strings.ToUpper(string(s))
}
