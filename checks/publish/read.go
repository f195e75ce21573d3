package publish

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/spf"
)

// Reading the primary before the update: what each name holds, as the
// primary itself serves it, decides each step and the prerequisites.

// read asks the primary what is at the change's name and decides the
// step; the records found are kept for the prerequisites.
func (p *Plan) read(ctx context.Context, ch Change) (Step, error) {
	msg, err := ask(ctx, p.Primary.Addr, ch.Name, ch.Type, dns.ClassINET)
	if err != nil {
		return Step{}, &Error{Kind: Unreachable, Zone: p.Zone.Name, Server: p.Primary.String(), Err: err}
	}
	if child, ns := p.referral(msg, ch.Name); child != "" {
		return Step{}, &Error{Kind: Delegated, Zone: p.Zone.Name, Server: p.Primary.String(), Name: ch.Name, Found: child, Nameservers: ns}
	}
	if (msg.Rcode != dns.RcodeSuccess && msg.Rcode != dns.RcodeNameError) || !msg.Authoritative {
		return Step{}, &Error{Kind: NotServed, Zone: p.Zone.Name, Server: p.Primary.String(), Rcode: msg.Rcode}
	}
	own := ownedBy(msg.Answer, ch.Name)
	if len(own) > 0 && !strings.EqualFold(ch.Name, p.Zone.Name) {
		wild, err := p.fromWildcard(ctx, ch, own)
		if err != nil {
			return Step{}, err
		}
		if wild {
			own = nil // the name itself holds nothing: the update adds at it
		}
	}
	var found []dns.RR
	for _, rr := range own {
		if cn, ok := rr.(*dns.CNAME); ok && ch.Type != dns.TypeCNAME {
			return Step{}, &Error{Kind: Conflict, Zone: p.Zone.Name, Name: ch.Name, Found: "CNAME " + cn.Target}
		}
		if rr.Header().Rrtype == ch.Type {
			found = append(found, rr)
		}
	}
	if ch.SPF {
		return spfStep(p.Zone.Name, ch, found)
	}
	values := valuesOf(found)
	if len(values) == 0 {
		return Step{Change: ch, Action: Add}, nil
	}
	for _, v := range values {
		if !ch.same(v) {
			return Step{}, &Error{Kind: Conflict, Zone: p.Zone.Name, Name: ch.Name, Found: dns.TypeToString[ch.Type] + " " + v}
		}
	}
	return Step{Change: ch, Action: Keep, found: found}, nil
}

// referral reports whether msg sends the question about name on to a
// zone cut below the zone (RFC 1034 section 4.3.2: no AA, no answer, the
// child zone's NS records in the authority section): name is in a
// delegated child zone, which this primary cannot change. It returns the
// child zone and its name servers.
func (p *Plan) referral(msg *dns.Msg, name string) (string, []string) {
	if msg.Rcode != dns.RcodeSuccess || msg.Authoritative || len(msg.Answer) > 0 {
		return "", nil
	}
	child := ""
	var ns []string
	for _, rr := range msg.Ns {
		n, ok := rr.(*dns.NS)
		owner := strings.ToLower(rr.Header().Name)
		if !ok || !dns.IsSubDomain(p.Zone.Name, owner) || strings.EqualFold(owner, p.Zone.Name) || !dns.IsSubDomain(owner, name) {
			continue
		}
		child = owner
		ns = append(ns, strings.ToLower(strings.TrimSuffix(n.Ns, ".")))
	}
	slices.Sort(ns) // in a stable order: servers shuffle RRsets
	return child, ns
}

// ownedBy are the records of an answer at name, not those of a CNAME's
// target that came with them.
func ownedBy(answer []dns.RR, name string) []dns.RR {
	var out []dns.RR
	for _, rr := range answer {
		if strings.EqualFold(rr.Header().Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

// fromWildcard reports whether own, the records the primary answered at
// the change's name, were made from a wildcard (RFC 4592 section 3.3.3)
// instead of being the name's own: a wildcard's answer carries the name
// asked as its owner, so the records alone cannot tell. A sibling name
// with a random label, which the zone cannot hold, gets the answer of
// the same wildcard, if any: the same records there mean the name holds
// none of its own. (Should the name by chance hold the wildcard's very
// records, the update's prerequisites, in which a wildcard is a name
// like any other (RFC 2136 section 1.1.3), make the server refuse it and
// nothing changes.) Taking them for the name's own would ask the admin
// to delete a wildcard that guards the names below it.
func (p *Plan) fromWildcard(ctx context.Context, ch Change, own []dns.RR) (bool, error) {
	random := make([]byte, 8)
	rand.Read(random)
	off, _ := dns.NextLabel(ch.Name, 0)
	sibling := "mailwizard-" + hex.EncodeToString(random) + "." + ch.Name[off:]
	msg, err := ask(ctx, p.Primary.Addr, sibling, ch.Type, dns.ClassINET)
	if err != nil {
		return false, &Error{Kind: Unreachable, Zone: p.Zone.Name, Server: p.Primary.String(), Err: err}
	}
	if msg.Rcode != dns.RcodeSuccess || !msg.Authoritative {
		return false, nil
	}
	return slices.Equal(rdataSet(own), rdataSet(ownedBy(msg.Answer, sibling))), nil
}

// rdataSet is records as type and data, without owner and TTL, sorted.
func rdataSet(rrs []dns.RR) []string {
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, dns.TypeToString[rr.Header().Rrtype]+" "+rdata(rr))
	}
	slices.Sort(out)
	return out
}

// spfStep decides the SPF record: kept when the primary holds exactly the
// new one; replaced when it holds exactly the ones the new record was
// made from (none, one, or several that the new one merges), each of
// them deleted; anything else means the records changed since, and the
// new one would undo that change.
func spfStep(zone string, ch Change, txt []dns.RR) (Step, error) {
	var spfs, others []string
	hasNew := false
	for _, v := range valuesOf(txt) {
		if !spf.IsSPF(v) {
			continue
		}
		spfs = append(spfs, v)
		if v == ch.Value {
			hasNew = true
		} else {
			others = append(others, v)
		}
	}
	var made []string // what the new record was made from, less itself
	for _, v := range ch.Replaces {
		if v != ch.Value {
			made = append(made, v)
		}
	}
	switch {
	case hasNew && len(others) == 0:
		return Step{Change: ch, Action: Keep, found: txt}, nil
	case sameSet(others, made):
		return Step{Change: ch, Action: Replace, Old: others, found: txt}, nil
	}
	return Step{}, &Error{Kind: Changed, Zone: zone, Name: ch.Name, Found: strings.Join(spfs, " | "), Records: len(spfs)}
}

// sameSet reports whether a and b hold the same values: an RRset holds
// no value twice (RFC 2181 section 5), and its order means nothing.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// valuesOf renders records as the changes compare them: TXT strings
// joined into the bytes DNS carried, targets without the root dot.
func valuesOf(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		switch v := rr.(type) {
		case *dns.TXT:
			out = append(out, (&dnsq.Result{Records: []dns.RR{v}}).TXT()...)
		case *dns.CNAME:
			out = append(out, strings.TrimSuffix(strings.ToLower(v.Target), "."))
		case *dns.MX:
			out = append(out, strings.TrimSuffix(strings.ToLower(v.Mx), "."))
		}
	}
	return out
}
