package verdict

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dkim"
	"mailwizard/checks/dmarc"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/taglist"
)

// maxSignatures bounds the signatures verified: each costs a DNS lookup
// and a public-key operation; a real message has one to three.
const maxSignatures = 10

// Signature is one DKIM-Signature field (RFC 6376 section 3.5) and what
// became of it.
type Signature struct {
	Domain    string `json:"domain"`   // d=
	Selector  string `json:"selector"` // s=
	Algorithm string `json:"algorithm,omitempty"`
	Line      int    `json:"line"`
	// Receiver is the receiver's result for this signature; "" when it
	// gave none that names it.
	Receiver string `json:"receiver"`
	// Result is ours: pass, fail, permerror or temperror, or "unchecked"
	// when only the header was pasted.
	Result string `json:"result"`
	// Reason is go-msgauth's words for a result other than pass.
	Reason  string    `json:"reason,omitempty"`
	Aligned Alignment `json:"aligned"`
	// Key compares the key published at the selector with the one the
	// wizard generated: "matches" or "differs"; "" when not compared.
	Key string `json:"key,omitempty"`

	b       string // b= without whitespace, to find the receiver's header.b
	failure failure
}

// Alignment says whether an identifier is aligned with the From domain in
// each of DMARC's modes (RFC 7489 section 3.1).
type Alignment struct {
	Relaxed bool `json:"relaxed"`
	Strict  bool `json:"strict"`
}

func alignment(id, from string) Alignment {
	return Alignment{Relaxed: dmarc.Aligned(id, from, dmarc.Relaxed), Strict: dmarc.Aligned(id, from, dmarc.Strict)}
}

// in reports whether the identifier aligns in mode ("r" or "s").
func (a Alignment) in(mode string) bool {
	if mode == dmarc.Strict {
		return a.Strict
	}
	return a.Relaxed
}

// failure is why a signature did not verify, in the classes the
// explanations need.
type failure int

const (
	noFailure failure = iota
	bodyChanged
	headerChanged // or signed with another key than the one in DNS
	noKey
	keyRevoked
	expired
	temporary
	otherFailure
)

// readSignatures lists the DKIM-Signature fields, top to bottom.
func readSignatures(m *Message, from string) []Signature {
	var out []Signature
	for _, f := range m.All("DKIM-Signature") {
		tags := taglist.ParseLenient(f.Value)
		s := Signature{Domain: strings.ToLower(strings.TrimSuffix(tagValue(tags, "d"), ".")), Selector: strings.ToLower(tagValue(tags, "s")),
			Algorithm: strings.ToLower(tagValue(tags, "a")), Line: f.Line, Result: "unchecked", b: tagValue(tags, "b")}
		s.Aligned = alignment(s.Domain, from)
		out = append(out, s)
	}
	return out
}

// verifySignatures checks every signature with go-msgauth, its keys looked
// up through r. It needs the body: the body hash is part of each.
func verifySignatures(ctx context.Context, r dnsq.Resolver, m *Message, sigs []Signature) {
	verifs, err := msgdkim.VerifyWithOptions(bytes.NewReader(m.Wire()), &msgdkim.VerifyOptions{
		LookupTXT: lookupTXT(ctx, r), MaxVerifications: maxSignatures})
	if err != nil && err != msgdkim.ErrTooManySignatures {
		for i := range sigs {
			sigs[i].Result, sigs[i].Reason, sigs[i].failure = "permerror", err.Error(), otherFailure
		}
		return
	}
	for i, v := range verifs {
		if i >= len(sigs) {
			break
		}
		sigs[i].judge(v.Err)
	}
}

