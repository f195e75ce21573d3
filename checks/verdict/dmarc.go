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
	Policy  string `json:"policy"` // none, quarantine or reject; "" without a record
	Percent int    `json:"pct"`
	ADKIM   string `json:"adkim"` // r or s
	ASPF    string `json:"aspf"`
	// Receiver is the receiver's dmarc result; "" when it gave none.
	Receiver string `json:"receiver"`
	// Result is ours: pass, fail, none (no policy published: no verdict),
	// temperror (a lookup it depends on got no answer) or unknown (no
	// DKIM signature verifies, and the header does not show where the
	// message came from, so SPF cannot be judged).
	Result string `json:"result"`
	// SPFAligned and DKIMAligned: that identifier passed and is aligned
	// in the policy's mode (relaxed without a policy).
	SPFAligned  bool `json:"spf_aligned"`
	DKIMAligned bool `json:"dkim_aligned"`
	// Disposition is what the policy asks receivers to do with this
	// message: none, quarantine or reject; "" when it passes.
	Disposition string `json:"disposition"`
}

// passed reports whether the message passes DMARC: the receiver's word
// when it gave one (that decided the delivery), else ours.
func (d DMARCCheck) passed() bool {
	if d.Receiver != "" {
		return d.Receiver == "pass"
	}
	return d.Result == "pass"
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

// judgeDMARC applies the policy to what SPF and DKIM gave.
func judgeDMARC(p *policyFound, rep *Report, recv *Receiver) DMARCCheck {
	d := DMARCCheck{Name: p.res.Name, Record: p.res.Record, Policy: p.res.Policy, Percent: p.res.Percent,
		ADKIM: orMode(p.res.ADKIM), ASPF: orMode(p.res.ASPF)}
	if m, ok := recv.first("dmarc"); ok {
		d.Receiver = m.Result
	}
	d.SPFAligned = rep.SPF.passed() && rep.SPF.Aligned.in(d.ASPF)
	unknown := p.unknown || (rep.SPF.Result == "temperror" && rep.SPF.Receiver == "")
	for _, s := range rep.DKIM {
		if !s.Aligned.in(d.ADKIM) {
			continue
		}
		switch {
		case s.Result == "pass" || s.Result == "unchecked" && s.Receiver == "pass":
			d.DKIMAligned = true
		case s.Result == "temperror":
			unknown = true
		}
	}
	switch {
	case p.unknown:
		d.Result = "temperror"
	case d.Record == "":
		d.Result = "none"
	case d.SPFAligned || d.DKIMAligned:
		d.Result = "pass"
	case unknown:
		d.Result = "temperror"
	case rep.SPF.Result == "" && rep.SPF.Receiver == "":
		// No connecting address and no receiver's word: SPF is not known,
		// so neither is a failure.
		d.Result = "unknown"
	default:
		d.Result = "fail"
	}
	if !d.passed() && d.Policy != "" && (d.Receiver == "fail" || d.Result == "fail") {
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
