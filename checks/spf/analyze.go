package spf

import (
	"context"
	"net/netip"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/transports"
)

// Finding codes of the SPF check (DESIGN.md).
const (
	CodeMissing         = "spf.missing"
	CodeMultiple        = "spf.multiple-records"
	CodeSyntax          = "spf.syntax"
	CodeIncludeMissing  = "spf.include-missing"
	CodeTooManyLookups  = "spf.too-many-lookups"
	CodeTooManyVoids    = "spf.too-many-void-lookups"
	CodeAllowAll        = "spf.allow-all"
	CodePTR             = "spf.ptr"
	CodeRangeNotPassing = "spf.range-not-pass"
	CodeIncludeBroken   = "spf.include-broken"
	CodeIncomplete      = "spf.lookups-unknown"
)

// Term describes one term of a record for people.
type Term struct {
	Term    string `json:"term"`
	Lookups int    `json:"lookups"` // DNS-querying terms it costs, includes followed
	Note    string `json:"note,omitempty"`
}

// RangeCheck is the verdict for one of the provider's sending ranges.
type RangeCheck struct {
	Range  string `json:"range"`
	IP     string `json:"ip"` // the address evaluated
	Result Result `json:"result"`
}

// Analysis is what the published SPF record of a domain means for the
// provider: the record, its cost in lookups, and what to fix.
type Analysis struct {
	Domain             string       `json:"domain"`
	Records            []string     `json:"records,omitempty"`   // every SPF record found
	Misplaced          string       `json:"misplaced,omitempty"` // a record under the doubled zone name
	Record             string       `json:"record,omitempty"`
	Terms              []Term       `json:"terms,omitempty"`
	Lookups            int          `json:"lookups"`
	VoidLookups        int          `json:"void_lookups"`
	IncludesProvider   bool         `json:"includes_provider"`
	LookupsWithInclude int          `json:"lookups_with_include"`
	Ranges             []RangeCheck `json:"ranges,omitempty"`
	// NXDomain: the domain itself does not exist. Unknown: a lookup got
	// no answer, so the record, its cost or its verdict is not known.
	// Neither gives a record to publish.
	NXDomain bool   `json:"nxdomain,omitempty"`
	Unknown  string `json:"unknown,omitempty"`
	// UnknownText is Unknown for the faces to translate.
	UnknownText checks.Text `json:"-"`
	// Broken are include and redirect targets that lead nowhere, by name.
	Broken   map[string]checks.Text `json:"-"`
	Findings []checks.Finding       `json:"-"`
}

