package spf

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/transports"
)

// walker counts what a record costs a receiver in the worst case, when no
// term matches: every DNS-querying term, through every include and
// redirect, and the lookups that find nothing. Terms with macros cannot be
// followed without a message; they count one lookup each.
type walker struct {
	ctx     context.Context
	r       dnsq.Resolver
	cache   map[string]lookupResult
	lookups int
	voids   int
	// broken are include and redirect targets that lead nowhere, by name:
	// a definite answer (no SPF record, several, or an invalid one).
	broken map[string]checks.Text
	// failed are lookups that got no answer: until they do, the counts
	// and the verdicts are unknown.
	failed map[string]error
	// reached is every include target walked, nested ones too.
	reached map[string]bool
}

// lookupResult is one cached answer: a result, or the error of a lookup
// that got none.
type lookupResult struct {
	res *dnsq.Result
	err error
}

func newWalker(ctx context.Context, r dnsq.Resolver) *walker {
	return &walker{ctx: ctx, r: r, cache: map[string]lookupResult{},
		broken: map[string]checks.Text{}, failed: map[string]error{}, reached: map[string]bool{}}
}

// fresh is a walker with zero counts sharing the lookup cache.
func (w *walker) fresh() *walker {
	f := newWalker(w.ctx, w.r)
	f.cache = w.cache
	return f
}

func (w *walker) lookup(name string, qtype uint16) *dnsq.Result {
	key := strings.ToLower(name) + "/" + dns.TypeToString[qtype]
	c, ok := w.cache[key]
	if !ok {
		c.res, c.err = w.r.Lookup(w.ctx, name, qtype)
		w.cache[key] = c
	}
	if c.err != nil {
		w.failed[key] = c.err // also for a walker that shares the cache
		return nil
	}
	return c.res
}

