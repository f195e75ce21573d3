package verdict

import (
	"strings"

	"mailwizard/checks"
)

// dkim explains the signatures: none at all, none aligned, and each one
// that fails, with how the receiver's result differs from ours.
func (e *explainer) dkim() {
	sigs := e.rep.DKIM
	if len(sigs) == 0 {
		e.noSignature()
		return
	}
	mode := e.rep.DMARC.ADKIM
	var passing []string
	alignedPass := false
	for i := range sigs {
		s := &sigs[i]
		if !s.passed() {
			e.failedSignature(s)
			continue
		}
		passing = append(passing, s.Domain)
		alignedPass = alignedPass || s.Aligned.in(mode)
		e.receiverDiffers(s)
	}
	if alignedPass || len(passing) == 0 {
		return
	}
	from := e.rep.FromDomain
	var fix checks.Text
	if e.opts.Path == PathHosted {
		fix = checks.T("verdict.dkim-not-aligned.fix", "Set up DKIM for %s in the wizard's hosted step and publish its record, so that the service signs with d=%s.", from, from)
	}
	if mode == "s" && anyRelaxed(sigs) {
		e.add(checks.Warning, CodeDKIMNotAligned,
			checks.T("verdict.dkim-not-aligned.strict", "the DKIM signature is for %s, a subdomain of %s: the policy's strict alignment (adkim=s) counts only d=%s itself", strings.Join(dedupe(passing), ", "), from, from), fix)
		return
	}
	e.add(checks.Warning, CodeDKIMNotAligned,
		checks.T("verdict.dkim-not-aligned", "the DKIM signature that verifies is for %s, not for %s: it does not count for DMARC, which needs d=%s or, in relaxed mode, a domain under it", strings.Join(dedupe(passing), ", "), from, from), fix)
}

// outcome says whether the signature is known to verify, and whether it
// does: by our check; by the receiver's result when only the header was
// pasted, or when the pasted body no longer matches (copying changes
// spaces and line ends, so that mismatch alone proves nothing). A key
// that could not be looked up now leaves it unknown.
func (s Signature) outcome() (known, pass bool) {
	switch {
	case s.Result == "pass":
		return true, true
	case s.Result == "temperror":
		return false, false
	case s.Result == "unchecked", s.failure == bodyChanged:
		switch s.Receiver {
		case "", "none", "temperror":
			return false, false
		}
		return true, s.Receiver == "pass"
	}
	return true, false
}

// passed reports whether the signature is known to verify.
func (s Signature) passed() bool {
	_, pass := s.outcome()
	return pass
}

func anyRelaxed(sigs []Signature) bool {
	for _, s := range sigs {
		if s.passed() && s.Aligned.Relaxed {
			return true
		}
	}
	return false
}

// noSignature: the message was not signed. For the hosted path that is
// the service waiting for the DKIM record (it signs only once it sees
// it); for the admin's own server, the server does not sign.
func (e *explainer) noSignature() {
	var msg, fix checks.Text
	switch e.opts.Path {
	case PathHosted:
		msg = checks.T("verdict.no-dkim-signature.hosted", "%s saw no DKIM signature: %s signs your mail only once it has seen the DKIM record in DNS", e.receiverWords(), orService(e.opts.Service))
		fix = checks.T("verdict.no-dkim-signature.fix.hosted", "Wait until the DKIM record is seen on every name server (the wizard's DNS step, or mailwizard poll), then have the service send a new message and paste that one.")
	case PathSMTP:
		msg = checks.T("verdict.no-dkim-signature.smtp", "%s saw no DKIM signature: your mail server does not sign the mail it sends, so DMARC rests on SPF alone, which forwarding breaks", e.receiverWords())
	default:
		msg = checks.T("verdict.no-dkim-signature", "%s saw no DKIM signature: DMARC rests on SPF alone, which forwarding breaks", e.receiverWords())
	}
	e.add(checks.Warning, CodeNoDKIMSignature, msg, fix)
}

func orService(name string) checks.Text {
	if name == "" {
		return checks.T("verdict.the-service", "the service")
	}
	return checks.Verbatim(name)
}

