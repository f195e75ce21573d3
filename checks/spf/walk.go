package spf

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// walker counts what a record costs a receiver in the worst case, when no
// term matches: every DNS-querying term, through every include and
// redirect, and the lookups that find nothing. Terms with macros cannot be
// followed without a message; they count one lookup each.
type walker struct {
	ctx     context.Context
	r       dnsq.Resolver
	cache   map[string]*dnsq.Result
	lookups int
	voids   int
	broken  []string // includes that lead nowhere
}

func newWalker(ctx context.Context, r dnsq.Resolver) *walker {
	return &walker{ctx: ctx, r: r, cache: map[string]*dnsq.Result{}}
}

// fresh is a walker with zero counts sharing the lookup cache.
func (w *walker) fresh() *walker { return &walker{ctx: w.ctx, r: w.r, cache: w.cache} }

func (w *walker) lookup(name string, qtype uint16) *dnsq.Result {
	key := strings.ToLower(name) + "/" + dns.TypeToString[qtype]
	if r, ok := w.cache[key]; ok {
		return r
	}
	r, err := w.r.Lookup(w.ctx, name, qtype)
	if err != nil {
		r = nil
	}
	w.cache[key] = r
	return r
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
		cost := w.recordCost(target, depth)
		return fmt.Sprintf("%d lookup(s) inside %s", cost, target)
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
		return 0 // a DNS failure: reported where it matters, not here
	}
	var recs []string
	for _, txt := range r.TXT() {
		if IsSPF(txt) {
			recs = append(recs, txt)
		}
	}
	if len(recs) != 1 {
		if r.Outcome != dnsq.Answer {
			w.voids++
		}
		if len(recs) == 0 {
			w.broken = append(w.broken, fmt.Sprintf("%s, reached by include or redirect, has no SPF record", domain))
		} else {
			w.broken = append(w.broken, fmt.Sprintf("%s, reached by include or redirect, has %d SPF records", domain, len(recs)))
		}
		return 0
	}
	rec, err := Parse(recs[0])
	if err != nil {
		w.broken = append(w.broken, fmt.Sprintf("the SPF record of %s is invalid (%v)", domain, err))
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
