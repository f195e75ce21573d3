package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// Result is an SPF verdict (RFC 7208 section 2.6).
type Result string

const (
	None      Result = "none"
	Neutral   Result = "neutral"
	Pass      Result = "pass"
	Fail      Result = "fail"
	SoftFail  Result = "softfail"
	TempError Result = "temperror"
	PermError Result = "permerror"
)

// Limits of RFC 7208 section 4.6.4.
const (
	MaxLookups     = 10 // DNS-querying terms in one evaluation
	MaxVoidLookups = 2  // lookups that found nothing
	maxMXAddrs     = 10 // MX names an mx mechanism may look up
	maxPTRNames    = 10 // PTR names a ptr mechanism checks
)

// Evaluator runs check_host() over a resolver.
type Evaluator struct {
	Resolver dnsq.Resolver
	// Receiver is the receiving host's domain for the %{r} macro.
	Receiver string
	// Now is the clock for %{t}; time.Now when nil.
	Now func() time.Time
}

// Step is one term evaluated, for the trace shown to people.
type Step struct {
	Domain string `json:"domain"`
	Term   string `json:"term"`
	Note   string `json:"note,omitempty"`
	Depth  int    `json:"depth,omitempty"`
}

// Verdict is the outcome of an evaluation and how it came about.
type Verdict struct {
	Result      Result `json:"result"`
	Explanation string `json:"explanation,omitempty"` // from exp= on fail
	Problem     string `json:"problem,omitempty"`     // why permerror or temperror
	Matched     string `json:"matched,omitempty"`     // the term that decided
	Domain      string `json:"domain"`                // where the evaluation started
	Lookups     int    `json:"lookups"`
	VoidLookups int    `json:"void_lookups"`
	Trace       []Step `json:"trace,omitempty"`
}

// CheckHost evaluates the SPF policy of the sender's domain for mail from
// ip. An empty sender means the bounce case: postmaster@helo (RFC 7208
// section 2.4).
func (e *Evaluator) CheckHost(ctx context.Context, ip netip.Addr, sender, helo string) Verdict {
	ip = ip.Unmap()
	local, domain, ok := strings.Cut(sender, "@")
	if sender == "" || !ok {
		local, domain = "postmaster", helo
		if ok {
			local, domain, _ = strings.Cut(sender, "@")
		}
	}
	if local == "" {
		local = "postmaster"
	}
	ev := &evaluation{e: e, ctx: ctx, ip: ip, helo: helo, local: local, senderDomain: strings.TrimSuffix(domain, ".")}
	v := Verdict{Domain: ev.senderDomain}
	res, matched, err := ev.checkHost(ev.senderDomain, 0)
	v.Result, v.Matched = res, matched
	if err != nil {
		v.Problem = err.Error()
	}
	v.Explanation = ev.explanation
	v.Lookups, v.VoidLookups, v.Trace = ev.lookups, ev.voids, ev.trace
	return v
}

type evaluation struct {
	e            *Evaluator
	ctx          context.Context
	ip           netip.Addr
	helo         string
	local        string
	senderDomain string
	lookups      int
	voids        int
	trace        []Step
	explanation  string
}

var (
	errTooManyLookups = errors.New("more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect): receivers stop with permerror (RFC 7208 section 4.6.4)")
	errTooManyVoids   = errors.New("more than 2 terms looked up names that do not exist or have no records (RFC 7208 section 4.6.4)")
)

func (ev *evaluation) env(domain string) *macroEnv {
	return &macroEnv{
		sender: ev.local + "@" + ev.senderDomain, local: ev.local, senderD: ev.senderDomain,
		domain: domain, ip: ev.ip, helo: ev.helo, receiver: ev.e.Receiver, now: ev.e.Now,
		ptr: func() string { return ev.validatedName(domain) },
	}
}

func (ev *evaluation) step(depth int, domain, term, note string) {
	ev.trace = append(ev.trace, Step{Domain: domain, Term: term, Note: note, Depth: depth})
}

