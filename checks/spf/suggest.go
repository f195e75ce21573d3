package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"mailwizard/checks/dnsq"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// Suggestion is the SPF record to publish so the provider may send.
type Suggestion struct {
	Record     string   `json:"record"`
	Strings    []string `json:"strings,omitempty"` // the record cut at 255 bytes, when longer
	Lookups    int      `json:"lookups"`
	Reason     string   `json:"reason"`
	UsesRanges bool     `json:"uses_ranges,omitempty"` // the provider's IP ranges instead of its include
	Unchanged  bool     `json:"unchanged,omitempty"`   // the published record already does it
}

// ErrNothingToSuggest means the provider needs no SPF change (it sends
// through the customer's own server, or publishes neither an include nor
// ranges).
var ErrNothingToSuggest = errors.New("spf: the provider asks for no SPF change")

// Suggest builds the record to publish from the analysis of the current
// one. mxIncludes are the SPF includes of the domain's mailbox provider
// (spf.protection.outlook.com for Microsoft 365), used when there is no
// record yet so that the domain's own mail keeps passing.
func Suggest(ctx context.Context, r dnsq.Resolver, a *Analysis, p *transports.Provider, mxIncludes []string) (*Suggestion, error) {
	if p == nil || p.SPFInclude == "" && len(p.SendingRanges) == 0 {
		return nil, ErrNothingToSuggest
	}
	providerTerms := []string{"include:" + p.SPFInclude}
	if p.SPFInclude == "" {
		providerTerms = rangeTerms(p.SendingRanges)
	}
	var s Suggestion
	var terms []string
	allTerm := "~all"
	switch {
	case len(a.Records) == 0 && a.Misplaced != "":
		rec, err := Parse(a.Misplaced)
		if err != nil {
			return nil, fmt.Errorf("the misplaced record has an error; fix it when you move it: %w", err)
		}
		terms, allTerm = mergeTerms([]*Record{rec})
		if p.SPFInclude != "" && includes(rec, p.SPFInclude) {
			providerTerms = nil
		}
		s.Reason = fmt.Sprintf("This is the record now published under the doubled name, to be created at %s itself (the name @ or empty in most DNS panels)%s.",
			a.Domain, map[bool]string{true: "", false: ", with " + strings.Join(providerTerms, " ") + " added"}[len(providerTerms) == 0])
	case len(a.Records) == 0:
		if len(mxIncludes) > 0 {
			for _, inc := range mxIncludes {
				terms = append(terms, "include:"+inc)
			}
			s.Reason = fmt.Sprintf("%s has no SPF record yet. This one keeps the mail your mailbox provider sends passing (%s), adds %s, "+
				"and ends in ~all: receivers treat other senders with suspicion without rejecting them. Change it to -all once you are sure every sender is listed.",
				a.Domain, strings.Join(mxIncludes, ", "), p.Name)
		} else {
			terms = append(terms, "mx")
			s.Reason = fmt.Sprintf("%s has no SPF record yet. This one allows the servers in its MX records (usually your own mail servers also send), adds %s, "+
				"and ends in ~all: receivers treat other senders with suspicion without rejecting them. List any other servers that send for the domain before publishing.",
				a.Domain, p.Name)
		}
	default:
		recs := make([]*Record, 0, len(a.Records))
		for _, txt := range a.Records {
			rec, err := Parse(txt)
			if err != nil {
				return nil, fmt.Errorf("the published record has an error; fix it before adding %s: %w", p.Name, err)
			}
			recs = append(recs, rec)
		}
		if len(recs) == 1 && (p.SPFInclude != "" && includes(recs[0], p.SPFInclude) || p.SPFInclude == "" && coversRanges(recs[0], p.SendingRanges)) {
			return &Suggestion{Record: recs[0].String(), Lookups: a.Lookups, Unchanged: true,
				Reason: fmt.Sprintf("the published record already allows %s; nothing to change", p.Name)}, nil
		}
		terms, allTerm = mergeTerms(recs)
		s.Reason = fmt.Sprintf("%s added before the final %s, the rest of the record unchanged.", strings.Join(providerTerms, " "), allTerm)
		if len(recs) > 1 {
			s.Reason = fmt.Sprintf("The %d SPF records are merged into one (delete the others), and %s is added before the final %s.", len(recs), strings.Join(providerTerms, " "), allTerm)
		}
	}
	record := buildRecord(terms, providerTerms, allTerm)
	lookups := costOf(ctx, r, record, a.Domain)
	if lookups > MaxLookups && p.SPFInclude != "" && len(p.SendingRanges) > 0 {
		before := lookups
		record = buildRecord(terms, rangeTerms(p.SendingRanges), allTerm)
		lookups = costOf(ctx, r, record, a.Domain)
		s.UsesRanges = true
		s.Reason += fmt.Sprintf(" With include:%s the record would need %d DNS lookups, more than the %d receivers allow, so %s's IP ranges are listed instead (%d lookups). "+
			"If %s adds servers, this record must be updated.", p.SPFInclude, before, MaxLookups, p.Name, lookups, p.Name)
	}
	if lookups > MaxLookups {
		s.Reason += fmt.Sprintf(" It still needs %d DNS lookups, more than the %d receivers allow: replace other includes with their IP ranges or remove senders you no longer use.", lookups, MaxLookups)
	}
	s.Record, s.Lookups = record, lookups
	if len(record) > 255 {
		s.Strings = dkimkey.SplitTXT(record)
	}
	return &s, nil
}

