// Package publish puts the wizard's records into the customer's own DNS
// with a dynamic update (RFC 2136) signed with a TSIG key (RFC 8945),
// sent over TCP to the zone's primary, safely:
//
//   - The SPF record is replaced, never added beside the old one: one
//     update deletes the old value and adds the new, on the prerequisite
//     that the name's TXT records are still exactly those read before
//     (RFC 2136 section 2.4.2), so a record changed meanwhile makes the
//     update fail instead of being lost.
//   - A DKIM key or a CNAME is added on the prerequisite that nothing it
//     conflicts with is there (sections 2.4.3 and 2.4.5). A wildcard's
//     answer is not taken for a record at the name (read.go).
//   - A record already there is not sent again: publishing twice is safe.
//   - The update is shown first, as nsupdate input, and every answer code
//     is explained with what to change on the server (explain.go).
//
// Windows DNS takes no TSIG keys, only Kerberos (GSS-TSIG): windows.go
// recognises it and gives the PowerShell lines instead.
package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/transports/dkimkey"
)

// DefaultTTL is an hour, as the zone fragment's records have: a mistake
// is mended quickly.
const DefaultTTL = 3600

// Change is one record to publish.
type Change struct {
	Label string // for people: "SPF", "DKIM clockwise"
	Name  string // the owner name
	Type  uint16 // dns.TypeTXT, dns.TypeCNAME or dns.TypeMX
	// Value is a TXT record's value as one string (cut into 255-byte
	// strings here, RFC 7208 section 3.3), or the CNAME or MX target.
	Value string
	// SPF marks the domain's SPF record, of which there is one only (RFC
	// 7208 section 3.2): it takes the place of Replaces, every SPF record
	// it was made from (none when there was none; two or more when the
	// domain had the error of several, which the new record merges).
	SPF      bool
	Replaces []string
	// Same reports whether a value on the server is this record already
	// (a DKIM key spaced otherwise); nil: the same bytes.
	Same func(found string) bool
}

func (c Change) same(v string) bool {
	if c.Same != nil {
		return c.Same(v)
	}
	if c.Type == dns.TypeTXT {
		return v == c.Value
	}
	return strings.EqualFold(strings.TrimSuffix(v, "."), strings.TrimSuffix(c.Value, "."))
}

// Action is what the update does with a change.
type Action string

const (
	Add     Action = "add"     // new at its name
	Replace Action = "replace" // the SPF record: the old one out, the new one in
	Keep    Action = "keep"    // already on the primary: not sent again
)

// Step is a change and what the update does with it.
type Step struct {
	Change Change
	Action Action
	Old    []string // Replace: the SPF values taken out

	found []dns.RR // the name's records of the type, as the primary holds them
}

// Plan is the update to send and what was found on the primary.
type Plan struct {
	Zone    *dnsq.Zone
	Primary Primary
	Steps   []Step
	// Update is the RFC 2136 message, unsigned; nil when every record is
	// there already.
	Update *dns.Msg
	// Windows is set when the zone holds Active Directory's records but
	// the primary does not name itself: probably Windows DNS, which
	// would refuse the update. Its PowerShell lines come with the update,
	// which may still be sent.
	Windows *WindowsDNS
}

// Pending reports whether the plan sends anything.
func (p *Plan) Pending() bool { return p.Update != nil }

// Prepare reads what the primary of domain's zone holds at each name and
// builds the update that publishes changes: the plan a dry run shows and
// Send sends. server overrides the primary (FindPrimary). An *Error says
// why nothing can be sent: a conflict, an SPF record changed since the
// new one was made from it, a server that does not serve the zone; a
// *WindowsDNS comes with the plan when the primary says it is Windows
// DNS (when only the zone's records suggest it, Plan.Windows).
func Prepare(ctx context.Context, c *dnsq.Client, domain, server string, changes []Change) (*Plan, error) {
	zone, err := c.FindZone(ctx, domain)
	if err != nil {
		return nil, fmt.Errorf("finding the zone of %s: %w", domain, err)
	}
	primary, err := FindPrimary(ctx, c, zone, server)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Zone: zone, Primary: primary}
	for _, ch := range changes {
		fqdn, err := dnsq.FQDN(ch.Name)
		if err != nil {
			return nil, err
		}
		ch.Name = strings.ToLower(fqdn)
		if ch.Type == dns.TypeCNAME || ch.Type == dns.TypeMX {
			target, err := dnsq.FQDN(ch.Value)
			if err != nil {
				return nil, err
			}
			ch.Value = strings.TrimSuffix(strings.ToLower(target), ".")
		}
		if !dns.IsSubDomain(zone.Name, ch.Name) {
			return nil, &Error{Kind: NotServed, Zone: zone.Name, Server: primary.String(), Rcode: dns.RcodeNotZone, Name: ch.Name}
		}
		step, err := plan.read(ctx, ch)
		if err != nil {
			return nil, err
		}
		plan.Steps = append(plan.Steps, step)
	}
	if w, err := DetectWindows(ctx, primary.Addr, zone.Name); err == nil && w != nil {
		w.Lines = PowerShell(plan)
		if w.Definite() {
			return plan, w
		}
		plan.Windows = w
	}
	plan.Update = plan.build()
	return plan, nil
}

