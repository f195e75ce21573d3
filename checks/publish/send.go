package publish

import (
	"context"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// fudge is the clock difference a TSIG signature allows, the value RFC
// 8945 section 10 recommends.
const fudge = 300

// Result is an update the primary accepted.
type Result struct {
	Primary Primary
	Sent    int           // records added or replaced; 0 when all were there
	Serial  uint32        // the zone's serial on the primary afterwards; 0 if unknown
	Took    time.Duration // from sending to the answer
}

// Send signs the plan's update with key (RFC 8945 section 5.1) and sends
// it to the primary over TCP, at now's time (nil: the system clock).
// The answer must carry a valid signature. A plan with nothing pending
// sends nothing. Failures are *Error, worded by Explain.
func Send(ctx context.Context, plan *Plan, key Key, now func() time.Time) (*Result, error) {
	res := &Result{Primary: plan.Primary}
	if !plan.Pending() {
		return res, nil
	}
	if now == nil {
		now = time.Now
	}
	m := plan.Update.Copy()
	m.Id = dns.Id()
	signed := now()
	m.SetTsig(key.Name, key.Algorithm, fudge, signed.Unix())
	fail := &Error{Kind: Answered, Server: plan.Primary.String(), Zone: plan.Zone.Name, Key: key.Name, Algorithm: key.AlgorithmName(), Grants: plan.grants(), Windows: plan.Windows}
	if mname := plan.mname(); plan.Primary.Given && mname != "" && !strings.EqualFold(mname, plan.Primary.Host) {
		fail.MName = mname
	}
	start := time.Now()
	r, err := exchange(ctx, plan.Primary.Addr, m, map[string]string{key.Name: key.Secret})
	res.Took = time.Since(start)
	if r == nil || (err != nil && !isTSIGError(err)) {
		fail.Kind, fail.Err, fail.Sent = Unreachable, err, !notSent(err)
		return nil, fail
	}
	if t := r.IsTsig(); t != nil && t.Error != 0 {
		// RFC 8945 section 5.3.2: BADSIG and BADKEY come with RCODE NOTAUTH
		// and an unsigned TSIG; BADTIME is signed and carries the
		// server's clock in Other Data (section 5.2.3).
		fail.TSIGError = t.Error
		if t.Error == dns.RcodeBadTime {
			if at, ok := otherTime(t); ok {
				fail.ServerTime = at
				fail.Skew = at.Sub(time.Unix(signed.Unix(), 0))
			}
		}
		return nil, fail
	}
	if r.Rcode != dns.RcodeSuccess {
		fail.Rcode = r.Rcode
		return nil, fail
	}
	// NOERROR, but not from the key's holder: the update may have been
	// applied, or the answer forged.
	switch {
	case r.IsTsig() == nil:
		fail.Kind, fail.Sent = Unsigned, true
		return nil, fail
	case err != nil:
		fail.Kind, fail.Err, fail.Sent = Unverified, err, true
		return nil, fail
	}
	for _, s := range plan.Steps {
		if s.Action != Keep {
			res.Sent++
		}
	}
	if soa, err := ask(ctx, plan.Primary.Addr, plan.Zone.Name, dns.TypeSOA, dns.ClassINET); err == nil {
		for _, rr := range soa.Answer {
			if s, ok := rr.(*dns.SOA); ok {
				res.Serial = s.Serial
			}
		}
	}
	return res, nil
}

// isTSIGError is miekg/dns's word that the answer came but its TSIG was
// not accepted: ErrAuth for any answer with RCODE NOTAUTH, ErrSig and
// ErrTime when the signature or its time did not verify. The answer is
// still there to read.
func isTSIGError(err error) bool {
	return errors.Is(err, dns.ErrAuth) || errors.Is(err, dns.ErrSig) || errors.Is(err, dns.ErrTime) ||
		errors.Is(err, dns.ErrSecret) || errors.Is(err, dns.ErrKeyAlg)
}

// notSent reports an exchange that failed before the update left: no
// connection to the primary (a dial error), or no signature made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" || errors.Is(err, dns.ErrSecret) || errors.Is(err, dns.ErrKeyAlg)
}

// otherTime reads the 48-bit server time of a BADTIME answer.
func otherTime(t *dns.TSIG) (time.Time, bool) {
	raw, err := hex.DecodeString(t.OtherData)
	if err != nil || len(raw) != 6 {
		return time.Time{}, false
	}
	var secs int64
	for _, b := range raw {
		secs = secs<<8 | int64(b)
	}
	return time.Unix(secs, 0), true
}

// grants are the names and types the plan changes, for the policy a
// REFUSED asks for.
func (p *Plan) grants() []Grant {
	var out []Grant
	for _, s := range p.Steps {
		if s.Action != Keep {
			out = append(out, Grant{Name: s.Change.Name, Type: dns.TypeToString[s.Change.Type]})
		}
	}
	return out
}

// mname is the primary the zone's SOA names, without the root dot.
func (p *Plan) mname() string {
	if p.Zone == nil || p.Zone.SOA == nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(p.Zone.SOA.Ns), ".")
}

// Names are the names the plan changes, without the root dot.
func (p *Plan) Names() []string {
	var out []string
	for _, g := range p.grants() {
		out = append(out, strings.TrimSuffix(g.Name, "."))
	}
	return out
}
