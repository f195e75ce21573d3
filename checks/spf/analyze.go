package spf

import (
	"context"
	"fmt"
	"net/netip"
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
	Findings           []checks.Finding
}

// Analyze reads the domain's SPF record and explains it against the
// provider's needs. DNS failures are returned as a dns.* finding, never as
// a missing record.
func Analyze(ctx context.Context, r dnsq.Resolver, domain string, p *transports.Provider) *Analysis {
	a := &Analysis{Domain: domain}
	res, err := r.Lookup(ctx, domain, dns.TypeTXT)
	if err != nil {
		a.add(dnsq.FailureFinding("spf", err))
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
		f := checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeMissing,
			Message: fmt.Sprintf("%s has no SPF record: receivers cannot tell which servers may send its mail, and many treat such mail as suspect", domain)}
		if res.Outcome == dnsq.NXDomain {
			f.Message = fmt.Sprintf("%s does not exist in DNS (NXDOMAIN): check the spelling of the domain", domain)
			f.Code = dnsq.CodeNXDomain
		}
		a.add(f)
		return a
	case len(a.Records) > 1:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeMultiple,
			Message: fmt.Sprintf("%s has %d SPF records; a domain may have only one, so receivers return permerror and ignore them all (RFC 7208 section 4.5)", domain, len(a.Records)),
			Fix:     "Merge them into one record and delete the others."})
	}
	a.Record = a.Records[0]
	rec, err := Parse(a.Record)
	if err != nil {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeSyntax,
			Message: fmt.Sprintf("the SPF record of %s has an error, so receivers ignore all of it (permerror): %v", domain, strings.TrimPrefix(err.Error(), "spf: ")),
			Fix:     "Correct the term named and publish the record again."})
		return a
	}
	w := newWalker(ctx, r)
	a.Terms = w.terms(rec, domain)
	a.Lookups, a.VoidLookups = w.lookups, w.voids
	for _, broken := range w.broken {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeIncludeBroken,
			Message: broken + ": receivers return permerror for the whole record (RFC 7208 section 5.2)",
			Fix:     "Remove that include, or ask its owner what to include instead."})
	}
	providerCost := 0
	if p != nil && p.SPFInclude != "" {
		providerCost = 1 + w.fresh().recordCost(p.SPFInclude, 1)
	}
	a.judge(rec, p, providerCost)
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

// judge adds the findings about the record's terms and limits.
func (a *Analysis) judge(rec *Record, p *transports.Provider, providerCost int) {
	for _, m := range rec.Mechanisms {
		switch {
		case m.Name == "all" && m.Qualifier == '+':
			a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeAllowAll,
				Message: "the record ends in +all: every server on the internet may send mail as " + a.Domain,
				Fix:     "Replace +all with ~all (or -all once all senders are listed)."})
		case m.Name == "all" && m.Qualifier == '?':
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodeAllowAll,
				Message: "the record ends in ?all (neutral): it does not tell receivers to distrust other senders",
				Fix:     "Replace ?all with ~all once the record lists every server that sends for " + a.Domain + "."})
		case m.Name == "ptr":
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodePTR,
				Message: fmt.Sprintf("%s uses ptr, which RFC 7208 section 5.5 says not to use: it is slow, and large receivers ignore it", m.Raw),
				Fix:     "Replace it with ip4:/ip6: ranges or a: names of the servers it was meant for."})
		}
	}
	if a.VoidLookups > MaxVoidLookups {
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyVoids,
			Message: fmt.Sprintf("%d terms look up names that do not exist or hold nothing; receivers allow 2 and then return permerror (RFC 7208 section 4.6.4)", a.VoidLookups),
			Fix:     "Remove the includes and names that no longer exist."})
	}
	a.LookupsWithInclude = a.Lookups
	if p == nil || p.SPFInclude == "" {
		a.flagLookups(false)
		return
	}
	a.IncludesProvider = includes(rec, p.SPFInclude)
	if !a.IncludesProvider {
		a.LookupsWithInclude = a.Lookups + providerCost
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeIncludeMissing,
			Message: fmt.Sprintf("the SPF record of %s does not include %s, so mail %s sends with your domain may be rejected or marked as spam", a.Domain, p.SPFInclude, p.Name),
			Fix:     fmt.Sprintf("Add include:%s before the all at the end of the record.", p.SPFInclude)})
	}
	a.flagLookups(!a.IncludesProvider)
}

func (a *Analysis) flagLookups(withInclude bool) {
	switch {
	case a.Lookups > MaxLookups:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyLookups,
			Message: fmt.Sprintf("the record needs %d DNS lookups; receivers stop at %d and return permerror, so it fails for everyone (RFC 7208 section 4.6.4)", a.Lookups, MaxLookups),
			Fix:     "Replace includes of small senders with their ip4:/ip6: ranges, and remove senders you no longer use."})
	case withInclude && a.LookupsWithInclude > MaxLookups:
		a.add(checks.Finding{Check: "spf", Severity: checks.Error, Code: CodeTooManyLookups,
			Message: fmt.Sprintf("the record needs %d DNS lookups now and would need %d with the provider's include; receivers stop at %d", a.Lookups, a.LookupsWithInclude, MaxLookups),
			Fix:     "Add the provider's IP ranges as ip4:/ip6: terms instead of its include (mailwizard spf suggest shows the record)."})
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
			a.add(checks.Finding{Check: "spf", Severity: checks.Warning, Code: CodeRangeNotPassing,
				Message: fmt.Sprintf("mail from %s's address %s gets SPF %s for %s, not pass", p.Name, ip, v.Result, a.Domain),
				Fix:     "Publish the suggested record; the include (or the ranges) makes these addresses pass."})
		}
	}
}