// validDomain is the check of RFC 7208 section 4.3: a name that is not a
// multi-label domain with labels of 1-63 octets gives "none". Labels may
// hold any printable ASCII: macros can expand to such names and DNS allows
// them; internationalised names are converted by the resolver.
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	_, err := dnsq.FQDN(d)
	return err == nil
}

// fetch returns the single SPF record of domain.
func (ev *evaluation) fetch(domain string) (*Record, Result, error) {
	res, err := ev.e.Resolver.Lookup(ev.ctx, domain, dns.TypeTXT)
	if err != nil {
		return nil, TempError, fmt.Errorf("looking up the SPF record of %s: %w", domain, err)
	}
	var found []string
	for _, txt := range res.TXT() {
		if IsSPF(txt) {
			found = append(found, txt)
		}
	}
	switch len(found) {
	case 0:
		return nil, None, fmt.Errorf("%s has no SPF record", domain)
	case 1:
	default:
		return nil, PermError, fmt.Errorf("%s has %d SPF records; a domain may have only one (RFC 7208 section 4.5)", domain, len(found))
	}
	rec, err := Parse(found[0])
	if err != nil {
		return nil, PermError, fmt.Errorf("the SPF record of %s: %w", domain, err)
	}
	return rec, "", nil
}

// checkHost is check_host() of RFC 7208 section 4.
func (ev *evaluation) checkHost(domain string, depth int) (Result, string, error) {
	if !validDomain(domain) {
		return None, "", fmt.Errorf("%q is not a domain that can have an SPF record", domain)
	}
	rec, res, err := ev.fetch(domain)
	if rec == nil {
		ev.step(depth, domain, "", err.Error())
		return res, "", err
	}
	for _, m := range rec.Mechanisms {
		match, err := ev.mechanism(m, domain, depth)
		if err != nil {
			var te *tempError
			if errors.As(err, &te) {
				return TempError, m.Raw, err
			}
			return PermError, m.Raw, err
		}
		if match {
			r := qualifierResult(m.Qualifier)
			if r == Fail && rec.Exp != nil {
				ev.explanation = ev.explain(rec.Exp.Value, domain)
			}
			return r, m.Raw, nil
		}
	}
	if rec.Redirect != nil {
		if err := ev.count(); err != nil {
			return PermError, rec.Redirect.Raw, err
		}
		target, err := expandDomain(rec.Redirect.Value, ev.env(domain))
		if err != nil || !validDomain(target) {
			return PermError, rec.Redirect.Raw, fmt.Errorf("redirect= target %q is not a domain", target)
		}
		ev.step(depth, domain, rec.Redirect.Raw, "")
		ev.explanation = ""
		r, matched, err := ev.checkHost(target, depth+1)
		if r == None {
			return PermError, rec.Redirect.Raw, fmt.Errorf("redirect= target %s has no SPF record (RFC 7208 section 6.1)", target)
		}
		return r, matched, err
	}
	return Neutral, "", nil
}

func qualifierResult(q byte) Result {
	switch q {
	case '-':
		return Fail
	case '~':
		return SoftFail
	case '?':
		return Neutral
	}
	return Pass
}

// tempError marks DNS failures, which end the evaluation with temperror.
type tempError struct{ err error }

func (e *tempError) Error() string { return e.err.Error() }
func (e *tempError) Unwrap() error { return e.err }

func (ev *evaluation) count() error {
	ev.lookups++
	if ev.lookups > MaxLookups {
		return errTooManyLookups
	}
	return nil
}

func (ev *evaluation) void() error {
	ev.voids++
	if ev.voids > MaxVoidLookups {
		return errTooManyVoids
	}
	return nil
}

// lookup asks DNS and turns failures into temperror and empty answers into
// void lookups.
func (ev *evaluation) lookup(name string, qtype uint16, countVoid bool) ([]dns.RR, error) {
	res, err := ev.e.Resolver.Lookup(ev.ctx, name, qtype)
	if err != nil {
		return nil, &tempError{err}
	}
	if res.Outcome != dnsq.Answer && countVoid {
		if err := ev.void(); err != nil {
			return nil, err
		}
	}
	return res.Records, nil
}
