package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// Suggestion is the SPF record to publish so the provider may send.
type Suggestion struct {
	Record  string   `json:"record"`
	Strings []string `json:"strings,omitempty"` // the record cut at 255 bytes, when longer
	Lookups int      `json:"lookups"`
	Reason  string   `json:"reason"`
	// ReasonText is Reason for the faces to translate.
	ReasonText checks.Text `json:"-"`
	UsesRanges bool        `json:"uses_ranges,omitempty"` // the provider's IP ranges instead of its include
	Unchanged  bool        `json:"unchanged,omitempty"`   // the published record already does it
}

// Errors of Suggest. A suggestion is a record the admin will publish over
// the one they have, so it is made only from definite answers.
var (
	// ErrNothingToSuggest means the provider needs no SPF change (it sends
	// through the customer's own server, or publishes neither an include
	// nor ranges).
	ErrNothingToSuggest = errors.New("spf: the provider asks for no SPF change")
	// ErrUnknown means a lookup got no answer: the current record, or what
	// it costs, is not known, and a suggestion might overwrite a real record.
	ErrUnknown = errors.New("spf: no suggestion without an answer from DNS")
	// ErrNoSuchDomain means the domain does not exist in DNS.
	ErrNoSuchDomain = errors.New("spf: the domain does not exist")
)

// Refusal is an error of Suggest that says why in words for people
// (Why, for the faces to translate); it wraps ErrUnknown or
// ErrNoSuchDomain.
type Refusal struct {
	Kind error
	Why  checks.Text
}

func (r *Refusal) Error() string { return r.Kind.Error() + ": " + r.Why.String() }
func (r *Refusal) Unwrap() error { return r.Kind }

// Mailbox says what is known of the domain's mailbox provider, for a
// domain without an SPF record: its includes keep the domain's own mail
// passing (spf.protection.outlook.com for Microsoft 365). Known is false
// when the MX lookup got no answer.
type Mailbox struct {
	Known    bool
	Includes []string
}

