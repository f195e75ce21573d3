package smtp

import (
	"context"
	"crypto/x509"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/hints"
	"mailwizard/transports"
)

// Candidate is a server and port that may be the domain's submission
// server, and where the idea came from.
type Candidate struct {
	Host       string                `json:"host"`
	Port       int                   `json:"port"`
	Encryption transports.Encryption `json:"encryption"`
	Source     string                `json:"source"`
}

// Probe is what trying a candidate showed.
type Probe struct {
	Candidate
	Works      bool     `json:"works"`     // greeted, and TLS worked if offered
	Encrypted  bool     `json:"encrypted"` // TLS, implicit or STARTTLS
	CertValid  bool     `json:"cert_valid"`
	Mechanisms []string `json:"auth_mechanisms,omitempty"`
	Problem    string   `json:"problem,omitempty"`
	// ProblemText is Problem for the faces to translate.
	ProblemText checks.Text   `json:"-"`
	Code        string        `json:"code,omitempty"`
	Temporary   bool          `json:"temporary,omitempty"` // the failure may go away on a retry
	Elapsed     time.Duration `json:"elapsed"`
}

// rank orders probes: working TLS with a valid certificate first, then
// TLS with a bad certificate, then plaintext, then failures; within a rank
// the submission ports (465, 587) before 25 and 2525, SRV-announced first.
func (p Probe) rank() int {
	r := 0
	switch {
	case p.Works && p.Encrypted && p.CertValid:
		r = 300
	case p.Works && p.Encrypted:
		r = 200
	case p.Works:
		r = 100
	}
	if p.Port == 465 || p.Port == 587 {
		r += 20
	}
	if strings.HasPrefix(p.Source, "SRV") {
		r += 10
	}
	return r
}

// maxSRVTargets bounds the SRV targets tried per service; real domains
// publish one or two.
const maxSRVTargets = 4

// mailboxSMTP are the submission servers of the big mailbox providers.
var mailboxSMTP = map[string][]Candidate{
	"microsoft365": {{Host: "smtp.office365.com", Port: 587, Encryption: transports.EncryptSTARTTLS}},
	"google": {
		{Host: "smtp.gmail.com", Port: 465, Encryption: transports.EncryptTLS},
		{Host: "smtp.gmail.com", Port: 587, Encryption: transports.EncryptSTARTTLS},
		{Host: "smtp-relay.gmail.com", Port: 587, Encryption: transports.EncryptSTARTTLS},
	},
}

// Candidates gathers where the domain's submission server may be: SRV
// records (RFC 6186: _submissions._tcp for implicit TLS, _submission._tcp
// for STARTTLS), the mailbox provider's server, and smtp./mail. + domain
// on the usual ports, when those names exist. The error is the first
// lookup that got no answer: then the list may lack candidates.
func Candidates(ctx context.Context, r dnsq.Resolver, domain string) ([]Candidate, error) {
	var out []Candidate
	var failed error
	lookup := func(name string, qtype uint16) (*dnsq.Result, error) {
		res, err := r.Lookup(ctx, name, qtype)
		if err != nil && failed == nil {
			failed = err
		}
		return res, err
	}
	add := func(c Candidate) {
		c.Host = strings.TrimSuffix(strings.ToLower(c.Host), ".")
		for _, o := range out {
			if o.Host == c.Host && o.Port == c.Port {
				return
			}
		}
		out = append(out, c)
	}
	for _, srv := range []struct {
		name string
		enc  transports.Encryption
	}{{"_submissions._tcp.", transports.EncryptTLS}, {"_submission._tcp.", transports.EncryptSTARTTLS}} {
		res, err := lookup(srv.name+domain, dns.TypeSRV)
		if err != nil {
			continue
		}
		sort.SliceStable(res.Records, func(i, j int) bool { return res.Records[i].(*dns.SRV).Priority < res.Records[j].(*dns.SRV).Priority })
		// Each candidate costs a goroutine and a connection: a zone with
		// hundreds of SRV records must not open hundreds of them.
		for _, rr := range res.Records[:min(len(res.Records), maxSRVTargets)] {
			s := rr.(*dns.SRV)
			if s.Target == "." { // RFC 6186 section 3.4: service not offered
				continue
			}
			add(Candidate{Host: s.Target, Port: int(s.Port), Encryption: srv.enc, Source: "SRV " + srv.name + domain})
		}
	}
	if res, err := lookup(domain, dns.TypeMX); err == nil {
		if mp := hints.DetectMailProvider(hints.Names(res.Records)); mp != nil {
			for _, c := range mailboxSMTP[mp.ID] {
				c.Source = mp.Name + " (from the MX records)"
				add(c)
			}
		}
	}
	for _, prefix := range []string{"smtp.", "mail."} {
		host := prefix + domain
		res, err := lookup(host, dns.TypeA)
		if err != nil || res.Outcome != dnsq.Answer {
			if res6, err := lookup(host, dns.TypeAAAA); err != nil || res6.Outcome != dnsq.Answer {
				continue
			}
		}
		for _, p := range []struct {
			port int
			enc  transports.Encryption
		}{{465, transports.EncryptTLS}, {587, transports.EncryptSTARTTLS}, {25, transports.EncryptSTARTTLSOptional}, {2525, transports.EncryptSTARTTLSOptional}} {
			add(Candidate{Host: host, Port: p.port, Encryption: p.enc, Source: "guess: " + host})
		}
	}
	return out, failed
}

