package wizard

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"mailwizard/checks/poll"
	"mailwizard/checks/spf"
	"mailwizard/texts"
	"mailwizard/transports"
)

// The DNS step: every record to publish (type, name, value, the 255-byte
// strings some panels need), the same as a BIND zone fragment, then
// polling every authoritative server until each record is there. Leaving
// and coming back polls again; what was seen is kept in the draft.

// DNSRecords lists the records the hosted transports need: the SPF record
// from discovery's plan (looked up now when d is nil), the DKIM keys of
// the hosted transports or the profile's CNAMEs, and the bounce record.
func DNSRecords(ctx context.Context, env *Env, s *State, d *Discovery) ([]Record, error) {
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	var sr SPFRecord
	if p.SPFInclude != "" || len(p.SPFFallback) > 0 || len(p.SendingRanges) > 0 {
		plan, err := PlanHosted(ctx, env, s, d)
		if err != nil {
			return nil, err
		}
		sr = spfRecord(plan)
	}
	return Records(p, s.Domain, zoneOf(s.Domain), sr, s.hostedKeys()), nil
}

// spfRecord is the SPF side of the records from a plan: the record to
// publish, the current one when it is already right, or why none is known.
func spfRecord(plan *HostedPlan) SPFRecord {
	sug, err := plan.SPF.Suggestion, plan.SPF.Err
	switch {
	case err != nil && errors.Is(err, spf.ErrNothingToSuggest):
		return SPFRecord{}
	case err != nil:
		return SPFRecord{Unknown: strings.TrimPrefix(err.Error(), "spf: ")}
	case sug.Unchanged:
		return SPFRecord{Value: sug.Record}
	}
	// Every SPF record there: the new one merges them all, and each must
	// go (a second one left is the error of two, RFC 7208 section 4.5).
	return SPFRecord{Value: sug.Record, Replaces: append([]string(nil), plan.SPF.Analysis.Records...)}
}

// hostedKeys are the key records of the hosted transports' selectors.
func (s *State) hostedKeys() []KeyRecord {
	var out []KeyRecord
	seen := map[string]bool{}
	for _, t := range s.Transports {
		if t.Hosted == nil || (t.Hosted.DKIM.Mode != transports.DKIMGenerate && t.Hosted.DKIM.Mode != transports.DKIMImport) {
			continue
		}
		if k := s.Key(t.Hosted.DKIM.Selector); k != nil && !seen[k.Selector] {
			seen[k.Selector] = true
			out = append(out, KeyRecord{Selector: k.Selector, Value: k.RecordValue})
		}
	}
	return out
}

// PollDNS watches every authoritative server of the domain's zone until
// each record is there, or ctx ends. Events come after every round.
func PollDNS(ctx context.Context, env *Env, s *State, records []Record, opts poll.Options) (<-chan poll.Event, error) {
	zone, err := env.DNS.FindZone(ctx, s.Domain)
	if err != nil {
		return nil, err
	}
	return poll.Poll(ctx, env.DNS, zone, Wants(env.DNS, records), opts), nil
}

// RecordPoll keeps what a round saw in the draft, as the document's DNS
// facts, and, when every record is on every server, the evidence.
func RecordPoll(env *Env, s *State, records []Record, ev poll.Event) {
	now := env.now().UTC().Truncate(1e9)
	s.DNS = s.DNS[:0]
	for i, r := range ev.Records {
		fact := transports.DNSFact{Name: r.Name, Type: records[i].Type, Expected: records[i].Value, CheckedAt: now, Status: "missing"}
		seen := 0
		for _, a := range r.Authoritative {
			fact.Servers = append(fact.Servers, strings.TrimSuffix(orText(a.Nameserver, a.Server), "."))
			switch a.State {
			case poll.Seen:
				seen++
			case poll.Wrong:
				fact.Seen = append(fact.Seen, a.Value)
			}
		}
		switch {
		case r.Done:
			fact.Status = "ok"
		case len(fact.Seen) > 0:
			fact.Status = "error"
		case seen > 0:
			fact.Status = "warning" // on some servers, not yet on all
		}
		s.DNS = append(s.DNS, fact)
		if r.Done {
			name := r.Name
			if n, err := transports.NormalizeDNSName(name); err == nil {
				name = n
			}
			s.addEvidence(transports.Evidence{Check: "dns." + strings.ToLower(strings.Fields(records[i].Label)[0]), Passed: true, At: now,
				Origin: transports.OriginAdminDesk, Record: name, Nameservers: append([]string(nil), fact.Servers...),
				Detail: name + " seen on " + strings.Join(fact.Servers, ", ")})
		}
	}
	s.orderDNSEvidence(records)
}

// orderDNSEvidence puts the DNS evidence in the order of the records,
// whichever round saw each first: the same answers give the same
// document, however the name servers' timing fell. Other evidence keeps
// its place.
func (s *State) orderDNSEvidence(records []Record) {
	rank := func(ev transports.Evidence) int {
		for i, r := range records {
			if strings.EqualFold(strings.TrimSuffix(r.Name, "."), ev.Record) {
				return i
			}
		}
		return len(records)
	}
	var at []int
	var evs []transports.Evidence
	for i, ev := range s.Evidence {
		if strings.HasPrefix(ev.Check, "dns.") {
			at, evs = append(at, i), append(evs, ev)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return rank(evs[i]) < rank(evs[j]) })
	for k, i := range at {
		s.Evidence[i] = evs[k]
	}
}

// CachesSeeBy is when the last resolver that cached "no such record"
// before it was published asks again (RFC 2308 negative caching: the
// zone's SOA minimum), or zero when none holds such an answer.
func CachesSeeBy(ev poll.Event) time.Time {
	var latest time.Time
	for _, rec := range ev.Records {
		for _, res := range rec.Resolvers {
			if res.State == poll.NotYet && res.VisibleBy.After(latest) {
				latest = res.VisibleBy
			}
		}
	}
	return latest
}

func checkDNS(s *State) error {
	if s.DNSDeferred {
		return nil
	}
	p, err := s.Profile()
	if err != nil {
		return err
	}
	ok := map[string]bool{}
	for _, f := range s.DNS {
		if f.Status == "ok" {
			ok[strings.ToLower(f.Name)+"/"+f.Type] = true
		}
	}
	for _, r := range Records(p, s.Domain, zoneOf(s.Domain), SPFRecord{}, s.hostedKeys()) {
		if !ok[strings.ToLower(r.Name)+"/"+r.Type] {
			return transports.FieldErrors{{Field: "dns", Err: texts.Err(transports.ErrEmpty,
				texts.T("wizard.dns.not-everywhere", "%s (%s) is not on every name server yet: wait for it, or choose to export now and publish it later", r.Label, r.Name))}}
		}
	}
	return nil
}