// Suggest builds the record to publish from the analysis of the current
// one, or says why it cannot.
func Suggest(ctx context.Context, r dnsq.Resolver, a *Analysis, p *transports.Provider, mx Mailbox) (*Suggestion, error) {
	if p == nil || p.SPFInclude == "" && len(p.SendingRanges) == 0 && len(p.SPFFallback) == 0 {
		return nil, ErrNothingToSuggest
	}
	switch {
	case a.NXDomain:
		return nil, &Refusal{ErrNoSuchDomain, checks.T("spf.refusal.nxdomain", "%s does not exist in DNS; check its spelling", a.Domain)}
	case a.Unknown != "":
		return nil, &Refusal{ErrUnknown, a.UnknownText}
	case len(a.Records) == 0 && a.Misplaced == "" && !mx.Known:
		return nil, &Refusal{ErrUnknown, checks.T("spf.refusal.mx-unknown", "the MX records of %s could not be looked up, so which mail servers the new record must keep is unknown", a.Domain)}
	}
	providerTerms := []string{"include:" + p.SPFInclude}
	if p.SPFInclude == "" {
		providerTerms = fallbackTerms(p)
	}
	var s Suggestion
	var reason []checks.Text // sentences
	var dropped []checks.Text
	var terms []string
	allTerm := "~all"
	switch {
	case len(a.Records) == 0 && a.Misplaced != "":
		rec, err := Parse(a.Misplaced)
		if err != nil {
			return nil, fmt.Errorf("the misplaced record has an error; fix it when you move it: %w", err)
		}
		terms, allTerm, dropped = mergeTerms([]*Record{rec}, a.Broken)
		providerTerms = missingTerms(terms, providerTerms)
		if len(providerTerms) == 0 {
			reason = append(reason, checks.T("spf.reason.misplaced", "This is the record now published under the doubled name, to be created at %s itself (the name @ or empty in most DNS panels).", a.Domain))
		} else {
			reason = append(reason, checks.T("spf.reason.misplaced.added", "This is the record now published under the doubled name, to be created at %s itself (the name @ or empty in most DNS panels), with %s added.",
				a.Domain, strings.Join(providerTerms, " ")))
		}
	case len(a.Records) == 0:
		if len(mx.Includes) > 0 {
			for _, inc := range mx.Includes {
				terms = append(terms, "include:"+inc)
			}
			reason = append(reason, checks.T("spf.reason.new.mailbox", "%s has no SPF record yet. This one keeps the mail your mailbox provider sends passing (%s), adds %s, "+
				"and ends in ~all: receivers treat other senders with suspicion without rejecting them. Change it to -all once you are sure every sender is listed.",
				a.Domain, strings.Join(mx.Includes, ", "), p.Name))
		} else {
			terms = append(terms, "mx")
			reason = append(reason, checks.T("spf.reason.new.mx", "%s has no SPF record yet. This one allows the servers in its MX records (usually your own mail servers also send), adds %s, "+
				"and ends in ~all: receivers treat other senders with suspicion without rejecting them. List any other servers that send for the domain before publishing.",
				a.Domain, p.Name))
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
		allowed := p.SPFInclude != "" && a.IncludesProvider || p.SPFInclude == "" && coversRanges(recs[0], p.SendingRanges)
		if len(recs) == 1 && allowed && len(a.Broken) == 0 && !allowsAll(recs[0]) {
			why := checks.T("spf.reason.unchanged", "the published record already allows %s; nothing to change", p.Name)
			return &Suggestion{Record: recs[0].String(), Lookups: a.Lookups, Unchanged: true, Reason: why.String(), ReasonText: why}, nil
		}
		terms, allTerm, dropped = mergeTerms(recs, a.Broken)
		if allowed {
			providerTerms = nil
		}
		providerTerms = missingTerms(terms, providerTerms)
		if len(providerTerms) > 0 {
			reason = append(reason, checks.T("spf.reason.added", "%s is added before the final %s.", strings.Join(providerTerms, " "), allTerm))
		}
		if len(recs) > 1 {
			reason = append(reason, checks.T("spf.reason.merged", "The %d SPF records are merged into one (delete the others).", len(recs)))
		} else {
			reason = append(reason, checks.T("spf.reason.rest-unchanged", "The rest of the record is unchanged."))
		}
	}
	if len(dropped) > 0 {
		reason = append(reason, checks.T("spf.reason.dropped", "Left out, because they make receivers reject the whole record (permerror): %s.", checks.Join("; ", dropped...)))
	}
	// The admin's strictness is kept, except an all that passes everyone:
	// nobody would publish that on purpose.
	if strings.EqualFold(allTerm, "all") || strings.EqualFold(allTerm, "+all") {
		reason = append(reason, checks.T("spf.reason.allow-all", "The record ended in %s, which lets every server on the internet send as %s: the suggestion ends in ~all instead.", allTerm, a.Domain))
		allTerm = "~all"
	}
	record := buildRecord(terms, providerTerms, allTerm)
	lookups := costOf(ctx, r, record, a.Domain)
	if fallback := fallbackTerms(p); lookups > MaxLookups && p.SPFInclude != "" && len(fallback) > 0 && len(providerTerms) > 0 {
		before := lookups
		record = buildRecord(terms, missingTerms(terms, fallback), allTerm)
		lookups = costOf(ctx, r, record, a.Domain)
		s.UsesRanges = true
		reason = append(reason, checks.T("spf.reason.ranges", "With include:%s the record would need %d DNS lookups, more than the %d receivers allow, so %s's addresses are listed instead (%d lookups). "+
			"If %s adds servers, this record must be updated.", p.SPFInclude, before, MaxLookups, p.Name, lookups, p.Name))
	}
	if lookups > MaxLookups {
		reason = append(reason, checks.T("spf.reason.too-many-lookups", "It still needs %d DNS lookups, more than the %d receivers allow: replace other includes with their IP ranges or remove senders you no longer use.", lookups, MaxLookups))
	}
	s.ReasonText = checks.Join(" ", reason...)
	s.Reason = s.ReasonText.String()
	s.Record, s.Lookups = record, lookups
	if len(record) > 255 {
		s.Strings = dkimkey.SplitTXT(record)
	}
	return &s, nil
}

// fallbackTerms are what a record lists instead of the provider's include:
// the terms its own manual gives (ClockWise: ip4:217.115.198.76), else its
// sending ranges.
func fallbackTerms(p *transports.Provider) []string {
	if len(p.SPFFallback) > 0 {
		return append([]string(nil), p.SPFFallback...)
	}
	return rangeTerms(p.SendingRanges)
}

// missingTerms are the terms of want that terms lacks (any qualifier
// spelled, any case): a suggestion never names the same term twice.
func missingTerms(terms, want []string) []string {
	have := map[string]bool{}
	for _, t := range terms {
		have[strings.ToLower(strings.TrimPrefix(t, "+"))] = true
	}
	var out []string
	for _, w := range want {
		if !have[strings.ToLower(w)] {
			out = append(out, w)
		}
	}
	return out
}

func allowsAll(rec *Record) bool {
	for _, m := range rec.Mechanisms {
		if m.Name == "all" && m.Qualifier == '+' {
			return true
		}
	}
	return false
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
// duplicates, every "all", and includes of targets that lead nowhere
// (broken, by lower-case name: definite answers, never failed lookups);
// it returns the all term of the first record that has one (the admin's
// chosen strictness), else ~all, and the terms dropped with the reason. A
// redirect= is kept as the last term only when no record has an all.
func mergeTerms(recs []*Record, broken map[string]checks.Text) ([]string, string, []checks.Text) {
	seen := map[string]bool{}
	var terms []string
	var dropped []checks.Text
	allTerm, redirect := "", ""
	for _, rec := range recs {
		for _, m := range rec.Mechanisms {
			if m.Name == "all" {
				if allTerm == "" {
					allTerm = m.Raw
				}
				continue
			}
			if why, ok := broken[strings.ToLower(strings.TrimSuffix(m.Domain, "."))]; ok && m.Name == "include" {
				if !seen["dropped:"+why.String()] {
					seen["dropped:"+why.String()] = true
					dropped = append(dropped, checks.T("spf.reason.dropped-term", "%s (%s)", m.Raw, why))
				}
				continue
			}
			if key := strings.ToLower(strings.TrimPrefix(m.Raw, "+")); !seen[key] {
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
		return terms, redirect, dropped
	}
	if allTerm == "" {
		allTerm = "~all"
	}
	return terms, allTerm, dropped
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

// PointFixesAt makes the fixes of the findings the suggestion resolves
// name the exact record to publish, so that every way of reading the
// report (text, JSON, the window) leads to the same record.
func (a *Analysis) PointFixesAt(s *Suggestion) {
	if s == nil || s.Unchanged {
		return
	}
	for i, f := range a.Findings {
		instead := checks.T("spf.fix.publish-instead", "%s Publish at %s, in place of the current SPF record: %s", f.FixText, a.Domain, s.Record)
		switch f.Code {
		case CodeMissing:
			a.Findings[i] = f.Say(f.MessageText, checks.T("spf.missing.fix.record", "Create a TXT record at %s (the name @ in most DNS panels) with the value: %s", a.Domain, s.Record))
		case CodeAllowAll, CodeTooManyLookups:
			if f.Severity != checks.Error || s.Lookups > MaxLookups {
				continue // ?all is kept; a record still past the limit fixes nothing
			}
			a.Findings[i] = f.Say(f.MessageText, instead)
		case CodeIncludeMissing, CodeMultiple, CodeIncludeBroken:
			a.Findings[i] = f.Say(f.MessageText, instead)
		}
	}
}
