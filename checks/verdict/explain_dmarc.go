package verdict

import "mailwizard/checks"

// dmarcOutcome is the verdict: DMARC passes, would pass but no policy
// applies, fails (and what the policy does with it), or is unknown (and
// what is missing to know it). Only a failure is an error: without a
// policy there is nothing to fail, and an unknown is said to be unknown.
func (e *explainer) dmarcOutcome() {
	d := e.rep.DMARC
	e.conflict()
	if d.Result == "none" {
		e.noPolicy()
		return
	}
	decided, pass := d.receiverSaid()
	switch {
	case decided && pass:
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass.receiver-said", "DMARC passes for %s: %s said dmarc=%s%s", e.rep.FromDomain, e.receiverWords(), d.Receiver, e.passedBy()), checks.Text{})
		return
	case decided:
	case d.Result == "pass":
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass", "DMARC passes for %s%s", e.rep.FromDomain, e.passedBy()), checks.Text{})
		return
	case d.Result == "unknown":
		e.unknown()
		return
	case d.Result == "temperror":
		if !e.policy.unknown { // else checks/dmarc's finding says which lookup failed
			e.out = append(e.out, checks.Finding{Check: "verdict", Severity: checks.Error, Code: CodeDMARCUnknown, Temporary: true}.Say(
				checks.T("verdict.dmarc-unknown", "whether the message passes DMARC for %s is unknown until DNS answers the lookups above", e.rep.FromDomain), checks.Text{}))
		}
		return
	}
	e.failure()
	if d.Receiver == "fail" && d.Result == "pass" {
		e.add(checks.Warning, CodeDNSChanged,
			checks.T("verdict.dns-changed.dmarc-passes.maybe", "%s saw dmarc=fail, but checked again the same message passes DMARC: DNS may have changed since delivery, or the receiver judged another hop or address than the one the header shows", e.receiverWords()),
			checks.T("verdict.dns-changed.fix.dmarc-passes", "Send a new message and paste it, to prove that mail passes now."))
	}
}

