package publish

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/texts"
	"mailwizard/transports"
)

// Primary is the server an update goes to: the zone's primary master,
// named in the SOA's MNAME field (RFC 2136 section 4), or the one the
// admin gave.
type Primary struct {
	Host  string // the MNAME or the name given, without the root dot; an address when given as one
	Addr  string // host:port asked and updated
	Given bool   // the admin named it (--server); not read from the SOA
}

// String names the primary for people: "ns1.example.nl (192.0.2.53:53)".
func (p Primary) String() string {
	if p.Host == "" || p.Host == p.Addr || strings.HasPrefix(p.Addr, p.Host+":") || strings.HasPrefix(p.Addr, "["+p.Host+"]") {
		return p.Addr
	}
	return p.Host + " (" + p.Addr + ")"
}

// askTimeout bounds one question or update to the primary when the
// caller gives none: an update makes the server write its journal.
const askTimeout = 10 * time.Second

// FieldServer names the server the admin gives, for the faces' errors.
const FieldServer = "tsig.server"

// ParseServer checks a server the admin gave, "host", "host:port",
// "IP", "IP:port" or "[IPv6]:port", and returns host and port (53 when
// left out).
func ParseServer(s string) (host, port string, err error) {
	s = strings.TrimSpace(s)
	if err := transports.CheckText(s); err != nil {
		return "", "", &transports.FieldError{Field: FieldServer, Err: err}
	}
	if strings.Contains(s, "://") {
		_, err := transports.NormalizeHost(s) // says it is a URL
		return "", "", &transports.FieldError{Field: FieldServer, Err: err}
	}
	host, port, err = net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), "53"
	}
	if host == "" {
		return "", "", &transports.FieldError{Field: FieldServer, Err: transports.ErrEmpty}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	} else if host, err = transports.NormalizeHost(host); err != nil {
		return "", "", &transports.FieldError{Field: FieldServer, Err: err}
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "", "", &transports.FieldError{Field: FieldServer, Err: texts.Err(transports.ErrSyntax, checks.T("publish.server.port", "port %q is not a number", port))}
	}
	if err := transports.CheckPort(p); err != nil {
		return "", "", &transports.FieldError{Field: FieldServer, Err: err}
	}
	return host, port, nil
}

// FindPrimary is where the update goes: server when given (a name is
// looked up through the resolvers), else the pinned server of
// --dns-server, else the zone's SOA MNAME on the authoritative port.
func FindPrimary(ctx context.Context, c *dnsq.Client, z *dnsq.Zone, server string) (Primary, error) {
	if server != "" {
		host, port, err := ParseServer(server)
		if err != nil {
			return Primary{}, err
		}
		if _, err := netip.ParseAddr(host); err == nil {
			return Primary{Host: host, Addr: net.JoinHostPort(host, port), Given: true}, nil
		}
		ip, err := address(ctx, c, host)
		if err != nil {
			return Primary{}, err
		}
		return Primary{Host: host, Addr: net.JoinHostPort(ip, port), Given: true}, nil
	}
	if c.Pinned != "" {
		return Primary{Host: c.Pinned, Addr: c.Pinned, Given: true}, nil
	}
	if z.SOA == nil || z.SOA.Ns == "" || z.SOA.Ns == "." {
		return Primary{}, &Error{Kind: NoPrimary, Zone: z.Name}
	}
	mname := strings.ToLower(dns.Fqdn(z.SOA.Ns))
	p := Primary{Host: strings.TrimSuffix(mname, ".")}
	// The primary is usually one of the NS hosts, whose addresses the
	// zone already has; a hidden primary is looked up.
	ns := dnsq.Nameserver{Host: mname}
	for _, n := range z.Nameservers {
		if n.Host == mname {
			ns = n
		}
	}
	if addrs := c.NameserverAddrs(ns); len(addrs) > 0 {
		p.Addr = addrs[0]
		return p, nil
	}
	ip, err := address(ctx, c, mname)
	if err != nil {
		return Primary{}, &Error{Kind: NoPrimary, Zone: z.Name, Server: p.Host, Err: err}
	}
	p.Addr = c.AuthAddr(ip)
	return p, nil
}

// address looks a host's first address up, IPv4 first.
func address(ctx context.Context, c *dnsq.Client, host string) (string, error) {
	var last error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		r, err := c.Lookup(ctx, host, qt)
		if err != nil {
			last = err
			continue
		}
		if addrs := r.Addrs(); len(addrs) > 0 {
			return addrs[0].String(), nil
		}
	}
	if last == nil {
		last = &dnsq.Error{Name: dns.Fqdn(host), Type: dns.TypeA, Outcome: dnsq.NXDomain, Why: "no address"}
	}
	return "", fmt.Errorf("finding the address of %s: %w", host, last)
}

// ask sends one question to the primary over TCP with recursion off, as
// the update will go: a server that cannot be asked over TCP cannot be
// updated either.
func ask(ctx context.Context, addr, name string, qtype, class uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.Question[0].Qclass = class
	m.RecursionDesired = false
	return exchange(ctx, addr, m, nil)
}

// exchange sends m over TCP within askTimeout (or ctx's deadline, when
// sooner); tsig holds the key's secret by its name when m is signed.
func exchange(ctx context.Context, addr string, m *dns.Msg, tsig map[string]string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	return dnsq.Exchange(ctx, &dns.Client{Net: "tcp", Timeout: askTimeout, TsigSecret: tsig}, m, addr)
}
