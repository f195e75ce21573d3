// Package domaincheck runs every DNS check of one domain for a provider at
// once (SPF, DKIM, DMARC, MX, the bounce record, and the hints) and puts
// the results in the shape of DESIGN.md's `check --json`. Each check
// writes only its own part; the report is assembled when all are done.
package domaincheck

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dkim"
	"mailwizard/checks/dmarc"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/hints"
	"mailwizard/checks/spf"
	"mailwizard/transports"
)

// Options say what to check beyond the provider's profile.
type Options struct {
	Provider   *transports.Provider
	Selector   string // DKIM selector (generate mode); default: the profile's
	ExpectDKIM string // the TXT value the admin was told to publish
}

// Check runs all checks of domain concurrently.
func Check(ctx context.Context, r dnsq.Resolver, domain string, opts Options) *Report {
	p := opts.Provider
	rep := newReport(domain, "")
	ctx, asked := dnsq.WithQueryCount(ctx)
	defer func() { rep.Queries = asked.Queries() }()
	if p != nil {
		rep.Provider = p.ID
	}
	zone := dmarc.OrgDomain(domain)
	var spfAnalysis *spf.Analysis
	var mailProvider *hints.MailProvider
	mxKnown := false
	var mxFindings, nsFindings, dkimFindings, bounceFindings []checks.Finding
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { spfAnalysis = spf.Analyze(ctx, r, domain, p) })
	mxDone := make(chan struct{})
	run(func() {
		defer close(mxDone)
		res, err := r.Lookup(ctx, domain, dns.TypeMX)
		if err != nil {
			mxFindings = append(mxFindings, dnsq.FailureFinding("mx", err))
			return
		}
		mxKnown = true
		rep.Checks.MX.Hosts = orEmpty(hints.Names(res.Records))
		if mailProvider = hints.DetectMailProvider(rep.Checks.MX.Hosts); mailProvider != nil {
			rep.Checks.MX.Provider, rep.Checks.MX.Name = mailProvider.ID, mailProvider.Name
		}
	})
	run(func() {
		if res, err := r.Lookup(ctx, zone, dns.TypeNS); err == nil {
			rep.Hints.DNSHost = hints.DetectDNSHost(hints.Names(res.Records))
		} else {
			nsFindings = append(nsFindings, dnsq.FailureFinding("ns", err))
		}
	})
	run(func() {
		var sum *DKIMSummary
		if sum, dkimFindings = checkDKIM(ctx, r, domain, zone, opts); sum != nil {
			rep.Checks.DKIM = sum
		}
	})
	run(func() { rep.Hints.Selectors = orEmpty(probeSelectors(ctx, r, domain, p, opts, mxDone, &mailProvider)) })
	if p != nil && p.Bounce != nil {
		run(func() { rep.Checks.Bounce, bounceFindings = checkBounce(ctx, r, domain, zone, p.Bounce) })
	}
	wg.Wait()

	if spfAnalysis.NXDomain {
		// Nothing else is worth saying about a name that does not exist:
		// every "publish this" would be advice for a typing error.
		rep.Checks.SPF.Status = checks.Error
		rep.Checks.DKIM = &DKIMSummary{Status: NotChecked, Selectors: []*dkim.Result{}}
		rep.Checks.Bounce = nil
		rep.Findings = append(rep.Findings, spfAnalysis.Findings...)
		return rep
	}
	// DMARC's verdict needs to know whether DKIM and the bounce record are
	// in place, and says so when that is not known.
	s := dmarc.Sending{}
	if p != nil {
		s = sending(p, rep, dkimFindings, bounceFindings)
	}
	rep.Checks.DMARC = dmarc.Check(ctx, r, domain, s)
	rep.SPFPlan = planSPF(ctx, r, spfAnalysis, p, spf.Mailbox{Known: mxKnown, Includes: mailboxIncludes(mailProvider)})
	rep.Checks.SPF = summarizeSPF(rep.SPFPlan)

	rep.Findings = append(rep.Findings, spfAnalysis.Findings...)
	rep.Findings = append(rep.Findings, dkimFindings...)
	rep.Findings = append(rep.Findings, rep.Checks.DMARC.Findings...)
	rep.Findings = append(rep.Findings, bounceFindings...)
	rep.Findings = append(rep.Findings, mxFindings...)
	rep.Findings = append(rep.Findings, nsFindings...)
	return rep
}

