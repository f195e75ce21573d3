package wizard

import (
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dkim"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/poll"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// Record is one DNS record the admin publishes so that the service may
// send: what to type into the DNS panel, and how polling tells it is
// there. One list serves the DNS step, `mailwizard poll` and the zone
// fragment, so they cannot disagree about what is needed.
type Record struct {
	Label    string   `json:"label"`              // "SPF", "DKIM clockwise", "bounce"
	Type     string   `json:"type"`               // TXT, CNAME or MX
	Name     string   `json:"name"`               // the full name, ASCII
	Relative string   `json:"relative"`           // what most DNS panels want typed: "@", "clockwise._domainkey"
	Value    string   `json:"value,omitempty"`    // what to publish; "" when not known (see Note)
	Strings  []string `json:"strings,omitempty"`  // a TXT value past 255 bytes, cut for panels that need it
	Replaces []string `json:"replaces,omitempty"` // the records this one takes the place of (SPF: every one there)
	Note     string   `json:"note,omitempty"`

	provider *transports.Provider
	dkim     *dkim.Expect
}

// KeyRecord is a DKIM key record to publish: the selector and its value
// (v=DKIM1; k=…; p=…). An empty Value accepts any valid key, for polling
// a key made elsewhere.
type KeyRecord struct {
	Selector string
	Value    string
}

// SPFRecord is the SPF side of the records: the record to publish, the
// ones it replaces (every SPF record published: a domain with two has
// the error of two, which the new one mends), and why there is none
// when the value is unknown.
type SPFRecord struct {
	Value, Unknown string
	Replaces       []string
}

// Records lists what p needs under domain, in the order to publish them:
// the SPF record (when p has an include or addresses), the DKIM key
// records or the profile's CNAMEs, and the bounce record. zone is the DNS
// zone of domain, for the names a panel wants.
func Records(p *transports.Provider, domain, zone string, spf SPFRecord, keys []KeyRecord) []Record {
	var out []Record
	if p.SPFInclude != "" || len(p.SPFFallback) > 0 || len(p.SendingRanges) > 0 {
		r := Record{Label: "SPF", Type: "TXT", Name: domain, Value: spf.Value, Replaces: spf.Replaces, Note: spf.Unknown, provider: p}
		if len(r.Value) > 255 {
			r.Strings = dkimkey.SplitTXT(r.Value)
		}
		out = append(out, r)
	}
	switch p.DKIM.Mode {
	case "generate":
		for _, k := range keys {
			exp := &dkim.Expect{Selector: k.Selector, Value: k.Value}
			r := Record{Label: "DKIM " + k.Selector, Type: "TXT", Name: k.Selector + "._domainkey." + domain, Value: k.Value, dkim: exp}
			if len(r.Value) > 255 {
				r.Strings = dkimkey.SplitTXT(r.Value)
			}
			out = append(out, r)
		}
	case "cname":
		for _, c := range p.DKIM.CNAMEs {
			out = append(out, Record{Label: "DKIM " + strings.TrimSuffix(c.Name, "._domainkey"), Type: "CNAME", Name: c.Name + "." + domain, Value: c.Target})
		}
	}
	if b := p.Bounce; b != nil {
		out = append(out, Record{Label: "bounce", Type: strings.ToUpper(b.Type), Name: b.Name + "." + domain, Value: b.Target})
	}
	for i := range out {
		out[i].Relative = dnsq.Relative(out[i].Name, zone)
	}
	return out
}

// Want is how polling judges the record, with the checks' own rules: the
// SPF record must let the provider send (checks/spf), a key must be the
// one checks/dkim accepts, a CNAME or MX must point to its target. r
// looks up what an SPF record includes.
func (rec Record) Want(r dnsq.Resolver) poll.Want {
	w := poll.Want{Label: rec.Label, Name: rec.Name}
	switch {
	case rec.Label == "SPF":
		w.Type, w.Judge = dns.TypeTXT, poll.SPFAuthorizes(r, rec.provider)
	case rec.dkim != nil:
		w.Type, w.Judge = dns.TypeTXT, poll.DKIMKey(*rec.dkim)
	case rec.Type == "MX":
		w.Type, w.Judge = dns.TypeMX, poll.TargetIs(rec.Value)
	default:
		w.Type, w.Judge = dns.TypeCNAME, poll.TargetIs(rec.Value)
	}
	return w
}

// Wants are the records' poll wants.
func Wants(r dnsq.Resolver, records []Record) []poll.Want {
	out := make([]poll.Want, len(records))
	for i, rec := range records {
		out[i] = rec.Want(r)
	}
	return out
}

// zoneTTL is an hour: short enough that a mistake is mended quickly.
const zoneTTL = 3600

// ZoneFragment renders records as lines of a BIND zone file, to paste
// into a zone or hand to whoever runs the DNS. Records whose value is not
// known are left out with a comment saying why.
func ZoneFragment(records []Record, domain, provider string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "; DNS records for %s so that %s may send its mail (mailwizard)\n", domain, provider)
	for _, r := range records {
		switch {
		case r.Value == "":
			fmt.Fprintf(&b, "; %s %s: no value yet (%s)\n", r.Label, r.Name, orText(r.Note, "unknown"))
			continue
		}
		for _, old := range r.Replaces {
			fmt.Fprintf(&b, "; %s replaces: %s\n", r.Label, old)
		}
		name := dns.Fqdn(r.Name)
		switch r.Type {
		case "TXT":
			parts := dkimkey.SplitTXT(r.Value)
			for i, p := range parts {
				parts[i] = `"` + dnsq.EscapeTXT(p) + `"`
			}
			fmt.Fprintf(&b, "%s %d IN TXT %s\n", name, zoneTTL, strings.Join(parts, " "))
		case "MX":
			fmt.Fprintf(&b, "%s %d IN MX 10 %s\n", name, zoneTTL, dns.Fqdn(r.Value))
		default:
			fmt.Fprintf(&b, "%s %d IN %s %s\n", name, zoneTTL, r.Type, dns.Fqdn(r.Value))
		}
	}
	return b.String()
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