// judge sorts go-msgauth's verdict (RFC 6376 section 6.1: PERMFAIL,
// TEMPFAIL, or a signature that does not verify).
func (s *Signature) judge(err error) {
	if err == nil {
		s.Result = "pass"
		return
	}
	s.Reason = strings.TrimPrefix(err.Error(), "dkim: ")
	switch {
	case msgdkim.IsTempFail(err):
		s.Result, s.failure = "temperror", temporary
		return
	case msgdkim.IsPermFail(err):
		s.Result = "permerror"
	default:
		s.Result = "fail"
	}
	switch r := s.Reason; {
	case strings.Contains(r, "body hash did not verify"):
		s.failure = bodyChanged
	case strings.Contains(r, "signature did not verify"):
		s.failure = headerChanged
	case strings.Contains(r, "key revoked"):
		s.failure = keyRevoked
	case strings.Contains(r, "no key for signature"), strings.Contains(r, "no valid key found"):
		s.failure = noKey
	case strings.Contains(r, "signature has expired"):
		s.failure = expired
	default:
		s.failure = otherFailure
	}
}

// lookupTXT gives go-msgauth our resolver. A lookup that got no answer
// is a net.Error that says Temporary, which go-msgauth turns into
// TEMPFAIL; a name without a key is a permanent "no key".
func lookupTXT(ctx context.Context, r dnsq.Resolver) func(string) ([]string, error) {
	return func(name string) ([]string, error) {
		res, err := r.Lookup(ctx, name, dns.TypeTXT)
		if err != nil {
			return nil, tempDNSError{err}
		}
		if res.Outcome != dnsq.Answer {
			return nil, fmt.Errorf("%s: %s", strings.TrimSuffix(name, "."), res.Outcome)
		}
		return res.TXT(), nil
	}
}

type tempDNSError struct{ err error }

func (e tempDNSError) Error() string   { return e.err.Error() }
func (e tempDNSError) Timeout() bool   { return dnsq.OutcomeOf(e.err) == dnsq.Timeout }
func (e tempDNSError) Temporary() bool { return true }

// matchReceiver finds the receiver's dkim result for each signature: the
// same d=, and s= and the start of b= where the receiver names them
// (RFC 6008 header.b).
func matchReceiver(sigs []Signature, results []MethodResult) {
	for i := range sigs {
		s := &sigs[i]
		for _, m := range results {
			d := strings.ToLower(strings.TrimSuffix(m.Prop("header.d"), "."))
			if d == "" {
				_, d, _ = strings.Cut(strings.ToLower(m.Prop("header.i")), "@")
			}
			sel, b := strings.ToLower(m.Prop("header.s")), m.Prop("header.b")
			if d == s.Domain && (sel == "" || sel == s.Selector) && (b == "" || strings.HasPrefix(s.b, b)) {
				s.Receiver = m.Result
				break
			}
		}
	}
}

// compareKeys checks the key at each selector of domain that the wizard
// made a key for with checks/dkim, the one comparison of a published key
// with the expected one; its findings say what differs.
func compareKeys(ctx context.Context, r dnsq.Resolver, sigs []Signature, domain string, expect map[string]string) []checks.Finding {
	var out []checks.Finding
	done := map[string]bool{}
	for i := range sigs {
		s := &sigs[i]
		want, ok := expect[s.Selector]
		if !ok {
			want, ok = expect[AnySelector]
		}
		if !ok || s.Domain != domain || done[s.Selector] {
			continue
		}
		done[s.Selector] = true
		res := dkim.Check(ctx, r, domain, dnsq.OrgDomain(domain), dkim.Expect{Selector: s.Selector, Value: want})
		switch checks.OutcomeOf(res.Findings) {
		case checks.Passed:
			s.Key = "matches"
		case checks.Failed:
			s.Key = "differs"
		}
		out = append(out, res.Findings...)
	}
	return out
}

// tagValue is a tag's value from a received field's tag list, read with
// taglist.ParseLenient, whitespace removed (b= and bh= are folded).
func tagValue(l taglist.List, name string) string {
	v, _ := l.Get(name)
	return strings.Join(strings.Fields(v), "")
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}