// probeSelectors finds the DKIM selectors in use. The one asked for and
// the provider's are looked at first; only when neither is there are the
// common ones probed, those of the mailbox provider first (*mp once mxDone
// is closed), and the rest only when those are missing too: probing stops
// at the first round that finds a key (a dozen questions a domain, which
// a thousand-domain run would otherwise ask for every customer).
func probeSelectors(ctx context.Context, r dnsq.Resolver, domain string, p *transports.Provider, opts Options,
	mxDone <-chan struct{}, mp **hints.MailProvider) []hints.Selector {
	wanted := []string{opts.Selector}
	if p != nil {
		wanted = append(wanted, p.DKIM.DefaultSelector)
	}
	if found := hints.ProbeNamed(ctx, r, domain, wanted...); len(found) > 0 {
		return found
	}
	<-mxDone
	return hints.ProbeCommon(ctx, r, domain, *mp)
}

func mailboxIncludes(mp *hints.MailProvider) []string {
	if mp == nil {
		return nil
	}
	return mp.SPFIncludes
}

// sending describes the provider's mail for the DMARC verdict.
func sending(p *transports.Provider, rep *Report, dkimFindings, bounceFindings []checks.Finding) dmarc.Sending {
	s := dmarc.Sending{Provider: p.Name, Hosted: p.Supports(transports.Hosted), Bounce: p.Bounce,
		HostedDKIM:    rep.Checks.DKIM.Status == "ok",
		BounceAligned: rep.Checks.Bounce != nil && rep.Checks.Bounce.Status == "ok"}
	for _, f := range append(append([]checks.Finding(nil), dkimFindings...), bounceFindings...) {
		if f.Temporary {
			s.Unknown = f.MessageText
		}
	}
	return s
}

func summarizeSPF(plan *SPFPlan) *SPFSummary {
	a := plan.Analysis
	s := &SPFSummary{Status: checks.Status(a.Findings), Record: a.Record, Lookups: a.Lookups, LookupsWithInclude: a.LookupsWithInclude,
		IncludesProvider: a.IncludesProvider, Terms: orEmpty(a.Terms), Ranges: orEmpty(a.Ranges), SuggestedStrings: []string{}}
	switch sug, err := plan.Suggestion, plan.Err; {
	case err == nil && !sug.Unchanged:
		s.Suggested, s.SuggestedStrings, s.SuggestionReason, s.SuggestionReasonText = sug.Record, orEmpty(sug.Strings), sug.Reason, sug.ReasonText
	case errors.Is(err, spf.ErrUnknown):
		why := checks.Verbatim(strings.TrimPrefix(err.Error(), spf.ErrUnknown.Error()+": "))
		var refusal *spf.Refusal
		if errors.As(err, &refusal) {
			why = refusal.Why
		}
		s.SuggestionReasonText = checks.T("spf.reason.none", "No record is suggested: %s.", why)
		s.SuggestionReason = s.SuggestionReasonText.String()
	}
	return s
}

// expectations turns the provider's DKIM mode into what must be published.
func expectations(p *transports.Provider, opts Options) []dkim.Expect {
	if p == nil {
		if opts.Selector == "" {
			return nil
		}
		return []dkim.Expect{{Selector: opts.Selector, Value: opts.ExpectDKIM}}
	}
	switch p.DKIM.Mode {
	case "cname":
		var out []dkim.Expect
		for _, c := range p.DKIM.CNAMEs {
			out = append(out, dkim.Expect{Selector: strings.TrimSuffix(c.Name, "._domainkey"), CNAME: c.Target})
		}
		return out
	case "generate":
		sel := opts.Selector
		if sel == "" {
			sel = p.DKIM.DefaultSelector
		}
		if sel == "" {
			return nil
		}
		return []dkim.Expect{{Selector: sel, Value: opts.ExpectDKIM}}
	}
	return nil
}

func checkDKIM(ctx context.Context, r dnsq.Resolver, domain, zone string, opts Options) (*DKIMSummary, []checks.Finding) {
	exps := expectations(opts.Provider, opts)
	if len(exps) == 0 {
		if opts.Provider != nil && opts.Provider.DKIM.Mode == "generate" {
			return nil, []checks.Finding{checks.Finding{Check: "dkim", Severity: checks.Info, Code: "dkim.no-selector"}.Say(
				checks.T("dkim.no-selector", "no DKIM selector given, so the key record was not checked"),
				checks.T("dkim.no-selector.fix", "Give the selector with --selector."))}
		}
		return nil, nil
	}
	sum := &DKIMSummary{Selectors: make([]*dkim.Result, len(exps))}
	var wg sync.WaitGroup
	for i, e := range exps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum.Selectors[i] = dkim.Check(ctx, r, domain, zone, e)
		}()
	}
	wg.Wait()
	var fs []checks.Finding
	for _, s := range sum.Selectors {
		fs = append(fs, s.Findings...)
	}
	sum.Status = checks.Status(fs)
	return sum, fs
}