// Analyze reads the domain's SPF record and explains it against the
// provider's needs. DNS failures are returned as a dns.* finding, never as
// a missing record.
func Analyze(ctx context.Context, r dnsq.Resolver, domain string, p *transports.Provider) *Analysis {
	a := &Analysis{Domain: domain}
	res, err := r.Lookup(ctx, domain, dns.TypeTXT)
	if err != nil {
		f := dnsq.FailureFinding("spf", err)
		a.Unknown, a.UnknownText = f.Message, f.MessageText
		a.add(f)
		return a
	}
	for _, txt := range res.TXT() {
		if IsSPF(txt) {
			a.Records = append(a.Records, txt)
		}
	}
	switch {
	case len(a.Records) == 0:
		if f, doubled := dnsq.FindDoubled(ctx, r, "spf", domain, dnsq.OrgDomain(domain), dns.TypeTXT); f != nil && hasSPF(doubled) {
			a.add(*f)
			for _, txt := range doubled.TXT() {
				if IsSPF(txt) {
					a.Misplaced = txt
				}
			}
			return a
		}
		if res.Outcome == dnsq.NXDomain {
			a.NXDomain = true
			a.add(dnsq.NXDomainFinding("spf", domain))
			return a
		}
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeMissing}.Say(
			checks.T("spf.missing", "%s has no SPF record: receivers cannot tell which servers may send its mail, and many treat such mail as suspect", domain),
			checks.T("spf.missing.fix", "Create one TXT record at %s (the name @ in most DNS panels) that starts with v=spf1 and lists every server that sends mail for the domain.", domain)))
		return a
	case len(a.Records) > 1:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeMultiple}.Say(
			checks.T("spf.multiple-records", "%s has %d SPF records; a domain may have only one, so receivers return permerror and ignore them all (RFC 7208 section 4.5)", domain, len(a.Records)),
			checks.T("spf.multiple-records.fix", "Merge them into one record and delete the others.")))
	}
	a.Record = a.Records[0]
	rec, err := Parse(a.Record)
	if err != nil {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeSyntax}.Say(
			checks.T("spf.syntax", "the SPF record of %s has an error, so receivers ignore all of it (permerror): %s", domain, strings.TrimPrefix(err.Error(), "spf: ")),
			checks.T("spf.syntax.fix", "Correct the term named and publish the record again.")))
		return a
	}
	w := newWalker(ctx, r)
	a.Terms = w.terms(rec, domain)
	a.Lookups, a.VoidLookups, a.Broken = w.lookups, w.voids, w.broken
	for _, broken := range w.brokenNames() {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeIncludeBroken}.Say(
			checks.T("spf.include-broken", "%s: receivers return permerror for the whole record (RFC 7208 section 5.2)", broken),
			checks.T("spf.include-broken.fix", "Remove that include, or ask its owner what to include instead.")))
	}
	providerCost := 0
	if p != nil && p.SPFInclude != "" {
		pw := w.fresh()
		providerCost = 1 + pw.recordCost(p.SPFInclude, 1)
		for k, err := range pw.failed {
			w.failed[k] = err
		}
	}
	if len(w.failed) > 0 {
		a.UnknownText = unknownLookups(w.failed)
		a.Unknown = a.UnknownText.String()
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeIncomplete, Temporary: true}.Say(
			checks.T("spf.lookups-unknown", "%s, so how many DNS lookups the record needs, and whether it passes, is unknown", a.UnknownText),
			checks.T("spf.lookups-unknown.fix", "Try again in a few minutes, or with another resolver (--resolver).")))
	}
	// With several records (an error of its own), the include in any of
	// them counts: the merged record keeps it.
	for _, other := range a.Records[1:] {
		if orec, err := Parse(other); err == nil && p != nil && p.SPFInclude != "" && includes(orec, p.SPFInclude) {
			w.reached[strings.ToLower(strings.TrimSuffix(p.SPFInclude, "."))] = true
		}
	}
	a.judge(rec, p, providerCost, w.reached)
	if p != nil {
		a.checkRanges(ctx, r, p)
	}
	return a
}

func hasSPF(r *dnsq.Result) bool {
	for _, txt := range r.TXT() {
		if IsSPF(txt) {
			return true
		}
	}
	return false
}

func (a *Analysis) add(f checks.Finding) { a.Findings = append(a.Findings, f) }

// unknownLookups words the lookups that got no answer.
func unknownLookups(failed map[string]error) checks.Text {
	names := make([]string, 0, len(failed))
	for key := range failed {
		name, qtype, _ := strings.Cut(key, "/")
		names = append(names, name+" ("+qtype+")")
	}
	sort.Strings(names)
	return checks.T("spf.unknown", "no DNS answer came for %s", strings.Join(names, ", "))
}

