// Package dnstest runs a real DNS server (github.com/miekg/dns, UDP and
// TCP on one port) on loopback for tests: zones given in zone-file syntax,
// negative answers with the SOA, CNAMEs followed as a resolver would, UDP
// answers truncated to the client's EDNS0 size, and faults on demand (a
// name that never answers, SERVFAIL, REFUSED, forced truncation).
package dnstest

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Server is a DNS server for tests.
type Server struct {
	Addr string // host:port, UDP and TCP

	mu     sync.Mutex
	rrs    map[string][]dns.RR // by lower-case owner name
	apexes map[string]bool     // owners of an SOA: the zones served
	// below counts the records whose owner lies under a name, so that an
	// empty non-terminal (RFC 8020) is known without scanning every owner:
	// a server holding a thousand zones answers NXDOMAIN in constant time.
	below    map[string]int
	drop     map[string]bool
	rcode    map[string]int
	truncate map[string]bool
	delay    map[string]time.Duration
	queries  map[string]int
	total    int
	udp, tcp *dns.Server
}

// Start serves on addr ("127.0.0.1:0" for any free port, or a fixed
// "127.0.0.2:53") until the test ends.
func Start(t testing.TB, addr string) *Server {
	t.Helper()
	s, err := Listen(addr)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen is Start without a test, for benchmarks' helpers and tools.
func Listen(addr string) (*Server, error) {
	s := &Server{rrs: map[string][]dns.RR{}, apexes: map[string]bool{}, below: map[string]int{}, drop: map[string]bool{}, rcode: map[string]int{},
		truncate: map[string]bool{}, delay: map[string]time.Duration{}, queries: map[string]int{}}
	var pc net.PacketConn
	var l net.Listener
	var err error
	for range 10 { // the UDP port may be taken for TCP; try another
		if pc, err = net.ListenPacket("udp", addr); err != nil {
			return nil, err
		}
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		return nil, err
	}
	s.Addr = pc.LocalAddr().String()
	started := make(chan struct{}, 2)
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve), NotifyStartedFunc: func() { started <- struct{}{} }}
	s.tcp = &dns.Server{Listener: l, Handler: dns.HandlerFunc(s.serve), NotifyStartedFunc: func() { started <- struct{}{} }}
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	<-started
	<-started
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Shutdown()
	s.tcp.Shutdown()
}

// AddZone loads records in zone-file syntax; $ORIGIN and relative names
// work as in a zone file. Every SOA makes its owner a served zone.
func (s *Server) AddZone(text string) error {
	zp := dns.NewZoneParser(strings.NewReader(text), "", "")
	zp.SetIncludeAllowed(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		s.addLocked(rr)
	}
	return zp.Err()
}

// MustAddZone is AddZone failing the test on a syntax error.
func (s *Server) MustAddZone(t testing.TB, text string) {
	t.Helper()
	if err := s.AddZone(text); err != nil {
		t.Fatalf("dnstest: zone: %v", err)
	}
}

func (s *Server) addLocked(rr dns.RR) {
	name := strings.ToLower(rr.Header().Name)
	rr.Header().Name = name
	s.rrs[name] = append(s.rrs[name], rr)
	s.countBelowLocked(name, 1)
	if rr.Header().Rrtype == dns.TypeSOA {
		s.apexes[name] = true
	}
}

// countBelowLocked adds n to the count of every ancestor of name.
func (s *Server) countBelowLocked(name string, n int) {
	for cur := name; cur != "."; {
		cur = parent(cur)
		s.below[cur] += n
	}
}

// parent is the name one label up ("a.b." → "b.", "b." → ".").
func parent(name string) string {
	_, rest, ok := strings.Cut(name, ".")
	if !ok || rest == "" {
		return "."
	}
	return rest
}

// Add adds one record ("name. 300 IN TXT \"v=spf1 -all\"").
func (s *Server) Add(record string) error {
	rr, err := dns.NewRR(record)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(rr)
	return nil
}

// AddRR adds a record built in code (for names or data the text form
// cannot carry).
func (s *Server) AddRR(rr dns.RR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(dns.Copy(rr))
}

// Remove deletes the records of a type at a name (dns.TypeANY: all).
func (s *Server) Remove(name string, qtype uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name = strings.ToLower(dns.Fqdn(name))
	kept := s.rrs[name][:0]
	for _, rr := range s.rrs[name] {
		if qtype != dns.TypeANY && rr.Header().Rrtype != qtype {
			kept = append(kept, rr)
		}
	}
	s.countBelowLocked(name, len(kept)-len(s.rrs[name]))
	s.rrs[name] = kept
}

// Drop makes questions about name go unanswered, as a dead server does.
func (s *Server) Drop(name string) { s.set(s.drop, name, true) }

// DropType leaves only questions of one type about name unanswered, as
// some broken servers do for types they do not know.
func (s *Server) DropType(name string, qtype uint16) {
	s.set(s.drop, name+"/"+dns.TypeToString[qtype], true)
}

// Rcode makes questions about name get this response code.
func (s *Server) Rcode(name string, rcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcode[strings.ToLower(dns.Fqdn(name))] = rcode
}

// Truncate makes UDP answers about name come back truncated and empty,
// so the client must retry over TCP.
func (s *Server) Truncate(name string) { s.set(s.truncate, name, true) }

// Delay makes answers about name come d late, as a far or loaded server's.
func (s *Server) Delay(name string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay[strings.ToLower(dns.Fqdn(name))] = d
}