func rangeTerms(ranges []string) []string {
	var out []string
	for _, r := range ranges {
		if p, err := netip.ParsePrefix(r); err == nil {
			kind := "ip4:"
			if p.Addr().Is6() {
				kind = "ip6:"
			}
			out = append(out, kind+r)
		}
	}
	return out
}

func coversRanges(rec *Record, ranges []string) bool {
	for _, r := range ranges {
		p, err := netip.ParsePrefix(r)
		if err != nil {
			return false
		}
		covered := false
		for _, m := range rec.Mechanisms {
			if (m.Name == "ip4" || m.Name == "ip6") && m.Qualifier == '+' && m.Prefix.Bits() <= p.Bits() && m.Prefix.Contains(p.Addr()) {
				covered = true
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

// mergeTerms joins the terms of one or more records in order, dropping
// duplicates and every "all"; it returns the all term of the first record
// that has one (the admin's chosen strictness), else ~all. A redirect= is
// kept as the last term only when no record has an all.
func mergeTerms(recs []*Record) ([]string, string) {
	seen := map[string]bool{}
	var terms []string
	allTerm, redirect := "", ""
	for _, rec := range recs {
		for _, m := range rec.Mechanisms {
			if m.Name == "all" {
				if allTerm == "" {
					allTerm = m.Raw
				}
				continue
			}
			if key := strings.ToLower(m.Raw); !seen[key] {
				seen[key] = true
				terms = append(terms, m.Raw)
			}
		}
		for _, mod := range append([]*Modifier{rec.Exp}, rec.Unknown...) {
			if mod != nil && !seen[strings.ToLower(mod.Raw)] {
				seen[strings.ToLower(mod.Raw)] = true
				terms = append(terms, mod.Raw)
			}
		}
		if rec.Redirect != nil && redirect == "" {
			redirect = rec.Redirect.Raw
		}
	}
	if allTerm == "" && redirect != "" {
		return terms, redirect
	}
	if allTerm == "" {
		allTerm = "~all"
	}
	return terms, allTerm
}

func buildRecord(terms, provider []string, final string) string {
	out := append([]string{"v=spf1"}, terms...)
	out = append(out, provider...)
	return strings.Join(append(out, final), " ")
}

// costOf counts the lookups a record would cost, following its includes.
func costOf(ctx context.Context, r dnsq.Resolver, record, domain string) int {
	rec, err := Parse(record)
	if err != nil {
		return 0
	}
	w := newWalker(ctx, r)
	w.terms(rec, domain)
	return w.lookups
}
