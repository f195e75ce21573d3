package publish

import (
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"
)

// SecretPlaceholder stands for the key's secret in a dry run: the secret
// is never printed.
const SecretPlaceholder = "<secret, not shown>"

// Nsupdate renders the plan's update as input for BIND's nsupdate (and
// Knot's knsupdate): what a dry run shows, line for line the message Send
// sends, so an admin can read it, or paste it with the secret filled in.
// Prerequisites come before the updates, as nsupdate puts them in their
// own section of the one message whatever the order of the lines.
func Nsupdate(p *Plan, key Key) string {
	var b strings.Builder
	host, port, err := net.SplitHostPort(p.Primary.Addr)
	if err != nil {
		host, port = p.Primary.Addr, "53"
	}
	fmt.Fprintf(&b, "server %s %s\n", host, port)
	fmt.Fprintf(&b, "zone %s\n", p.Zone.Name)
	fmt.Fprintf(&b, "key %s:%s %s\n", key.AlgorithmName(), strings.TrimSuffix(key.Name, "."), SecretPlaceholder)
	if p.Update != nil {
		for _, rr := range p.Update.Answer {
			b.WriteString(prereqLine(rr) + "\n")
		}
		for _, rr := range p.Update.Ns {
			b.WriteString(updateLine(rr) + "\n")
		}
	}
	b.WriteString("send\n")
	return b.String()
}

// prereqLine is one record of the prerequisite section (RFC 2136
// section 2.4) in nsupdate's words.
func prereqLine(rr dns.RR) string {
	h := rr.Header()
	typ := dns.TypeToString[h.Rrtype]
	switch {
	case h.Class == dns.ClassANY && h.Rrtype == dns.TypeANY:
		return "prereq yxdomain " + h.Name // 2.4.4
	case h.Class == dns.ClassNONE && h.Rrtype == dns.TypeANY:
		return "prereq nxdomain " + h.Name // 2.4.5
	case h.Class == dns.ClassANY:
		return "prereq yxrrset " + h.Name + " " + typ // 2.4.1
	case h.Class == dns.ClassNONE:
		return "prereq nxrrset " + h.Name + " " + typ // 2.4.3
	}
	return "prereq yxrrset " + h.Name + " IN " + typ + " " + rdata(rr) // 2.4.2
}

// updateLine is one record of the update section (RFC 2136 section 2.5)
// in nsupdate's words.
func updateLine(rr dns.RR) string {
	h := rr.Header()
	typ := dns.TypeToString[h.Rrtype]
	switch {
	case h.Class == dns.ClassANY && h.Rrtype == dns.TypeANY:
		return "update delete " + h.Name // 2.5.3
	case h.Class == dns.ClassANY:
		return "update delete " + h.Name + " IN " + typ // 2.5.2
	case h.Class == dns.ClassNONE:
		return "update delete " + h.Name + " IN " + typ + " " + rdata(rr) // 2.5.4
	}
	return fmt.Sprintf("update add %s %d IN %s %s", h.Name, h.Ttl, typ, rdata(rr)) // 2.5.1
}

// rdata is a record's data in presentation form, without name, TTL,
// class and type.
func rdata(rr dns.RR) string {
	s := rr.String()
	hdr := rr.Header().String()
	return strings.TrimPrefix(s, hdr)
}