// failedSignature explains one signature that does not verify, by our
// check or, with only the header, by the receiver's result and its words.
func (e *explainer) failedSignature(s *Signature) {
	sev := checks.Warning
	if !s.Aligned.Relaxed {
		sev = checks.Info // another domain's signature: it never counted for DMARC
	}
	why, reason := s.failure, s.Reason
	if s.Result == "unchecked" {
		if s.Receiver == "" || s.Receiver == "none" {
			return // nothing known about it
		}
		words := receiverWordsFor(e.rep.Receiver, s)
		why, reason = classify(words), words
	}
	name := dkimKeyName(s)
	switch why {
	case bodyChanged:
		if s.Receiver == "pass" {
			e.add(sev, CodeBodyModified,
				checks.T("verdict.body-modified.paste", "%s verified the signature of %s, but the body as pasted no longer matches it: copying changed the text (spaces, line breaks or the character set), so the receiver's result stands", e.receiverWords(), s.Domain),
				checks.T("verdict.body-modified.fix.paste", "To check it here too, save the message as a file (Gmail: Download original; Outlook: Save as) and give that file to mailwizard verdict."))
			return
		}
		e.add(sev, CodeBodyModified,
			checks.T("verdict.body-modified", "the signature of %s (selector %s) fails: the body was changed after signing, for example by a footer a forwarder, mailing list or virus scanner added", s.Domain, s.Selector), checks.Text{})
		return
	case temporary:
		e.add(checks.Warning, CodeDKIMUnknown,
			checks.T("verdict.dkim-unknown", "the key of %s (selector %s) could not be looked up now: %s", s.Domain, s.Selector, checks.Verbatim(reason)), checks.Text{})
		return
	}
	var msg checks.Text
	switch why {
	case headerChanged:
		msg = checks.T("verdict.dkim-fail.headers", "the signature of %s (selector %s) fails: a signed header field was changed after signing, or the key at %s is not the one that signed", s.Domain, s.Selector, name)
	case noKey:
		msg = checks.T("verdict.dkim-fail.no-key", "the signature of %s (selector %s) fails: there is no key at %s", s.Domain, s.Selector, name)
	case keyRevoked:
		msg = checks.T("verdict.dkim-fail.revoked", "the signature of %s (selector %s) fails: the key at %s is revoked (an empty p=)", s.Domain, s.Selector, name)
	case expired:
		msg = checks.T("verdict.dkim-fail.expired", "the signature of %s (selector %s) has expired (its x= tag), so it no longer verifies", s.Domain, s.Selector)
	default:
		msg = checks.T("verdict.dkim-fail", "the signature of %s (selector %s) fails: %s", s.Domain, s.Selector, checks.Verbatim(reason))
	}
	e.add(sev, CodeDKIMFail, msg, checks.Text{})
	e.receiverDiffers(s)
}

func dkimKeyName(s *Signature) string { return s.Selector + "._domainkey." + s.Domain }

// receiverDiffers says when the receiver's result for a signature and
// ours disagree: the key in DNS changed since delivery.
func (e *explainer) receiverDiffers(s *Signature) {
	if s.Receiver == "" || s.Result == "unchecked" || s.Result == "temperror" || s.failure == bodyChanged {
		return
	}
	then, now := s.Receiver == "pass", s.Result == "pass"
	if then == now {
		return
	}
	e.add(checks.Warning, CodeDNSChanged,
		checks.T("verdict.dns-changed.dkim.maybe", "%s saw dkim=%s for %s (selector %s), and it gives %s now: the key at %s may have changed since delivery, or the copy changed a signed header field", e.receiverWords(), s.Receiver, s.Domain, s.Selector, s.Result, dkimKeyName(s)), checks.Text{})
}

// receiverWordsFor is the receiver's reason and comments for a signature.
func receiverWordsFor(r *Receiver, s *Signature) string {
	for _, m := range r.methods("dkim") {
		if m.Result != s.Receiver {
			continue
		}
		words := append([]string{m.Reason}, m.Comments...)
		return strings.TrimSpace(strings.Join(words, " "))
	}
	return s.Receiver
}

// classify reads a receiver's words on a failed signature the way judge
// reads go-msgauth's.
func classify(words string) failure {
	w := strings.ToLower(words)
	switch {
	case strings.Contains(w, "body hash"):
		return bodyChanged
	case strings.Contains(w, "revoked"):
		return keyRevoked
	case strings.Contains(w, "no key") || strings.Contains(w, "key not found") || strings.Contains(w, "no valid key"):
		return noKey
	case strings.Contains(w, "expired"):
		return expired
	case strings.Contains(w, "signature did not verify") || strings.Contains(w, "bad signature") || strings.Contains(w, "signature verification failed"):
		return headerChanged
	}
	return otherFailure
}
