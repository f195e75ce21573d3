package dnsq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"mailwizard/transports"
)

// Defaults of a Client.
const (
	DefaultTimeout = 2 * time.Second
	// ednsSize is the EDNS0 buffer size of DNS Flag Day 2020: large enough
	// for a DKIM key, small enough to avoid IP fragmentation.
	ednsSize = 1232
	// maxCNAME bounds a CNAME chain; real chains have one or two links.
	maxCNAME = 8
)

// Client is the Resolver on github.com/miekg/dns.
type Client struct {
	// Servers are the recursive resolvers, "host:port", tried in order.
	Servers []string
	// Pinned, when set, receives every query, the authoritative ones too
	// (--dns-server): for a test zone, or a split-horizon DNS.
	Pinned string
	// Timeout bounds each single query; DefaultTimeout when zero.
	Timeout time.Duration
	// AuthPort is the port of authoritative servers: 53, except in tests.
	AuthPort string
	// AuthAddrs, when set, gives the host:port to ask instead of a name
	// server's addresses and AuthPort, by NS host name (lower case, fully
	// qualified). For tests whose name servers share one address on
	// different ports: BIND listens only on the addresses of interfaces,
	// so two BIND servers on loopback both use 127.0.0.1.
	AuthAddrs map[string]string
	// Cache, when set, keeps Lookup's answers for the run (cache.go).
	Cache *Cache
	// MaxQPS, when set, spaces the questions to at most this many a
	// second and pauses after REFUSED and SERVFAIL (limit.go).
	MaxQPS float64

	limitOnce sync.Once
	limiter   *limiter
}

// Options configure NewClient from the command line's global flags.
type Options struct {
	Resolvers []string      // --resolver; empty: the system's
	Pinned    string        // --dns-server
	Timeout   time.Duration // --dns-timeout
}

// NewClient returns a client for opts, reading the system's resolvers when
// none are given and nothing is pinned.
func NewClient(opts Options) (*Client, error) {
	c := &Client{Servers: opts.Resolvers, Pinned: opts.Pinned, Timeout: opts.Timeout}
	if len(c.Servers) == 0 && c.Pinned == "" {
		servers, err := SystemServers()
		if err != nil {
			return nil, err
		}
		c.Servers = servers
	}
	return c, nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) recursive() []string {
	if c.Pinned != "" {
		return []string{c.Pinned}
	}
	return c.Servers
}

// Lookup asks the recursive resolvers, following CNAMEs.
func (c *Client) Lookup(ctx context.Context, name string, qtype uint16) (*Result, error) {
	if c.Cache == nil {
		return c.lookup(ctx, c.recursive(), name, qtype, true)
	}
	fqdn, err := FQDN(name)
	if err != nil {
		return nil, err
	}
	return c.Cache.lookup(ctx, fqdn, qtype, func(ctx context.Context) (*Result, error) {
		return c.lookup(ctx, c.recursive(), name, qtype, true)
	})
}

// LookupVia asks one recursive resolver (the pinned server when set),
// for watching what each resolver answers rather than the first to answer.
func (c *Client) LookupVia(ctx context.Context, server, name string, qtype uint16) (*Result, error) {
	if c.Pinned != "" {
		server = c.Pinned
	}
	return c.lookup(ctx, []string{server}, name, qtype, true)
}

// Resolvers are the recursive resolvers queries go to.
func (c *Client) Resolvers() []string { return c.recursive() }

// LookupAt asks one server directly with recursion off, as one asks an
// authoritative server; CNAMEs are reported, not followed, since their
// targets may live in another zone.
func (c *Client) LookupAt(ctx context.Context, server, name string, qtype uint16) (*Result, error) {
	if c.Pinned != "" {
		server = c.Pinned
	}
	return c.lookup(ctx, []string{server}, name, qtype, false)
}

// FQDN converts a name to the fully qualified presentation form queries
// use: internationalised names to ASCII (IDNA), and bytes that are special
// in presentation form escaped. Any printable ASCII is allowed in a label,
// as DNS allows it: SPF macros can expand to names with % or spaces.
func FQDN(name string) (string, error) {
	n := strings.TrimSuffix(name, ".")
	if !isASCII(n) {
		ascii, err := transports.NormalizeDNSName(n)
		if err != nil {
			return "", fmt.Errorf("dnsq: name %q: %w", name, err)
		}
		n = ascii
	}
	if n == "" || len(n) > 253 {
		return "", fmt.Errorf("dnsq: name %q is empty or longer than 253 characters", name)
	}
	var b strings.Builder
	for _, label := range strings.Split(n, ".") {
		if label == "" || len(label) > 63 {
			return "", fmt.Errorf("dnsq: name %q has an empty label or one longer than 63 characters", name)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case c < 0x20 || c > 0x7e:
				return "", fmt.Errorf("dnsq: name %q contains a control character", name)
			case strings.IndexByte(" '@;()\"\\", c) >= 0:
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte('.')
	}
	return b.String(), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (c *Client) lookup(ctx context.Context, servers []string, name string, qtype uint16, recursive bool) (*Result, error) {
	fqdn, err := FQDN(name)
	if err != nil {
		return nil, err
	}
	res := &Result{Name: fqdn, Type: qtype}
	cur := fqdn
	seen := map[string]bool{fqdn: true}
	for hop := 0; ; hop++ {
		msg, server, err := c.exchangeAny(ctx, servers, cur, qtype, recursive)
		if err != nil {
			return res, err
		}
		res.Server, res.Authoritative = server, msg.Authoritative
		// Follow the chain as far as this answer carries it.
		for qtype != dns.TypeCNAME {
			target := cnameOf(msg.Answer, cur)
			if target == "" {
				break
			}
			if seen[target] || len(res.CNAMEs) >= maxCNAME {
				return res, &Error{Name: fqdn, Type: qtype, Outcome: ServFail, Server: server,
					Why: fmt.Sprintf("CNAME loop or chain longer than %d at %s", maxCNAME, target)}
			}
			seen[target] = true
			res.CNAMEs = append(res.CNAMEs, target)
			cur = target
		}
		res.Records = recordsOf(msg.Answer, cur, qtype)
		switch {
		case len(res.Records) > 0:
			res.Outcome = Answer
		case msg.Rcode == dns.RcodeNameError:
			res.Outcome, res.NegativeTTL = NXDomain, negativeTTL(msg)
		case recursive && len(res.CNAMEs) > 0 && cnameOf(msg.Answer, cur) == "" && !hasOwner(msg.Answer, cur) && hop < maxCNAME:
			continue // the resolver stopped at a CNAME: ask for its target
		default:
			res.Outcome, res.NegativeTTL = NoData, negativeTTL(msg)
		}
		return res, nil
	}
}

func cnameOf(rrs []dns.RR, owner string) string {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, owner) {
			return strings.ToLower(dns.Fqdn(c.Target))
		}
	}
	return ""
}

