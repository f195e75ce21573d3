package dnsq

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// Zone is the zone a name lives in and the servers authoritative for it.
type Zone struct {
	Name        string // the zone apex, fully qualified
	SOA         *dns.SOA
	Nameservers []Nameserver
}

// Nameserver is one NS host and its addresses.
type Nameserver struct {
	Host  string
	Addrs []string // IP addresses
}

// NegativeTTL is how long resolvers cache "no such record" in this zone
// (RFC 2308 section 5).
func (z *Zone) NegativeTTL() uint32 {
	if z.SOA == nil {
		return 0
	}
	return min(z.SOA.Hdr.Ttl, z.SOA.Minttl)
}

// FindZone finds the zone cut above name: the SOA answers for the apex
// itself, and the authority section of a negative answer names the
// enclosing zone (RFC 2308 section 2). Then the zone's NS hosts and their
// addresses, resolved through the recursive resolvers.
func (c *Client) FindZone(ctx context.Context, name string) (*Zone, error) {
	fqdn, err := FQDN(name)
	if err != nil {
		return nil, err
	}
	z := &Zone{}
	for cur := fqdn; z.Name == "" && cur != "."; {
		msg, _, err := c.exchangeAny(ctx, c.recursive(), cur, dns.TypeSOA, true)
		if err != nil {
			return nil, fmt.Errorf("finding the zone of %s: %w", fqdn, err)
		}
		for _, rr := range append(msg.Answer, msg.Ns...) {
			if soa, ok := rr.(*dns.SOA); ok {
				z.Name, z.SOA = strings.ToLower(soa.Hdr.Name), soa
				break
			}
		}
		if z.Name == "" { // no SOA given: try the parent name
			_, next, _ := strings.Cut(cur, ".")
			cur = dns.Fqdn(next)
		}
	}
	if z.Name == "" {
		return nil, fmt.Errorf("finding the zone of %s: no server named its SOA", fqdn)
	}
	ns, err := c.Lookup(ctx, z.Name, dns.TypeNS)
	if err != nil {
		return nil, fmt.Errorf("finding the name servers of %s: %w", z.Name, err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, rr := range ns.Records {
		host := strings.ToLower(rr.(*dns.NS).Ns)
		z.Nameservers = append(z.Nameservers, Nameserver{Host: host})
	}
	sort.Slice(z.Nameservers, func(i, j int) bool { return z.Nameservers[i].Host < z.Nameservers[j].Host })
	for i := range z.Nameservers {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.Lookup(ctx, z.Nameservers[i].Host, qt)
				if err != nil {
					return // an NS without addresses is reported as unreachable
				}
				mu.Lock()
				defer mu.Unlock()
				for _, ip := range r.Addrs() {
					z.Nameservers[i].Addrs = append(z.Nameservers[i].Addrs, ip.String())
				}
			}()
		}
	}
	wg.Wait()
	for i := range z.Nameservers {
		sort.Strings(z.Nameservers[i].Addrs)
	}
	return z, nil
}

// ServerAnswer is one authoritative server's answer.
type ServerAnswer struct {
	Nameserver string // NS host name
	Addr       string // host:port asked
	Result     *Result
	Err        error
}

// AskAuthoritative asks every address of every name server of the zone at
// once, recursion off: the servers know a record the moment it is
// published, while resolvers may still hold an older answer.
func (c *Client) AskAuthoritative(ctx context.Context, z *Zone, name string, qtype uint16) []ServerAnswer {
	if c.Pinned != "" {
		// Every query goes to the pinned server: report that one server,
		// not name servers that were never asked.
		res, err := c.LookupAt(ctx, c.Pinned, name, qtype)
		return []ServerAnswer{{Addr: c.Pinned, Result: res, Err: err}}
	}
	var out []ServerAnswer
	for _, ns := range z.Nameservers {
		addrs := c.NameserverAddrs(ns)
		if len(addrs) == 0 {
			out = append(out, ServerAnswer{Nameserver: ns.Host, Err: &Error{Name: ns.Host, Type: dns.TypeA, Outcome: NetError,
				Why: fmt.Sprintf("name server %s has no address", ns.Host)}})
		}
		for _, addr := range addrs {
			out = append(out, ServerAnswer{Nameserver: ns.Host, Addr: addr})
		}
	}
	var wg sync.WaitGroup
	for i := range out {
		if out[i].Addr == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i].Result, out[i].Err = c.LookupAt(ctx, out[i].Addr, name, qtype)
		}()
	}
	wg.Wait()
	return out
}

// AuthAddr is the host:port of an authoritative server at ip: port 53,
// or AuthPort in tests.
func (c *Client) AuthAddr(ip string) string {
	port := c.AuthPort
	if port == "" {
		port = "53"
	}
	return net.JoinHostPort(ip, port)
}

// NameserverAddrs are the host:port addresses to ask a name server at:
// its AuthAddrs override, or each of its addresses on the authoritative
// port.
func (c *Client) NameserverAddrs(ns Nameserver) []string {
	if addr, ok := c.AuthAddrs[ns.Host]; ok {
		return []string{addr}
	}
	out := make([]string, 0, len(ns.Addrs))
	for _, ip := range ns.Addrs {
		out = append(out, c.AuthAddr(ip))
	}
	return out
}

// Agree reports whether every server that answered gave the same records;
// servers that failed are left out (they are reported on their own).
func Agree(answers []ServerAnswer) bool {
	var first string
	seen := false
	for _, a := range answers {
		if a.Err != nil || a.Result == nil {
			continue
		}
		key := a.Result.Outcome.String() + "|" + strings.Join(RecordData(a.Result.Records), "|")
		if !seen {
			first, seen = key, true
		} else if key != first {
			return false
		}
	}
	return true
}

// RecordData renders records without name and TTL, sorted, for comparing
// answers of different servers.
func RecordData(rrs []dns.RR) []string {
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		hdr := rr.Header().String()
		out = append(out, strings.TrimPrefix(rr.String(), hdr))
	}
	sort.Strings(out)
	return out
}
