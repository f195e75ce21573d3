package verdict

import (
	"mailwizard/checks"
)

// spf explains SPF: not evaluated, failed, passed for a domain that is
// not aligned, or judged differently by the receiver than now.
func (e *explainer) spf() {
	s := e.rep.SPF
	switch {
	case s.internal:
		e.add(checks.Info, CodeSPFUnchecked,
			checks.T("verdict.spf-unchecked.internal", "the results were added where the message came from %s, an address inside the receiver's network: the header does not show where it entered, so SPF was not evaluated again", s.IP), checks.Text{})
		return // what the receiver's SPF said is about its own network, not the sender
	case s.IP == "":
		e.add(checks.Info, CodeSPFUnchecked,
			checks.T("verdict.spf-unchecked", "the header does not show the address the message came from, so SPF was not evaluated again"), checks.Text{})
	case s.Result == "temperror":
		e.add(checks.Warning, CodeSPFUnchecked,
			checks.T("verdict.spf-unchecked.temporary", "SPF could not be evaluated now: %s", checks.Verbatim(s.Problem)), checks.Text{})
	}
	result := s.Result
	if result == "" || result == "temperror" {
		result = s.Receiver
	}
	mode := e.rep.DMARC.ASPF
	switch result {
	case "pass":
		if s.Aligned.in(mode) {
			break
		}
		sev := checks.Warning
		if e.rep.DMARC.DKIMAligned {
			sev = checks.Info // DKIM carries DMARC; this only explains
		}
		if mode == "s" && s.Aligned.Relaxed {
			e.add(sev, CodeSPFNotAligned,
				checks.T("verdict.spf-not-aligned.strict", "SPF passed for the bounce domain %s, a subdomain of %s, but the policy's strict alignment (aspf=s) counts only %s itself, so only DKIM can carry DMARC", s.Domain, e.rep.FromDomain, e.rep.FromDomain), checks.Text{})
		} else {
			e.add(sev, CodeSPFNotAligned,
				checks.T("verdict.spf-not-aligned", "SPF passed for the bounce domain %s, but it is not aligned with your From domain %s, so only DKIM can carry DMARC", s.Domain, e.rep.FromDomain), checks.Text{})
		}
	case "fail", "softfail", "hardfail":
		if s.Guessed {
			e.add(checks.Info, CodeSPFUnchecked,
				checks.T("verdict.spf-fail.guessed", "SPF gives %s for %s from %s, the topmost hop from outside; without the receiving server's own results, that is only a guess at where the message entered, so it does not count as a failure", result, orDash(s.Domain), s.IP), checks.Text{})
			break
		}
		if len(e.rep.ARC) > 0 {
			e.add(checks.Warning, CodeSPFFail,
				checks.T("verdict.spf-fail.forwarded", "SPF gives %s for %s from %s: the message came through a forwarder, whose servers the SPF record cannot list; that is expected for forwarded mail, and DKIM must carry DMARC", result, s.Domain, s.IP), checks.Text{})
			break
		}
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail", "SPF gives %s: %s is not allowed to send mail for %s", result, s.IP, s.Domain), checks.Text{})
	case "none", "neutral":
		if s.Guessed {
			break // a guessed address: the SPF domain says nothing about it either way
		}
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail.none", "SPF gives %s for %s: its record does not name %s either way, or it has none", result, s.Domain, s.IP), checks.Text{})
	case "permerror":
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail.permerror", "the SPF record of %s is broken, so receivers ignore it: %s", s.Domain, checks.Verbatim(s.Problem)), checks.Text{})
	}
	if s.Receiver != "" && s.Result != "" && s.Result != "temperror" && normalSPF(s.Receiver) != s.Result {
		e.add(checks.Warning, CodeDNSChanged,
			checks.T("verdict.dns-changed.spf.maybe", "%s saw spf=%s, and SPF gives %s now for %s and %s: the SPF records may have changed since delivery, or the receiver's result is for another hop or address than the one the header shows", e.receiverWords(), s.Receiver, s.Result, s.IP, orDash(s.Domain)), checks.Text{})
	}
}

// normalSPF maps the older name hardfail (RFC 5451) to fail.
func normalSPF(r string) string {
	if r == "hardfail" {
		return "fail"
	}
	return r
}