func hasOwner(rrs []dns.RR, owner string) bool {
	for _, rr := range rrs {
		if strings.EqualFold(rr.Header().Name, owner) {
			return true
		}
	}
	return false
}

func recordsOf(rrs []dns.RR, owner string, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == qtype && strings.EqualFold(rr.Header().Name, owner) {
			out = append(out, rr)
		}
	}
	return out
}

// negativeTTL is how long a resolver caches this negative answer
// (RFC 2308 section 5): the SOA record's TTL, capped by its MINIMUM.
func negativeTTL(msg *dns.Msg) uint32 {
	for _, rr := range msg.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			return min(soa.Hdr.Ttl, soa.Minttl)
		}
	}
	return 0
}

// exchangeAny asks the servers in order until one answers with NOERROR or
// NXDOMAIN; SERVFAIL, REFUSED, timeouts and network errors move on to the
// next server (failover), and the last failure is returned.
func (c *Client) exchangeAny(ctx context.Context, servers []string, name string, qtype uint16, recursive bool) (*dns.Msg, string, error) {
	if len(servers) == 0 {
		return nil, "", &Error{Name: name, Type: qtype, Outcome: NetError, Why: "no DNS server is configured"}
	}
	var last error
	for _, server := range servers {
		if ctx.Err() != nil {
			break
		}
		if l := c.limit(); l != nil {
			if err := l.wait(ctx); err != nil {
				break
			}
		}
		msg, err := c.exchange(ctx, server, name, qtype, recursive)
		if err != nil {
			last = err
			continue
		}
		if l := c.limit(); l != nil {
			l.answered(msg.Rcode == dns.RcodeRefused || msg.Rcode == dns.RcodeServerFailure)
		}
		switch msg.Rcode {
		case dns.RcodeSuccess, dns.RcodeNameError:
			return msg, server, nil
		case dns.RcodeServerFailure:
			last = &Error{Name: name, Type: qtype, Outcome: ServFail, Server: server}
		default:
			last = &Error{Name: name, Type: qtype, Outcome: Refused, Server: server, Err: fmt.Errorf("response code %s", dns.RcodeToString[msg.Rcode])}
		}
	}
	if last == nil {
		last = &Error{Name: name, Type: qtype, Outcome: Timeout, Err: ctx.Err()}
	}
	return nil, "", last
}

// exchange sends one question to one server: UDP with EDNS0 first, then
// TCP when the answer came back truncated (RFC 7766 section 5; miekg/dns
// does not retry by itself).
func (c *Client) exchange(ctx context.Context, server, name string, qtype uint16, recursive bool) (*dns.Msg, error) {
	countQuery(ctx)
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.RecursionDesired = recursive
	m.SetEdns0(ednsSize, false)

	qctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	r, err := exchangeOn(qctx, &dns.Client{Net: "udp", UDPSize: ednsSize, Timeout: c.timeout()}, m, server)
	if err == nil && r.Truncated {
		r, err = exchangeOn(qctx, &dns.Client{Net: "tcp", Timeout: c.timeout()}, m, server)
	}
	if err != nil {
		return nil, &Error{Name: name, Type: qtype, Outcome: classify(ctx, qctx, err), Server: server, Err: err}
	}
	return r, nil
}

// Exchange sends m to server with cl and reads the answer, ended at once
// when ctx is: for messages other than questions (a dynamic update, RFC
// 2136), sent the same careful way.
func Exchange(ctx context.Context, cl *dns.Client, m *dns.Msg, server string) (*dns.Msg, error) {
	return exchangeOn(ctx, cl, m, server)
}

// exchangeOn is miekg/dns's ExchangeContext, but ended at once when ctx
// is: miekg only takes the context's deadline for the socket, and without
// Client.Timeout caps every read at its 2-second default, so a longer
// --dns-timeout was cut short and a cancel (Escape, Ctrl-C) waited for
// the read to time out.
func exchangeOn(ctx context.Context, cl *dns.Client, m *dns.Msg, server string) (*dns.Msg, error) {
	conn, err := cl.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	r, _, err := cl.ExchangeWithConnContext(ctx, m, conn)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		err = ctx.Err() // the deadline set above, not the network, ended it
	}
	return r, err
}

func classify(parent, qctx context.Context, err error) Outcome {
	var ne net.Error
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		return NetError
	case errors.Is(err, context.DeadlineExceeded), qctx.Err() != nil, errors.As(err, &ne) && ne.Timeout():
		return Timeout
	}
	return NetError
}