// failure says that DMARC fails and what the policy asks receivers to do
// with the message (RFC 7489 section 6.6.4: pct= applies the policy to
// that share, and the next lower one to the rest).
func (e *explainer) failure() {
	d, from := e.rep.DMARC, e.rep.FromDomain
	var msg checks.Text
	code := CodeDMARCFails
	switch {
	case d.Result == "temperror":
		msg = checks.T("verdict.dmarc-fails.policy-unknown", "DMARC fails for %s: %s said dmarc=fail; what its policy asks receivers to do is unknown until DNS answers", from, e.receiverWords())
	case d.Policy == "reject" && d.Percent < 100:
		code, msg = CodeDMARCReject, checks.T("verdict.dmarc-would-reject.pct", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=reject (pct=%d) tells receivers to reject %d%% of such mail and to put the rest in the spam folder", from, d.Percent, d.Percent)
	case d.Policy == "reject":
		code, msg = CodeDMARCReject, checks.T("verdict.dmarc-would-reject", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=reject tells receivers to reject such mail", from)
	case d.Policy == "quarantine" && d.Percent < 100:
		code, msg = CodeDMARCQuarantine, checks.T("verdict.dmarc-would-quarantine.pct", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=quarantine (pct=%d) sends %d%% of such mail to the spam folder and lets the rest through", from, d.Percent, d.Percent)
	case d.Policy == "quarantine":
		code, msg = CodeDMARCQuarantine, checks.T("verdict.dmarc-would-quarantine", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass, and its policy p=quarantine sends such mail to the spam folder", from)
	default:
		msg = checks.T("verdict.dmarc-fails.none", "DMARC fails for %s: no aligned DKIM signature and no aligned SPF pass. Its policy p=none lets such mail through for now, but Gmail, Yahoo and Microsoft require bulk senders to pass DMARC", from)
	}
	e.add(checks.Error, code, msg, checks.Text{})
}

// noPolicy: no DMARC policy applies (none published, or several), so
// nothing can fail. It says what is aligned; publishing a policy is
// checks/dmarc's advice (dmarc.missing), passed on once by
// policyFindings.
func (e *explainer) noPolicy() {
	d, from := e.rep.DMARC, e.rep.FromDomain
	why := checks.T("verdict.no-policy", "%s publishes no DMARC policy yet", from)
	if d.Several {
		why = checks.T("verdict.no-policy.several", "receivers apply no DMARC policy while %s holds several records", d.Name)
	}
	switch decided, pass := d.receiverSaid(); {
	case d.SPFAligned || d.DKIMAligned:
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass.no-policy.why", "the message would pass DMARC%s, but %s", e.passedBy(), why), checks.Text{})
	case decided && pass:
		e.add(checks.Info, CodeDMARCPass, checks.T("verdict.dmarc-pass.no-policy.receiver", "%s said dmarc=%s: the message is aligned with %s, but %s", e.receiverWords(), d.Receiver, from, why), checks.Text{})
	case d.unknown:
		reasons, fix := e.missing()
		e.add(checks.Warning, CodeDMARCUnknown, checks.T("verdict.dmarc-unknown.no-policy", "whether the message is aligned with %s is unknown: %s; and %s", from, reasons, why), fix)
	default:
		e.add(checks.Warning, CodeDMARCNoPolicy, checks.T("verdict.dmarc-no-policy.unaligned", "nothing in the message is aligned with %s (no aligned DKIM signature and no aligned SPF pass); %s, so nothing is enforced yet, but once a policy is published such mail fails DMARC, and Gmail, Yahoo and Microsoft require bulk senders to pass it", from, why), checks.Text{})
	}
}

// unknown: whether the message passes is not known, and what is missing
// to know it.
func (e *explainer) unknown() {
	reasons, fix := e.missing()
	e.add(checks.Warning, CodeDMARCUnknown, checks.T("verdict.dmarc-unknown.why", "whether the message passes DMARC for %s is unknown: %s", e.rep.FromDomain, reasons), fix)
}

// missing words what keeps an aligned identifier unknown, and what to
// paste to know it.
func (e *explainer) missing() (checks.Text, checks.Text) {
	var parts []checks.Text
	if s := e.rep.SPF; s.Domain == "" || s.Aligned.in(e.rep.DMARC.ASPF) {
		switch known, _ := s.outcome(); {
		case known:
		case s.internal:
			parts = append(parts, checks.T("verdict.missing.spf-internal", "the results were added at a hop from %s, inside the receiver's network, so SPF cannot be judged for the sender", s.IP))
		case s.Guessed:
			parts = append(parts, checks.T("verdict.missing.spf-guessed", "without the receiving server's own results, the address SPF was checked for (%s) is only a guess at where the message entered", s.IP))
		case s.IP == "":
			parts = append(parts, checks.T("verdict.missing.spf-address", "the header does not show the address the message came from, so SPF cannot be judged"))
		}
	}
	for _, s := range e.rep.DKIM {
		if known, _ := s.outcome(); known || !s.Aligned.in(e.rep.DMARC.ADKIM) || s.Result == "temperror" {
			continue
		}
		if s.Result == "unchecked" {
			parts = append(parts, checks.T("verdict.missing.dkim-header-only", "only the header was pasted, so the signature of %s cannot be checked here, and the receiver gave no result for it", s.Domain))
		} else {
			parts = append(parts, checks.T("verdict.missing.dkim-body", "the pasted body no longer matches the signature of %s, which copying can cause, and the receiver gave no result for it", s.Domain))
		}
		break
	}
	if len(parts) == 0 {
		parts = append(parts, checks.T("verdict.missing.nothing-aligned", "no aligned identifier could be checked"))
	}
	reasons := parts[0]
	for _, p := range parts[1:] {
		reasons = checks.T("verdict.missing.and", "%s; %s", reasons, p)
	}
	var fix checks.Text
	switch noBody, noReceiver := !e.m.HasBody(), e.rep.Receiver == nil; {
	case noBody && noReceiver:
		fix = checks.T("verdict.missing.fix.both", "Paste the whole message, with its body, as it arrived in the receiving mailbox (Gmail: Show original; Outlook: View message source).")
	case noBody:
		fix = checks.T("verdict.missing.fix.body", "Paste the whole message, with its body (Gmail: Show original; Outlook: View message source), so that the DKIM signature can be checked.")
	case noReceiver:
		fix = checks.T("verdict.missing.fix.receiver", "Paste the message as it arrived in the receiving mailbox, with the receiving server's Authentication-Results.")
	}
	return reasons, fix
}

// conflict says why the receiver's dmarc=pass is not taken as the
// verdict; the outcome that follows is ours.
func (e *explainer) conflict() {
	d, who := e.rep.DMARC, e.receiverWords()
	var msg checks.Text
	switch d.Conflict {
	case ConflictRecheck:
		msg = checks.T("verdict.results-conflict.recheck", "%s's results say dmarc=%s, but checked again the message fails DMARC for %s: DNS may have changed since delivery, or the sender wrote those results itself (a sender can add Authentication-Results that claim a pass), so they are not taken as the verdict", who, d.Receiver, e.rep.FromDomain)
	case ConflictNoSignature:
		msg = checks.T("verdict.results-conflict.no-signature", "%s's results say dkim=pass, but the message carries no DKIM signature of the domain they name: the sender wrote those results itself, or the header was cut, so their dmarc=%s is not taken as the verdict", who, d.Receiver)
	case ConflictUnbacked:
		msg = checks.T("verdict.results-conflict.unbacked", "%s's results say dmarc=%s, but its own SPF and DKIM results show nothing aligned with %s that passed: the sender may have written the dmarc result itself, so it is not taken as the verdict", who, d.Receiver, e.rep.FromDomain)
	default:
		return
	}
	e.add(checks.Warning, CodeResultsConflict, msg, checks.Text{})
}

// passedBy words which aligned identifiers pass: " (an aligned DKIM
// signature, d=example.nl, and aligned SPF for bounce.example.nl)".
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