// TXTRecord is value as a TXT record at name: cut into strings of at
// most 255 bytes (RFC 1035 section 3.3.14), each in the presentation
// form miekg/dns packs (backslash and quote escaped, other bytes outside
// printable ASCII as \DDD), so the bytes on the wire are value's.
func TXTRecord(name string, ttl uint32, value string) *dns.TXT {
	parts := dkimkey.SplitTXT(value)
	for i, part := range parts {
		parts[i] = dnsq.EscapeTXT(part)
	}
	return &dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}, Txt: parts}
}

// build makes the update of the steps that are not there yet; nil when
// every record is.
func (p *Plan) build() *dns.Msg {
	m := new(dns.Msg)
	m.SetUpdate(p.Zone.Name)
	pending := false
	for _, s := range p.Steps {
		ch := s.Change
		switch s.Action {
		case Replace:
			pending = true
			ttl := uint32(DefaultTTL)
			if len(s.found) > 0 {
				// RFC 2136 section 2.4.2: the whole RRset, exactly as read;
				// the TTL kept, since a new TTL would apply to every TXT
				// record at the name.
				ttl = s.found[0].Header().Ttl
				m.Used(copies(s.found))
			} else {
				m.RRsetNotUsed([]dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: ch.Name, Rrtype: dns.TypeTXT}}}) // 2.4.3
			}
			hasNew := false
			for _, rr := range s.found {
				v := valuesOf([]dns.RR{rr})[0]
				if v == ch.Value {
					hasNew = true
				}
				for _, old := range s.Old {
					if v == old {
						m.Remove(copies([]dns.RR{rr})) // section 2.5.4: this one record
					}
				}
			}
			if !hasNew {
				m.Insert([]dns.RR{TXTRecord(ch.Name, ttl, ch.Value)})
			}
		case Add:
			pending = true
			rr := newRecord(ch)
			if ch.Type == dns.TypeCNAME {
				// A CNAME stands alone at its name (RFC 2181 section 10.1):
				// section 2.4.5, the name is not in use.
				m.NameNotUsed([]dns.RR{rr})
			} else {
				// Section 2.4.3 twice: no record of the type yet (a second
				// key or MX is not ours to add), and no CNAME, beside which
				// a server ignores the new record (section 3.4.2.2).
				m.RRsetNotUsed([]dns.RR{rr, &dns.CNAME{Hdr: dns.RR_Header{Name: ch.Name, Rrtype: dns.TypeCNAME}}})
			}
			m.Insert([]dns.RR{rr})
		}
	}
	if !pending {
		return nil
	}
	return m
}

// newRecord is the record of a change to add.
func newRecord(ch Change) dns.RR {
	hdr := dns.RR_Header{Name: ch.Name, Rrtype: ch.Type, Class: dns.ClassINET, Ttl: DefaultTTL}
	switch ch.Type {
	case dns.TypeCNAME:
		return &dns.CNAME{Hdr: hdr, Target: dns.Fqdn(ch.Value)}
	case dns.TypeMX:
		return &dns.MX{Hdr: hdr, Preference: 10, Mx: dns.Fqdn(ch.Value)}
	}
	return TXTRecord(ch.Name, DefaultTTL, ch.Value)
}

// copies are deep copies: miekg/dns's update helpers change the class
// and TTL of the records they are given.
func copies(rrs []dns.RR) []dns.RR {
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = dns.Copy(rr)
	}
	return out
}