// ProbeAll tries every candidate at once, each within timeout, so the
// whole takes about as long as the slowest single probe. The result is
// ranked best first.
func ProbeAll(ctx context.Context, d Dialer, cands []Candidate, timeout time.Duration, roots *x509.CertPool) []Probe {
	out := make([]Probe, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = probe(ctx, d, c, timeout, roots)
		}()
	}
	wg.Wait()
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank() > out[j].rank() })
	return out
}

func probe(ctx context.Context, d Dialer, c Candidate, timeout time.Duration, roots *x509.CertPool) Probe {
	p := Probe{Candidate: c}
	start := time.Now()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Certificates are judged, not enforced: a server with a bad one still
	// tells the admin where the server is.
	s := Settings{Host: c.Host, Port: c.Port, Encryption: c.Encryption, CertCheck: transports.CertSkip, RootCAs: roots}
	sess, err := Connect(pctx, d, s, Timeouts{Connect: timeout, Command: timeout})
	p.Elapsed = time.Since(start)
	if err != nil {
		var info *TLSInfo
		if sess != nil {
			info = sess.TLS
		}
		f := Explain(err, s, info)
		p.Problem, p.ProblemText, p.Code, p.Temporary = f.Message, f.MessageText, f.Code, f.Temporary
		return p
	}
	defer sess.Close()
	p.Works, p.Encrypted = true, sess.Encrypted()
	p.CertValid = sess.TLS != nil && sess.TLS.Verified
	p.Mechanisms = sess.Mechanisms()
	if sess.TLS != nil && !sess.TLS.Verified {
		p.Problem, p.ProblemText = sess.TLS.VerifyProblem, sess.TLS.VerifyProblemText
	}
	return p
}

// Detection is the result of Detect.
type Detection struct {
	Domain   string           `json:"domain"`
	Probes   []Probe          `json:"probes"`
	Best     *Probe           `json:"best,omitempty"`
	Findings []checks.Finding `json:"findings"`
}

// Detect finds the domain's submission server: candidates, then all
// probed at once.
func Detect(ctx context.Context, d Dialer, r dnsq.Resolver, domain string, timeout time.Duration, roots *x509.CertPool) *Detection {
	det := &Detection{Domain: domain, Findings: []checks.Finding{}}
	cands, lookupErr := Candidates(ctx, r, domain)
	if len(cands) == 0 {
		f := checks.Finding{Check: "smtp", Severity: checks.Error, Code: "smtp.detect-nothing"}.Say(
			checks.T("smtp.detect-nothing", "no SRV records, no known mailbox provider and no smtp.%s or mail.%s to try", domain, domain),
			checks.T("smtp.detect-nothing.fix", "Ask the mail administrator for the server name and port."))
		if lookupErr != nil {
			// Nothing found because DNS did not answer: unknown, not absent.
			f.Temporary, f.Detail = true, dnsq.Detail(lookupErr)
			f = f.Say(checks.T("smtp.detect-nothing.unknown", "the DNS lookups for %s's mail servers got no answer (%s), so where its server is remains unknown", domain, dnsq.DescribeText(lookupErr)),
				checks.T("smtp.detect-nothing.fix.unknown", "Check the network, or give another resolver with --resolver, and try again."))
		}
		det.Findings = append(det.Findings, f)
		return det
	}
	det.Probes = ProbeAll(ctx, d, cands, timeout, roots)
	if det.Probes[0].Works {
		det.Best = &det.Probes[0]
	} else {
		// Only when every candidate failed in a way a retry may change
		// (timeouts, refused connections) is the whole result temporary.
		temporary := true
		for _, p := range det.Probes {
			temporary = temporary && p.Temporary
		}
		det.Findings = append(det.Findings, checks.Finding{Check: "smtp", Severity: checks.Error, Code: "smtp.detect-none-works", Temporary: temporary}.Say(
			checks.T("smtp.detect-none-works", "none of the %d candidates answered as a mail server from here", len(cands)),
			checks.T("smtp.detect-none-works.fix", "Ask the mail administrator for the server name and port; port 25 is often blocked by internet providers.")))
	}
	return det
}

// ResolvingDialer dials names through our resolver, so --resolver and
// --dns-server apply to SMTP servers too, and tests can point names at
// loopback servers.
type ResolvingDialer struct {
	Resolver dnsq.Resolver
	Dialer   net.Dialer
}

// errNoAddress is the DNSError text for a name that exists without A or
// AAAA records, told apart from one that does not exist.
const errNoAddress = "no address"

// DialContext resolves host (A, then AAAA) and dials the first address
// that answers. A name that does not exist, or has no address, is a
// *net.DNSError with IsNotFound; a lookup that got no answer is the
// *dnsq.Error itself, so that nobody is told a name is missing when only
// the DNS server failed.
func (rd *ResolvingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if net.ParseIP(host) != nil {
		return rd.Dialer.DialContext(ctx, network, addr)
	}
	var ips []netip.Addr
	var failed error
	exists := false
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		res, err := rd.Resolver.Lookup(ctx, host, qt)
		if err != nil {
			failed = err
			continue
		}
		exists = exists || res.Outcome != dnsq.NXDomain
		ips = append(ips, res.Addrs()...)
	}
	switch {
	case len(ips) == 0 && failed != nil:
		return nil, &net.OpError{Op: "dial", Net: network, Err: failed}
	case len(ips) == 0 && exists:
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: errNoAddress, Name: host, IsNotFound: true}}
	case len(ips) == 0:
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	var last error
	for _, ip := range ips {
		c, err := rd.Dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

// String renders a candidate as host:port (encryption).
func (c Candidate) String() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) + " (" + string(c.Encryption) + ")"
}