// brokenNames lists the broken targets' reasons in a stable order.
func (w *walker) brokenNames() []checks.Text {
	out := make([]checks.Text, 0, len(w.broken))
	for _, why := range w.broken {
		out = append(out, why)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func static(spec string) bool { return spec != "" && !strings.Contains(spec, "%") }

// terms walks the top-level record and describes each term.
func (w *walker) terms(rec *Record, domain string) []Term {
	var out []Term
	for _, m := range rec.Mechanisms {
		before := w.lookups
		note := w.mechanism(m, domain, 1)
		out = append(out, Term{Term: m.Raw, Lookups: w.lookups - before, Note: note})
	}
	if rec.Redirect != nil {
		before := w.lookups
		w.lookups++
		note := ""
		if static(rec.Redirect.Value) {
			w.recordCost(rec.Redirect.Value, 1) // adds its lookups itself
		} else {
			note = "uses macros: not followed"
		}
		out = append(out, Term{Term: rec.Redirect.Raw, Lookups: w.lookups - before, Note: note})
	}
	if rec.Exp != nil {
		out = append(out, Term{Term: rec.Exp.Raw, Note: "explanation for rejected mail; costs no lookup"})
	}
	return out
}

func (w *walker) mechanism(m *Mechanism, domain string, depth int) string {
	if !m.QueriesDNS() {
		return ""
	}
	w.lookups++
	target := domain
	if m.Domain != "" {
		if !static(m.Domain) {
			return "uses macros: not followed"
		}
		target = strings.TrimSuffix(m.Domain, ".")
	}
	switch m.Name {
	case "include":
		w.reached[strings.ToLower(target)] = true
		cost := w.recordCost(target, depth)
		return fmt.Sprintf("%s inside %s", LookupCount(cost), target)
	case "a":
		if r := w.lookup(target, dns.TypeA); r != nil && r.Outcome == dnsq.NXDomain {
			w.voids++
			return target + " does not exist"
		}
	case "mx":
		if r := w.lookup(target, dns.TypeMX); r != nil && r.Outcome != dnsq.Answer {
			w.voids++
			return target + " has no MX records"
		}
	case "ptr":
		return "discouraged (RFC 7208 section 5.5)"
	}
	return ""
}

// recordCost walks the SPF record of domain and returns the lookups its
// terms cost (not counting the include or redirect that led here).
func (w *walker) recordCost(domain string, depth int) int {
	if depth > MaxLookups {
		return 0 // a loop; the limit is exceeded anyway
	}
	r := w.lookup(domain, dns.TypeTXT)
	if r == nil {
		return 0 // no answer: w.failed says the count is unknown
	}
	var recs []string
	for _, txt := range r.TXT() {
		if IsSPF(txt) {
			recs = append(recs, txt)
		}
	}
	key := strings.ToLower(domain)
	if len(recs) != 1 {
		if r.Outcome != dnsq.Answer {
			w.voids++
		}
		switch {
		case r.Outcome == dnsq.NXDomain:
			w.broken[key] = checks.T("spf.broken.nxdomain", "%s, reached by include or redirect, does not exist", domain)
		case len(recs) == 0:
			w.broken[key] = checks.T("spf.broken.missing", "%s, reached by include or redirect, has no SPF record", domain)
		default:
			w.broken[key] = checks.T("spf.broken.multiple", "%s, reached by include or redirect, has %d SPF records", domain, len(recs))
		}
		return 0
	}
	rec, err := Parse(recs[0])
	if err != nil {
		w.broken[key] = checks.T("spf.broken.syntax", "the SPF record of %s, reached by include or redirect, is invalid (%s)", domain, strings.TrimPrefix(err.Error(), "spf: "))
		return 0
	}
	before := w.lookups
	for _, m := range rec.Mechanisms {
		w.mechanism(m, domain, depth+1)
	}
	if rec.Redirect != nil {
		w.lookups++
		if static(rec.Redirect.Value) {
			w.recordCost(rec.Redirect.Value, depth+1)
		}
	}
	return w.lookups - before
}

// LookupCount writes a count of DNS lookups for people: "1 DNS lookup",
// "4 DNS lookups".
func LookupCount(n int) string { return LookupCountText(n).String() }

// LookupCountText is LookupCount for the faces to translate.
func LookupCountText(n int) checks.Text {
	if n == 1 {
		return checks.T("spf.lookups.one", "1 DNS lookup")
	}
	return checks.T("spf.lookups", "%d DNS lookups", n)
}

// IncludesTarget reports whether an SPF record names include:target,
// directly or inside the records its includes lead to (RFC 7208 section
// 5.2), as Analyze decides it; false for a record that does not parse.
// Lookups that fail count as "not found here", never as found.
func IncludesTarget(ctx context.Context, r dnsq.Resolver, record, target string) bool {
	rec, err := Parse(record)
	if err != nil {
		return false
	}
	want := strings.ToLower(strings.TrimSuffix(target, "."))
	if includes(rec, want) {
		return true
	}
	w := newWalker(ctx, r)
	w.terms(rec, "")
	return w.reached[want]
}

// AuthorizesProvider reports whether an SPF record lets the provider
// send: it names the provider's include, directly or nested, or it lists
// every address the provider gives instead of it (its SPFFallback, else
// its sending ranges), as a suggestion past 10 lookups does.
func AuthorizesProvider(ctx context.Context, r dnsq.Resolver, record string, p *transports.Provider) bool {
	if p.SPFInclude != "" && IncludesTarget(ctx, r, record, p.SPFInclude) {
		return true
	}
	rec, err := Parse(record)
	if err != nil {
		return false
	}
	var ranges []string
	for _, t := range fallbackTerms(p) {
		_, addr, _ := strings.Cut(t, ":")
		if !strings.Contains(addr, "/") {
			if strings.Contains(addr, ":") {
				addr += "/128"
			} else {
				addr += "/32"
			}
		}
		ranges = append(ranges, addr)
	}
	return len(ranges) > 0 && coversRanges(rec, ranges)
}
