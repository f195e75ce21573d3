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
		if len(e.rep.ARC) > 0 {
			e.add(checks.Warning, CodeSPFFail,
				checks.T("verdict.spf-fail.forwarded", "SPF gives %s for %s from %s: the message came through a forwarder, whose servers the SPF record cannot list; that is expected for forwarded mail, and DKIM must carry DMARC", result, s.Domain, s.IP), checks.Text{})
			break
		}
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail", "SPF gives %s: %s is not allowed to send mail for %s", result, s.IP, s.Domain), checks.Text{})
	case "none", "neutral":
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail.none", "SPF gives %s for %s: its record does not name %s either way, or it has none", result, s.Domain, s.IP), checks.Text{})
	case "permerror":
		e.add(checks.Warning, CodeSPFFail,
			checks.T("verdict.spf-fail.permerror", "the SPF record of %s is broken, so receivers ignore it: %s", s.Domain, checks.Verbatim(s.Problem)), checks.Text{})
	}
	if s.Receiver != "" && s.Result != "" && s.Result != "temperror" && normalSPF(s.Receiver) != s.Result {
		e.add(checks.Warning, CodeDNSChanged,
			checks.T("verdict.dns-changed.spf", "%s saw spf=%s, and SPF gives %s now for the same address and sender: the SPF records changed since delivery", e.receiverWords(), s.Receiver, s.Result), checks.Text{})
	}
}

// normalSPF maps the older name hardfail (RFC 5451) to fail.
func normalSPF(r string) string {
	if r == "hardfail" {
		return "fail"
	}
	return r
}

// dmarcOutcome is the verdict: DMARC passes, would pass without a
// policy, fails (and what the policy does with it), or is unknown.
func (e *explainer) dmarcOutcome() {
	d, from := e.rep.DMARC, e.rep.FromDomain
	how := e.passedBy()
	switch {
	case e.rep.Passed && d.Receiver == "pass":
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass.receiver", "DMARC passes for %s: %s said dmarc=pass%s", from, e.receiverWords(), how), checks.Text{})
		if d.Result == "fail" {
			e.add(checks.Warning, CodeDNSChanged,
				checks.T("verdict.dns-changed.dmarc-fails", "%s saw dmarc=pass, but the same message would fail DMARC now: DNS changed since delivery", e.receiverWords()), checks.Text{})
		}
		return
	case e.rep.Passed:
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass", "DMARC passes for %s%s", from, how), checks.Text{})
		return
	case d.Result == "none" && (d.SPFAligned || d.DKIMAligned) && d.Receiver == "":
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass.no-policy", "the message would pass DMARC%s, but %s publishes no DMARC policy yet", how, from), checks.Text{})
		return
	case d.Result == "unknown" && d.Receiver == "":
		e.add(checks.Error, CodeDMARCUnknown,
			checks.T("verdict.dmarc-unknown.no-trace", "whether the message passes DMARC for %s is unknown: no aligned DKIM signature verifies, and the header does not show where the message came from, so SPF cannot be judged", from),
			checks.T("verdict.dmarc-unknown.fix.no-trace", "Paste the message as it arrived in the receiving mailbox."))
		return
	case d.Result == "temperror" && d.Receiver == "":
		if !e.policy.unknown { // else checks/dmarc's finding says which lookup failed
			f := checks.Finding{Check: "verdict", Severity: checks.Error, Code: CodeDMARCUnknown, Temporary: true}.Say(
				checks.T("verdict.dmarc-unknown", "whether the message passes DMARC for %s is unknown until DNS answers the lookups above", from), checks.Text{})
			e.out = append(e.out, f)
		}
		return
	}
	var msg checks.Text
	code := CodeDMARCFails
	switch {
	case d.Policy == "reject" && d.Percent < 100:
		code, msg = CodeDMARCReject, checks.T("verdict.dmarc-would-reject.pct", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=reject (pct=%d) tells receivers to reject %d%% of such mail and to put the rest in the spam folder", from, d.Percent, d.Percent)
	case d.Policy == "reject":
		code, msg = CodeDMARCReject, checks.T("verdict.dmarc-would-reject", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=reject tells receivers to reject such mail", from)
	case d.Policy == "quarantine":
		code, msg = CodeDMARCQuarantine, checks.T("verdict.dmarc-would-quarantine", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=quarantine sends such mail to the spam folder", from)
	case d.Policy == "none":
		msg = checks.T("verdict.dmarc-fails.none", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass. Its policy p=none lets such mail through for now, but Gmail, Yahoo and Microsoft require bulk senders to pass DMARC", from)
	default:
		msg = checks.T("verdict.dmarc-fails", "DMARC would fail for %s: no aligned DKIM signature and no aligned SPF pass. It publishes no policy, so nothing happens yet, but Gmail, Yahoo and Microsoft require bulk senders to pass DMARC", from)
	}
	e.add(checks.Error, code, msg, checks.Text{})
	if d.Receiver != "" && d.Receiver != "pass" && d.Result == "pass" {
		e.add(checks.Warning, CodeDNSChanged,
			checks.T("verdict.dns-changed.dmarc-passes", "%s saw dmarc=%s, but the same message passes DMARC now: DNS changed since delivery", e.receiverWords(), d.Receiver),
			checks.T("verdict.dns-changed.fix.dmarc-passes", "Send a new message and paste it, to prove that mail passes now."))
	}
}

// passedBy words which aligned identifiers pass: " through an aligned
// DKIM signature (d=example.nl) and aligned SPF (bounce.example.nl)".
func (e *explainer) passedBy() checks.Text {
	d := e.rep.DMARC
	var dkimDomain string
	for _, s := range e.rep.DKIM {
		if s.passed() && s.Aligned.in(d.ADKIM) {
			dkimDomain = s.Domain
			break
		}
	}
	switch {
	case d.DKIMAligned && d.SPFAligned:
		return checks.T("verdict.passed-by.both", " (an aligned DKIM signature, d=%s, and aligned SPF for %s)", dkimDomain, e.rep.SPF.Domain)
	case d.DKIMAligned:
		return checks.T("verdict.passed-by.dkim", " (an aligned DKIM signature, d=%s)", dkimDomain)
	case d.SPFAligned:
		return checks.T("verdict.passed-by.spf", " (aligned SPF for %s)", e.rep.SPF.Domain)
	}
	return checks.Verbatim("")
}
