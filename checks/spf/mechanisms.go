package spf

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// mechanism evaluates one directive (RFC 7208 section 5).
func (ev *evaluation) mechanism(m *Mechanism, domain string, depth int) (bool, error) {
	if m.QueriesDNS() {
		if err := ev.count(); err != nil {
			return false, err
		}
	}
	target := domain
	if m.Domain != "" {
		var err error
		if target, err = expandDomain(m.Domain, ev.env(domain)); err != nil {
			return false, err
		}
	}
	switch m.Name {
	case "all":
		ev.step(depth, domain, m.Raw, "matches every address")
		return true, nil
	case "ip4", "ip6":
		match := m.Prefix.Contains(ev.ip)
		ev.step(depth, domain, m.Raw, matchNote(match))
		return match, nil
	case "include":
		if !validDomain(target) {
			return false, fmt.Errorf("include target %q is not a domain", target)
		}
		ev.step(depth, domain, m.Raw, "")
		r, _, err := ev.checkHost(target, depth+1)
		switch r {
		case Pass:
			return true, nil
		case Fail, SoftFail, Neutral:
			return false, nil
		case TempError:
			return false, &tempError{err}
		case None:
			return false, fmt.Errorf("include:%s has no SPF record: receivers treat this as permerror (RFC 7208 section 5.2)", target)
		}
		return false, err
	case "a":
		if !validDomain(target) {
			return false, nil
		}
		match, err := ev.addressMatches(target, m, true)
		ev.step(depth, domain, m.Raw, matchNote(match))
		return match, err
	case "mx":
		if !validDomain(target) {
			return false, nil
		}
		rrs, err := ev.lookup(target, dns.TypeMX, true)
		if err != nil {
			return false, err
		}
		if len(rrs) > maxMXAddrs {
			return false, fmt.Errorf("%s has %d MX records; mx may look up at most %d (RFC 7208 section 4.6.4)", target, len(rrs), maxMXAddrs)
		}
		for _, rr := range rrs {
			host := strings.TrimSuffix(rr.(*dns.MX).Mx, ".")
			if host == "" {
				continue // null MX (RFC 7505)
			}
			if match, err := ev.addressMatches(host, m, false); err != nil || match {
				ev.step(depth, domain, m.Raw, matchNote(match))
				return match, err
			}
		}
		ev.step(depth, domain, m.Raw, matchNote(false))
		return false, nil
	case "ptr":
		match := ev.ptrMatches(target)
		ev.step(depth, domain, m.Raw, matchNote(match))
		return match, nil
	case "exists":
		if !validDomain(target) {
			return false, nil
		}
		// exists always asks for A, whatever the client's address family.
		rrs, err := ev.lookup(target, dns.TypeA, true)
		if err != nil {
			return false, err
		}
		ev.step(depth, domain, m.Raw, matchNote(len(rrs) > 0))
		return len(rrs) > 0, nil
	}
	return false, fmt.Errorf("unknown mechanism %s", m.Name)
}

func matchNote(match bool) string {
	if match {
		return "matches"
	}
	return "does not match"
}

// addressMatches looks up name's A or AAAA records and compares them with
// the client address under the mechanism's prefix lengths.
func (ev *evaluation) addressMatches(name string, m *Mechanism, countVoid bool) (bool, error) {
	qtype, bits := uint16(dns.TypeA), m.CIDR4
	if ev.ip.Is6() {
		qtype, bits = dns.TypeAAAA, m.CIDR6
	}
	rrs, err := ev.lookup(name, qtype, countVoid)
	if err != nil {
		return false, err
	}
	for _, addr := range (&dnsq.Result{Records: rrs}).Addrs() {
		if p, err := addr.Prefix(bits); err == nil && p.Contains(ev.ip) {
			return true, nil
		}
	}
	return false, nil
}

// validatedNames does the PTR validation of RFC 7208 section 5.5: names
// from the reverse lookup whose forward lookup includes the client IP.
// DNS errors skip a name; they never end the evaluation.
func (ev *evaluation) validatedNames() []string {
	res, err := ev.e.Resolver.Lookup(ev.ctx, reverseName(ev.ip), dns.TypePTR)
	if err != nil || res.Outcome != 0 {
		return nil
	}
	qtype := uint16(dns.TypeA)
	if ev.ip.Is6() {
		qtype = dns.TypeAAAA
	}
	var out []string
	for i, rr := range res.Records {
		if i >= maxPTRNames {
			break
		}
		name := strings.TrimSuffix(rr.(*dns.PTR).Ptr, ".")
		fwd, err := ev.e.Resolver.Lookup(ev.ctx, name, qtype)
		if err != nil {
			continue
		}
		for _, addr := range fwd.Addrs() {
			if addr == ev.ip {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

func (ev *evaluation) ptrMatches(target string) bool {
	for _, name := range ev.validatedNames() {
		if strings.EqualFold(name, target) || strings.HasSuffix(strings.ToLower(name), "."+strings.ToLower(target)) {
			return true
		}
	}
	return false
}

// validatedName is the %{p} macro: a validated name of the client, one
// within domain preferred, else "unknown" (RFC 7208 section 7.3).
func (ev *evaluation) validatedName(domain string) string {
	names := ev.validatedNames()
	for _, n := range names {
		if strings.EqualFold(n, domain) || strings.HasSuffix(strings.ToLower(n), "."+strings.ToLower(domain)) {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "unknown"
}

func reverseName(ip netip.Addr) string {
	labels := strings.Split(dottedIP(ip), ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	if ip.Is4() {
		return strings.Join(labels, ".") + ".in-addr.arpa"
	}
	return strings.Join(labels, ".") + ".ip6.arpa"
}

// explain expands the exp= modifier on a fail: the TXT record at the
// expanded domain, itself expanded. Any problem means no explanation,
// never a different result (RFC 7208 section 6.2).
func (ev *evaluation) explain(spec, domain string) string {
	env := ev.env(domain)
	target, err := expandDomain(spec, env)
	if err != nil || !validDomain(target) {
		return ""
	}
	res, err := ev.e.Resolver.Lookup(ev.ctx, target, dns.TypeTXT)
	if err != nil || len(res.TXT()) != 1 {
		return ""
	}
	parts, err := parseMacroString(res.TXT()[0], true)
	if err != nil {
		return ""
	}
	return expandParts(parts, env)
}
