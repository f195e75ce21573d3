// Package verdict reads a received message, as an admin pastes it from
// "Show original" or "View message source", and says how the receiving
// server judged SPF, DKIM and DMARC (its Authentication-Results, RFC
// 8601), how they come out when checked again now, and why: in words an
// admin can act on, as findings.
//
// Only the receiver's own results count (see trust.go and entry.go), and
// a pass they claim must agree with the message (conflict.go); the re-check uses
// our SPF evaluator (RFC 7208) for the connecting address and MAIL FROM
// the receiver's trace fields name, go-msgauth for DKIM (RFC 6376) with
// keys looked up through the injected resolver, and checks/dmarc for the
// policy and alignment (RFC 7489).
package verdict

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"mailwizard/checks"
	"mailwizard/checks/dmarc"
	"mailwizard/checks/dnsq"
	"mailwizard/transports"
)

// Options say what the caller knows about the mail.
type Options struct {
	// Domain is the From domain expected (the wizard's domain, or
	// --domain); empty: the message's own From domain.
	Domain string
	// ExpectDKIM maps selectors of Domain to the key record the wizard
	// generated, to compare with what DNS publishes; AnySelector stands
	// for whichever selector a signature names (mailwizard verdict
	// --expect-dkim).
	ExpectDKIM map[string]string
	// Path is how the mail was sent, for the explanations: "hosted" (the
	// service's servers), "smtp" (the admin's own server) or "".
	Path string
	// Service names the service in the explanations.
	Service string
}

// AnySelector in Options.ExpectDKIM: the key expected at every selector.
const AnySelector = "*"

// Paths of Options.Path.
const (
	PathHosted = "hosted"
	PathSMTP   = "smtp"
)

// Report is the verdict on one message.
type Report struct {
	From       string `json:"from"` // the From address
	FromDomain string `json:"from_domain"`
	Domain     string `json:"domain"` // the domain expected
	HasBody    bool   `json:"has_body"`
	// Passed says the message passes DMARC: by the receiver's own dmarc
	// result when it gave pass or fail and nothing contradicts it (see
	// conflict.go), else by the re-check; without a policy, when an
	// aligned identifier passed. Verdict says which outcome it is.
	Passed bool `json:"passed"`
	// Receiver is what the receiving domain's servers said; nil when the
	// header carries no results of theirs.
	Receiver *Receiver        `json:"receiver"`
	Ignored  []Ignored        `json:"ignored"`
	ARC      []ARCSet         `json:"arc"` // sets of earlier hops (forwarders), oldest first
	SPF      SPFCheck         `json:"spf"`
	DKIM     []Signature      `json:"dkim"`
	DMARC    DMARCCheck       `json:"dmarc"`
	Findings []checks.Finding `json:"findings"`
}

// Check reads text (a whole message or only its header) and gives the
// verdict. An error is bad input (ErrEmpty, ErrNotHeader, ErrTooLarge,
// ErrNoFrom, ErrOtherDomain), or ctx's error when it ended before the
// lookups did: a verdict from cancelled lookups is no verdict, so none is
// given. DNS failures otherwise become temporary findings.
func Check(ctx context.Context, r dnsq.Resolver, text []byte, opts Options) (*Report, error) {
	m, err := ReadMessage(text)
	if err != nil {
		return nil, err
	}
	from, fromDomain, err := FromAddress(m)
	if err != nil {
		return nil, err
	}
	rep := &Report{From: from, FromDomain: fromDomain, Domain: fromDomain, HasBody: m.HasBody(),
		Ignored: []Ignored{}, ARC: []ARCSet{}, DKIM: []Signature{}, Findings: []checks.Finding{}}
	if opts.Domain != "" {
		rep.Domain = strings.TrimSuffix(strings.ToLower(opts.Domain), ".")
		// A verdict on another domain's mail says nothing about this
		// one's; a subdomain (news.example.nl for example.nl) is the same
		// organisation's, under its policy.
		if !dmarc.Aligned(fromDomain, rep.Domain, dmarc.Relaxed) {
			return nil, &OtherDomainError{From: fromDomain, Expected: rep.Domain}
		}
	}
	t := readTrace(m)
	rep.Receiver = t.receiver
	rep.Ignored = append(rep.Ignored, t.ignored...)
	rep.ARC = append(rep.ARC, t.earlier...)

	// SPF, DKIM and the DMARC policy are independent: ask at once.
	var keyFindings []checks.Finding
	sigs := readSignatures(m, fromDomain)
	done := make(chan struct{}, 3)
	go func() { rep.SPF = checkSPF(ctx, r, t, fromDomain); done <- struct{}{} }()
	go func() {
		if m.HasBody() {
			verifySignatures(ctx, r, m, sigs)
		}
		keyFindings = compareKeys(ctx, r, sigs, rep.Domain, opts.ExpectDKIM)
		done <- struct{}{}
	}()
	var policy *policyFound
	go func() { policy = lookupPolicy(ctx, r, fromDomain); done <- struct{}{} }()
	for range 3 {
		<-done
	}
	if err := stopped(ctx); err != nil {
		return nil, fmt.Errorf("verdict: judging the message: %w", err)
	}
	matchReceiver(sigs, t.receiver.methods("dkim"))
	rep.DKIM = append(rep.DKIM, sigs...)
	rep.DMARC = judgeDMARC(policy, rep, t.receiver)
	rep.Passed = rep.DMARC.passed()
	rep.Findings = explain(rep, m, t, opts, policy, keyFindings)
	return rep, nil
}

// stopped is ctx's error once it ended; also in the moment after its
// deadline passed and before ctx says so, as a lookup's own deadline,
// taken from ctx's, can fire first.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// OtherDomainError says the message is from another domain than the one
// expected, and not from a subdomain of it; it is an ErrOtherDomain.
type OtherDomainError struct {
	From, Expected string
}

func (e *OtherDomainError) Error() string {
	return fmt.Sprintf("%v: %s, not %s", ErrOtherDomain, e.From, e.Expected)
}

func (e *OtherDomainError) Unwrap() error { return ErrOtherDomain }

// FromAddress reads the From field: one address, its domain in ASCII.
// RFC 2047 encoded words in the name are decoded, raw UTF-8 is read
// (RFC 6532); a From too broken for net/mail is searched for its last
// address in angle brackets.
func FromAddress(m *Message) (addr, domain string, err error) {
	froms := m.All("From")
	if len(froms) == 0 {
		return "", "", fmt.Errorf("%w: there is no From field", ErrNoFrom)
	}
	value := froms[len(froms)-1].Value // the author's, below any added later
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}
	if list, perr := p.ParseList(value); perr == nil && len(list) > 0 {
		addr = list[0].Address
	} else if i := strings.LastIndexByte(value, '<'); i >= 0 {
		addr, _, _ = strings.Cut(value[i+1:], ">")
	} else {
		addr = strings.TrimSpace(value)
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", "", fmt.Errorf("%w: %q has no address", ErrNoFrom, value)
	}
	domain, derr := transports.NormalizeDomain(strings.Trim(addr[at+1:], "[] "))
	if derr != nil {
		return "", "", fmt.Errorf("%w: the domain of %q: %w", ErrNoFrom, addr, derr)
	}
	return addr, domain, nil
}

// charsetReader decodes the charsets encoded words name (windows-1252,
// iso-8859-15, ...), beyond the UTF-8 and ISO-8859-1 mime knows.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}
