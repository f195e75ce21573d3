// Package dnsq asks DNS the wizard's questions and keeps the answers
// apart the way an admin needs them: a record, no such record (NODATA), no
// such name (NXDOMAIN), a server failure, or no answer at all. A timeout
// is never reported as "not found" (RFC 8020 and RFC 2308 give NXDOMAIN
// and NODATA their meaning; a timeout has none).
//
// It queries recursive resolvers (the system's, or --resolver) and, to see
// a record the moment it is published, the zone's authoritative servers
// directly with recursion off. --dns-server pins every query, authoritative
// ones included, to one server.
package dnsq

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
)

// Outcome classifies an answer.
type Outcome int

const (
	Answer   Outcome = iota // records of the asked type
	NoData                  // the name exists, without records of this type
	NXDomain                // the name does not exist
	ServFail                // the server failed (SERVFAIL)
	Refused                 // the server refused (REFUSED, or another error code)
	Timeout                 // no answer within the deadline
	NetError                // the network failed otherwise (unreachable, reset)
)

func (o Outcome) String() string {
	return [...]string{"answer", "nodata", "nxdomain", "servfail", "refused", "timeout", "network-error"}[o]
}

// Failed reports whether the outcome says nothing about the record: the
// question must be asked again, not answered "missing".
func (o Outcome) Failed() bool { return o >= ServFail }

// Result is the answer to one question.
type Result struct {
	Name    string   // the name asked, ASCII, fully qualified
	Type    uint16   // the type asked
	Outcome Outcome  // what kind of answer it was
	Records []dns.RR // records of Type at the end of the CNAME chain
	CNAMEs  []string // the CNAME chain followed from Name, targets in order
	Server  string   // the server that gave this answer
	// NegativeTTL is how long a resolver may keep a NODATA/NXDOMAIN answer:
	// the minimum of the SOA's TTL and its MINIMUM field (RFC 2308 section 5).
	NegativeTTL uint32
	// Authoritative is the AA flag: the server is authoritative for Name.
	Authoritative bool
}

// Final is the name the records belong to: the last CNAME target or Name.
func (r *Result) Final() string {
	if len(r.CNAMEs) > 0 {
		return r.CNAMEs[len(r.CNAMEs)-1]
	}
	return r.Name
}

// TXT returns each TXT record's strings joined into one value, as SPF,
// DKIM and DMARC read them (RFC 7208 section 3.3, RFC 6376 section
// 3.6.2.2).
func (r *Result) TXT() []string {
	var out []string
	for _, rr := range r.Records {
		if t, ok := rr.(*dns.TXT); ok {
			out = append(out, joinTXT(t.Txt))
		}
	}
	return out
}

// Addrs returns the addresses of the A and AAAA records in the answer.
func (r *Result) Addrs() []netip.Addr {
	var out []netip.Addr
	for _, rr := range r.Records {
		switch a := rr.(type) {
		case *dns.A:
			if ip, ok := netip.AddrFromSlice(a.A.To4()); ok {
				out = append(out, ip)
			}
		case *dns.AAAA:
			if ip, ok := netip.AddrFromSlice(a.AAAA.To16()); ok {
				out = append(out, ip)
			}
		}
	}
	return out
}

// joinTXT joins a record's strings into the raw bytes DNS carried.
// miekg/dns hands TXT strings over in presentation form (\" for a quote,
// \DDD for a byte outside printable ASCII); the checks compare the bytes
// the admin published, so the escapes are undone here.
func joinTXT(parts []string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = appendUnescaped(b, p)
	}
	return string(b)
}

func appendUnescaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// EscapeTXT is the inverse of the unescaping above: one TXT string's
// bytes in the presentation form of RFC 1035 section 5.1, as zone files,
// nsupdate and miekg/dns write it inside quotes: a quote and a backslash
// escaped by a backslash, every byte outside printable ASCII as \DDD
// (decimal), so that what is pasted or packed is exactly those bytes.
func EscapeTXT(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('\\')
			b.WriteByte('0' + c/100)
			b.WriteByte('0' + c/10%10)
			b.WriteByte('0' + c%10)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Error is a question DNS did not answer. It carries the outcome so
// callers can tell a timeout from a server failure.
type Error struct {
	Name    string
	Type    uint16
	Outcome Outcome
	Server  string
	Why     string // our own words on why, shown to people ("CNAME loop ...")
	Err     error  // the network library's error, only in Detail
}

var failureWords = map[Outcome]checks.Text{
	ServFail: checks.T("dns.failure.servfail", "the DNS server failed (SERVFAIL)"),
	Refused:  checks.T("dns.failure.refused", "the DNS server refused the question"),
	Timeout:  checks.T("dns.failure.timeout", "no answer in time"),
	NetError: checks.T("dns.failure.unreachable", "the DNS server could not be reached"),
}

// Describe words a failed lookup for people, without the network
// library's own text (which Error keeps for logs and --json).
func Describe(err error) string { return DescribeText(err).String() }

// DescribeText is Describe for the faces to translate.
func DescribeText(err error) checks.Text {
	if w, ok := failureWords[OutcomeOf(err)]; ok {
		return w
	}
	return failureWords[NetError]
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("looking up %s %s: %s", strings.TrimSuffix(e.Name, "."), dns.TypeToString[e.Type], failureWords[e.Outcome])
	if e.Server != "" {
		msg += " from " + e.Server
	}
	if e.Why != "" {
		msg += ": " + e.Why
	}
	return msg
}

// Detail is Error with the network library's own text ("read udp ...:
// i/o timeout"), for --json and bug reports; people read Error.
func Detail(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Err != nil {
		return err.Error() + ": " + e.Err.Error()
	}
	return err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports that asking again later may give an answer.
func (e *Error) Temporary() bool { return true }

// OutcomeOf returns the outcome an error carries, or NetError.
func OutcomeOf(err error) Outcome {
	var e *Error
	if errors.As(err, &e) {
		return e.Outcome
	}
	return NetError
}

// Resolver answers DNS questions. Lookup returns a Result for answers,
// NODATA and NXDOMAIN, and an *Error (with the Result so far) when no
// server answered.
type Resolver interface {
	Lookup(ctx context.Context, name string, qtype uint16) (*Result, error)
}