// checkBounce looks for the provider's Return-Path record (a CNAME or MX
// under the domain, as Amazon SES, SendGrid and Postmark ask for).
func checkBounce(ctx context.Context, r dnsq.Resolver, domain, zone string, b *transports.BounceRecord) (*BounceResult, []checks.Finding) {
	name := b.Name + "." + domain
	res := &BounceResult{Name: name, Seen: []string{}}
	qtype := uint16(dns.TypeCNAME)
	if b.Type == "mx" {
		qtype = dns.TypeMX
	}
	want := strings.ToLower(strings.TrimSuffix(b.Target, "."))
	fix := checks.T("bounce.fix", "Create a %s record named %s pointing to %s.", strings.ToUpper(b.Type), dnsq.Relative(name, zone), want)
	got, err := r.Lookup(ctx, name, qtype)
	var fs []checks.Finding
	switch {
	case err != nil:
		fs = append(fs, dnsq.FailureFinding("bounce", err))
	case got.Outcome != dnsq.Answer:
		fs = append(fs, checks.Finding{Check: "bounce", Severity: checks.Error, Code: "bounce.missing"}.Say(
			checks.T("bounce.missing", "no %s record at %s: bounces and SPF alignment for the service's mail depend on it", strings.ToUpper(b.Type), name), fix))
	default:
		for _, rr := range got.Records {
			switch v := rr.(type) {
			case *dns.CNAME:
				res.Seen = append(res.Seen, strings.TrimSuffix(strings.ToLower(v.Target), "."))
			case *dns.MX:
				res.Seen = append(res.Seen, strings.TrimSuffix(strings.ToLower(v.Mx), "."))
			}
		}
		sort.Strings(res.Seen)
		if !contains(res.Seen, want) {
			fs = append(fs, checks.Finding{Check: "bounce", Severity: checks.Error, Code: "bounce.wrong-target"}.Say(
				checks.T("bounce.wrong-target", "%s points to %s, not to %s", name, strings.Join(res.Seen, ", "), want), fix))
		}
	}
	res.Status = checks.Status(fs)
	return res, fs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckMany checks domains with at most workers at a time, returning the
// reports in the order of domains.
func CheckMany(ctx context.Context, r dnsq.Resolver, domains []string, opts Options, workers int) []*Report {
	out := make([]*Report, len(domains))
	CheckEach(ctx, r, domains, opts, workers, func(i int, rep *Report) { out[i] = rep })
	return out
}

// CheckEach is CheckMany handing each report to done as it is made (from
// the workers' goroutines, one call at a time), for progress. Once ctx is
// done no new domain is started: a batch stopped with Ctrl-C ends at
// once, and the domains not reached get no report.
func CheckEach(ctx context.Context, r dnsq.Resolver, domains []string, opts Options, workers int, done func(i int, rep *Report)) {
	workers = max(1, min(workers, len(domains)))
	next := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				rep := Check(ctx, r, domains[i], opts)
				mu.Lock()
				done(i, rep)
				mu.Unlock()
			}
		})
	}
feed:
	for i := range domains {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}

// SPFPlan is what a domain's SPF record means for the provider and the
// record to publish: one composition for `check`, `spf suggest` and the
// wizard's hosted step.
type SPFPlan struct {
	Analysis   *spf.Analysis
	Suggestion *spf.Suggestion // nil when there is none: see Err
	Err        error           // spf.ErrUnknown, ErrNoSuchDomain, ErrNothingToSuggest, ...
}

// PlanSPF analyses domain's SPF record for p and suggests the record to
// publish, looking up the MX records for a domain that has none yet. The
// analysis's fixes name the suggested record.
func PlanSPF(ctx context.Context, r dnsq.Resolver, domain string, p *transports.Provider) *SPFPlan {
	a := spf.Analyze(ctx, r, domain, p)
	mx := spf.Mailbox{}
	if res, err := r.Lookup(ctx, domain, dns.TypeMX); err == nil {
		mx.Known = true
		mx.Includes = mailboxIncludes(hints.DetectMailProvider(hints.Names(res.Records)))
	}
	return planSPF(ctx, r, a, p, mx)
}

func planSPF(ctx context.Context, r dnsq.Resolver, a *spf.Analysis, p *transports.Provider, mx spf.Mailbox) *SPFPlan {
	sug, err := spf.Suggest(ctx, r, a, p, mx)
	a.PointFixesAt(sug)
	return &SPFPlan{Analysis: a, Suggestion: sug, Err: err}
}