// judge adds the findings about the record's terms and limits.
func (a *Analysis) judge(rec *Record, p *transports.Provider, providerCost int, reached map[string]bool) {
	for _, m := range rec.Mechanisms {
		switch {
		case m.Name == "all" && m.Qualifier == '+':
			a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeAllowAll}.Say(
				checks.T("spf.allow-all", "the record ends in +all: every server on the internet may send mail as %s", a.Domain),
				checks.T("spf.allow-all.fix", "Replace +all with ~all (or -all once all senders are listed).")))
		case m.Name == "all" && m.Qualifier == '?':
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodeAllowAll}.Say(
				checks.T("spf.allow-all.neutral", "the record ends in ?all (neutral): it does not tell receivers to distrust other senders"),
				checks.T("spf.allow-all.fix.neutral", "Replace ?all with ~all once the record lists every server that sends for %s.", a.Domain)))
		case m.Name == "ptr":
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodePTR}.Say(
				checks.T("spf.ptr", "the record uses the ptr mechanism (%s), which RFC 7208 section 5.5 says not to use: it is slow, and large receivers ignore it", m.Raw),
				checks.T("spf.ptr.fix", "Replace it with ip4:/ip6: ranges or a: names of the servers it was meant for.")))
		}
	}
	if a.VoidLookups > MaxVoidLookups {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyVoids}.Say(
			checks.T("spf.too-many-void-lookups", "%d terms look up names that do not exist or hold nothing; receivers allow 2 and then return permerror (RFC 7208 section 4.6.4)", a.VoidLookups),
			checks.T("spf.too-many-void-lookups.fix", "Remove the includes and names that no longer exist.")))
	}
	a.LookupsWithInclude = a.Lookups
	if p == nil || p.SPFInclude == "" {
		a.flagLookups(false)
		return
	}
	// An include inside another include authorises the provider as well.
	a.IncludesProvider = includes(rec, p.SPFInclude) || reached[strings.ToLower(strings.TrimSuffix(p.SPFInclude, "."))]
	if !a.IncludesProvider {
		a.LookupsWithInclude = a.Lookups + providerCost
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeIncludeMissing}.Say(
			checks.T("spf.include-missing", "the SPF record of %s does not include %s, so mail %s sends with your domain may be rejected or marked as spam", a.Domain, p.SPFInclude, p.Name),
			checks.T("spf.include-missing.fix", "Add include:%s before the all at the end of the record.", p.SPFInclude)))
	}
	a.flagLookups(!a.IncludesProvider)
}

func (a *Analysis) flagLookups(withInclude bool) {
	switch {
	case a.Lookups > MaxLookups:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyLookups}.Say(
			checks.T("spf.too-many-lookups", "the record needs %d DNS lookups; receivers stop at %d and return permerror, so it fails for everyone (RFC 7208 section 4.6.4)", a.Lookups, MaxLookups),
			checks.T("spf.too-many-lookups.fix", "Replace includes of small senders with their ip4:/ip6: ranges, and remove senders you no longer use.")))
	case withInclude && a.LookupsWithInclude > MaxLookups:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyLookups}.Say(
			checks.T("spf.too-many-lookups.with-include", "the record needs %d DNS lookups now and would need %d with the provider's include; receivers stop at %d", a.Lookups, a.LookupsWithInclude, MaxLookups),
			checks.T("spf.too-many-lookups.fix.with-include", "Add the provider's IP ranges as ip4:/ip6: terms instead of its include (mailwizard spf suggest shows the record).")))
	}
}

func includes(rec *Record, target string) bool {
	for _, m := range rec.Mechanisms {
		if m.Name == "include" && strings.EqualFold(strings.TrimSuffix(m.Domain, "."), strings.TrimSuffix(target, ".")) {
			return true
		}
	}
	return false
}

// checkRanges evaluates the record for the first address of each of the
// provider's sending ranges, as a receiver would for its mail.
func (a *Analysis) checkRanges(ctx context.Context, r dnsq.Resolver, p *transports.Provider) {
	ev := &Evaluator{Resolver: r}
	for _, s := range p.SendingRanges {
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			continue
		}
		ip := pfx.Addr()
		v := ev.CheckHost(ctx, ip, "postmaster@"+a.Domain, a.Domain)
		a.Ranges = append(a.Ranges, RangeCheck{Range: s, IP: ip.String(), Result: v.Result})
		if v.Result != Pass && v.Result != TempError {
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodeRangeNotPassing}.Say(
				checks.T("spf.range-not-pass", "mail from %s's address %s gets SPF %s for %s, not pass", p.Name, ip.String(), string(v.Result), a.Domain),
				checks.T("spf.range-not-pass.fix", "Publish the suggested record; the include (or the ranges) makes these addresses pass.")))
		}
	}
}
