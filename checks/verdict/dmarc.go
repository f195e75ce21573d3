package verdict

import (
	"context"

	"mailwizard/checks"
	"mailwizard/checks/dmarc"
	"mailwizard/checks/dnsq"
)

// DMARCCheck is the From domain's DMARC policy and how the message fares
// under it (RFC 7489 section 6.6.2: pass if SPF or DKIM passes for an
// identifier aligned with the From domain).
type DMARCCheck struct {
	Name    string `json:"name"`   // where the record was found
	Record  string `json:"record"` // "" when none is published
	Policy  string `json:"policy"` // none, quarantine or reject; "" without a record that applies
	Percent int    `json:"pct"`
	ADKIM   string `json:"adkim"` // r or s
	ASPF    string `json:"aspf"`
	// Several says the domain publishes more than one record: receivers
	// apply none of them (RFC 7489 section 6.6.3), so Policy is "".
	Several bool `json:"several_records,omitempty"`
	// Receiver is the receiver's dmarc result; "" when it gave none.
	// Microsoft's bestguesspass is an aligned pass without a policy.
	Receiver string `json:"receiver"`
	// Conflict says why the receiver's dmarc=pass is not taken as the
	// verdict (conflict.go): "recheck-fails", "no-signature" or
	// "unbacked"; "" when there is none.
	Conflict string `json:"conflict,omitempty"`
	// Result is ours: pass, fail, none (no policy applies: nothing can
	// fail, SPFAligned and DKIMAligned say what would pass), temperror (a
	// lookup it depends on got no answer) or unknown (nothing aligned is
	// known to pass, and what could is not known: a signature that could
	// not be checked, or SPF for an address the header does not show).
	Result string `json:"result"`
	// SPFAligned and DKIMAligned: that identifier is known to have passed
	// and is aligned in the policy's mode (relaxed without a policy).
	SPFAligned  bool `json:"spf_aligned"`
	DKIMAligned bool `json:"dkim_aligned"`
	// Disposition is what the policy asks receivers to do with this
	// message: none, quarantine or reject; "" when it passes.
	Disposition string `json:"disposition"`
	// unknown: an aligned identifier might pass, but whether it does is
	// not known (also without a policy).
	unknown bool
}

// receiverSaid says whether the receiver's dmarc result decided, and
// how: pass (or bestguesspass) or fail. Other results (none, temperror,
// permerror), and a pass in conflict with the message, leave it to ours.
func (d DMARCCheck) receiverSaid() (decided, pass bool) {
	switch {
	case d.Conflict != "":
		return false, false
	case d.Receiver == "pass", d.Receiver == "bestguesspass":
		return true, true
	case d.Receiver == "fail":
		return true, false
	}
	return false, false
}

// passed reports whether the message passes DMARC: the receiver's word
// when it decided (that decided the delivery), else ours; without a
// policy, an aligned identifier that passed is a pass.
func (d DMARCCheck) passed() bool {
	if decided, pass := d.receiverSaid(); decided {
		return pass
	}
	return d.Result == "pass" || d.Result == "none" && (d.SPFAligned || d.DKIMAligned)
}

// Verdict is the outcome in one word, for the faces' headline: "pass",
// "pass-no-policy" (aligned, but no policy applies), "unaligned-no-policy"
// (nothing aligned passed, and no policy applies), "unknown" or "fail".
func (r *Report) Verdict() string {
	d := r.DMARC
	switch {
	case r.Passed && d.Result == "none":
		return "pass-no-policy"
	case r.Passed:
		return "pass"
	case d.Result == "none" && d.unknown:
		return "unknown"
	case d.Result == "none":
		return "unaligned-no-policy"
	}
	if decided, _ := d.receiverSaid(); !decided && (d.Result == "unknown" || d.Result == "temperror") {
		return "unknown"
	}
	return "fail"
}

// policyFound is the DMARC policy looked up with checks/dmarc.
type policyFound struct {
	res *dmarc.Result
	// unknown: the lookup got no answer; its findings say so.
	unknown bool
}

func lookupPolicy(ctx context.Context, r dnsq.Resolver, domain string) *policyFound {
	res := dmarc.Check(ctx, r, domain, dmarc.Sending{})
	p := &policyFound{res: res}
	for _, f := range res.Findings {
		if f.Severity == checks.Error && f.Temporary {
			p.unknown = true
		}
	}
	return p
}

// judgeDMARC applies the policy to what SPF and DKIM gave. Only what is
// known counts: an identifier that might pass (a signature not checked,
// SPF for an address not shown) makes the result unknown, never fail.
func judgeDMARC(p *policyFound, rep *Report, recv *Receiver) DMARCCheck {
	d := DMARCCheck{Name: p.res.Name, Record: p.res.Record, Policy: p.res.Policy, Percent: p.res.Percent,
		ADKIM: orMode(p.res.ADKIM), ASPF: orMode(p.res.ASPF), Several: p.res.Several}
	if d.Several {
		d.Policy = ""
	}
	if m, ok := recv.first("dmarc"); ok {
		d.Receiver = m.Result
	}
	spfKnown, spfPass := rep.SPF.outcome()
	spfCounts := rep.SPF.Domain == "" || rep.SPF.Aligned.in(d.ASPF) // unknown domain: it might align
	d.SPFAligned = spfPass && rep.SPF.Aligned.in(d.ASPF)
	d.unknown = !spfKnown && spfCounts
	temporary := p.unknown || d.unknown && rep.SPF.Result == "temperror"
	for _, s := range rep.DKIM {
		if !s.Aligned.in(d.ADKIM) {
			continue
		}
		switch known, pass := s.outcome(); {
		case pass:
			d.DKIMAligned = true
		case !known:
			d.unknown = true
			temporary = temporary || s.Result == "temperror"
		}
	}
	switch {
	case p.unknown:
		d.Result = "temperror"
	case d.Record == "" || d.Several:
		d.Result = "none"
	case d.SPFAligned || d.DKIMAligned:
		d.Result = "pass"
	case temporary:
		d.Result = "temperror"
	case d.unknown:
		d.Result = "unknown"
	default:
		d.Result = "fail"
	}
	d.Conflict = conflictWith(rep, recv, d)
	decided, pass := d.receiverSaid()
	if d.Policy != "" && !d.passed() && (decided && !pass || d.Result == "fail") {
		d.Disposition = d.Policy
	}
	return d
}

// orMode is an alignment mode, relaxed when the record does not say
// (RFC 7489 section 6.3).
func orMode(m string) string {
	if m == dmarc.Strict {
		return dmarc.Strict
	}
	return dmarc.Relaxed
}