func (s *Server) set(m map[string]bool, name string, v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	base, suffix, _ := strings.Cut(name, "/")
	key := strings.ToLower(dns.Fqdn(base))
	if suffix != "" {
		key += "/" + suffix
	}
	m[key] = v
}

// Queries returns how many questions about name arrived (UDP and TCP).
func (s *Server) Queries(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[strings.ToLower(dns.Fqdn(name))]
}

// Total returns how many questions arrived in all.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// QueryCounts returns how many questions arrived, by lower-case name.
func (s *Server) QueryCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.queries))
	for k, v := range s.queries {
		out[k] = v
	}
	return out
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	_, isUDP := w.RemoteAddr().(*net.UDPAddr)

	s.mu.Lock()
	s.queries[name]++
	s.total++
	if s.drop[name] || s.drop[name+"/"+dns.TypeToString[q.Qtype]] {
		s.mu.Unlock()
		return
	}
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.RecursionAvailable = true
	if rc, ok := s.rcode[name]; ok {
		resp.Rcode = rc
		s.mu.Unlock()
		w.WriteMsg(resp)
		return
	}
	s.answerLocked(resp, name, q.Qtype)
	forceTC := isUDP && s.truncate[name]
	delay := s.delay[name]
	s.mu.Unlock()
	time.Sleep(delay) // miekg/dns serves each question on its own goroutine

	if forceTC {
		resp.Answer, resp.Ns, resp.Extra = nil, nil, nil
		resp.Truncated = true
	}
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = int(opt.UDPSize())
		resp.SetEdns0(opt.UDPSize(), false)
	}
	if isUDP {
		resp.Truncate(size)
	}
	w.WriteMsg(resp)
}

// zoneOf is the closest enclosing zone served, walking up from name.
func (s *Server) zoneOf(name string) string {
	for cur := name; ; cur = parent(cur) {
		if s.apexes[cur] {
			return cur
		}
		if cur == "." {
			return ""
		}
	}
}

func (s *Server) answerLocked(resp *dns.Msg, name string, qtype uint16) {
	zone := s.zoneOf(name)
	if zone == "" {
		resp.Rcode = dns.RcodeRefused
		return
	}
	resp.Authoritative = true
	cur := name
	for hop := 0; hop < 10; hop++ {
		var cname *dns.CNAME
		found := false
		for _, rr := range s.rrs[cur] {
			switch {
			case rr.Header().Rrtype == qtype:
				resp.Answer = append(resp.Answer, dns.Copy(rr))
				found = true
			case rr.Header().Rrtype == dns.TypeCNAME:
				cname = rr.(*dns.CNAME)
			}
		}
		if found || cname == nil || qtype == dns.TypeCNAME {
			break
		}
		resp.Answer = append(resp.Answer, dns.Copy(cname))
		cur = strings.ToLower(cname.Target)
		if s.zoneOf(cur) == "" {
			return // outside our zones: the client follows it elsewhere
		}
	}
	if len(resp.Answer) > 0 && resp.Answer[len(resp.Answer)-1].Header().Rrtype == qtype {
		return
	}
	if !s.existsLocked(cur) {
		resp.Rcode = dns.RcodeNameError
	}
	if soa := s.rrs[s.zoneOf(cur)]; len(soa) > 0 {
		for _, rr := range soa {
			if rr.Header().Rrtype == dns.TypeSOA {
				resp.Ns = append(resp.Ns, dns.Copy(rr))
			}
		}
	}
}

// existsLocked: a name exists if it has records or names below it (an
// empty non-terminal, RFC 8020).
func (s *Server) existsLocked(name string) bool {
	return len(s.rrs[name]) > 0 || s.below[name] > 0
}

// Silent returns the address of a UDP and TCP socket that reads questions
// and never answers: a resolver that is down or firewalled.
func Silent(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return pc.LocalAddr().String()
}

// SOA returns a zone's SOA line with the given negative TTL, for tests
// that build zones: "example.nl. 3600 IN SOA ns1.example.nl. hostmaster.example.nl. 1 7200 3600 1209600 300".
func SOA(zone string, negTTL int) string {
	zone = dns.Fqdn(zone)
	return fmt.Sprintf("%s 3600 IN SOA ns1.%s hostmaster.%s 1 7200 3600 1209600 %d", zone, zone, zone, negTTL)
}

// StartNameservers starts two servers on loopback addresses ip1 and ip2
// (Linux routes all of 127.0.0.0/8 to loopback; give each test package its
// own pair, since packages test in parallel), on port 53 as real name
// servers listen when the test may bind it (root), else on one free port
// that the client must be told (dnsq.Client.AuthPort). Zones can then name
// them in NS and A records as real zones do.
func StartNameservers(t testing.TB, ip1, ip2 string) (ns1, ns2 *Server, port string) {
	t.Helper()
	for _, p := range []string{"53", "0"} {
		a, err := Listen(net.JoinHostPort(ip1, p))
		if err != nil {
			continue
		}
		_, port, _ = net.SplitHostPort(a.Addr)
		b, err := Listen(net.JoinHostPort(ip2, port))
		if err != nil {
			a.Close()
			continue
		}
		t.Cleanup(a.Close)
		t.Cleanup(b.Close)
		return a, b, port
	}
	t.Skipf("cannot bind %s and %s (loopback aliases exist on Linux only)", ip1, ip2)
	return nil, nil, ""
}
