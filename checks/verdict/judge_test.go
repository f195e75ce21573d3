package verdict

import (
	"strings"
	"testing"

	"mailwizard/checks"
)

// What the verdict may say: a pass, a pass without a policy, a failure
// only when it is known, and an unknown (with what is missing) otherwise.
// Each case names the outcome (Report.Verdict), the findings by code, and
// what a user would notice.
func TestWhatIsKnown(t *testing.T) {
	_, r := corpusDNS(t)
	from := func(domain string) string {
		return "From: Verkoop <verkoop@" + domain + ">\nTo: p@example.org\nSubject: x\n"
	}
	const body = "\nTekst.\n"
	postfix := func(ip string) string {
		return "Received: from mail.sender.test (mail.sender.test [" + ip + "]) by mx.example.org (Postfix) with ESMTPS id 4Q; Tue, 3 Mar 2026\n"
	}
	test := func(name, text string, verdict, want string, more func(*Report)) {
		t.Helper()
		rep := check(t, r, []byte(text), Options{})
		if rep.Verdict() != verdict || codes(rep) != want || rep.Passed != strings.HasPrefix(verdict, "pass") {
			t.Errorf("%s: %s (passed %v), %q; want %s, %q%s", name, rep.Verdict(), rep.Passed, codes(rep), verdict, want, describe(rep))
		}
		if verdict != "fail" && checks.OutcomeOf(rep.Findings) == checks.Failed && !strings.Contains(want, "dmarc.multiple-records") && !strings.Contains(want, "dns.") {
			t.Errorf("%s: an error finding for an outcome that is no failure%s", name, describe(rep))
		}
		if more != nil {
			more(rep)
		}
	}

	// No policy published: nothing can fail; what is aligned is said,
	// and the dmarc check's advice to publish one comes once.
	test("opendmarc says none, SPF aligned", postfix("192.0.2.10")+
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=nopolicy.nl\n"+
		"Authentication-Results: mx.example.org; dmarc=none (p=none dis=none) header.from=nopolicy.nl\n"+
		"Return-Path: <bounce@nopolicy.nl>\n"+from("nopolicy.nl")+body,
		"pass-no-policy", "verdict.dmarc-pass verdict.no-dkim-signature dmarc.missing", func(rep *Report) {
			if !rep.DMARC.SPFAligned || rep.DMARC.Result != "none" || !strings.Contains(rep.Findings[0].Message, "would pass DMARC (aligned SPF for nopolicy.nl), but nopolicy.nl publishes no DMARC policy yet") {
				t.Errorf("none: %+v%s", rep.DMARC, describe(rep))
			}
		})
	test("Microsoft's bestguesspass, the header only", "Authentication-Results: spf=pass (sender IP is 192.0.2.10)\n smtp.mailfrom=nopolicy.nl; dkim=pass (signature was verified)\n header.d=nopolicy.nl;dmarc=bestguesspass action=none\n header.from=nopolicy.nl;compauth=pass reason=109\n"+
		"Received: from mail.nopolicy.nl (192.0.2.10) by\n DB1PEPF000509E5.mail.protection.outlook.com (10.167.242.55) with Microsoft\n SMTP Server id 15.20.8489.21 via Frontend Transport; Tue, 3 Mar 2026\n"+
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=nopolicy.nl; s=mw; h=from:to:subject; bh=AAAA; b=AbCdEfGh\n"+
		"Return-Path: bounce@nopolicy.nl\n"+from("nopolicy.nl"),
		"pass-no-policy", "verdict.dmarc-pass verdict.headers-only dmarc.missing", func(rep *Report) {
			if rep.Receiver == nil || rep.Receiver.Name != "Microsoft 365" || rep.DMARC.Receiver != "bestguesspass" || !rep.DMARC.DKIMAligned {
				t.Errorf("bestguesspass: receiver %+v, dmarc %+v", rep.Receiver, rep.DMARC)
			}
		})
	test("no policy, nothing aligned", "Received: from out1.service.test (out1.service.test [198.51.100.20]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n"+
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bounce@bounces.service.test; dmarc=none header.from=nopolicy.nl\n"+
		"Return-Path: <bounce@bounces.service.test>\n"+from("nopolicy.nl")+body,
		"unaligned-no-policy", "verdict.dmarc-no-policy verdict.no-dkim-signature verdict.spf-not-aligned dmarc.missing", nil)

	// Unknown inputs never give a definite failure.
	test("the header only: an aligned signature not checked, SPF fails", postfix("203.0.113.9")+
		"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.nl\n"+
		"Return-Path: <a@example.nl>\n"+
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.nl; s=mw; h=from:to:subject; bh=AAAA; b=AbCdEfGh\n"+from("example.nl"),
		"unknown", "verdict.dmarc-unknown verdict.headers-only verdict.spf-fail", func(rep *Report) {
			if f := rep.Findings[0]; !strings.Contains(f.Message, "only the header was pasted, so the signature of example.nl cannot be checked here") || !strings.Contains(f.Fix, "with its body") {
				t.Errorf("header only: %q / %q", f.Message, f.Fix)
			}
		})
	// A failed lookup of the organisational domain's policy: unknown
	// until DNS answers, never "no policy".
	test("the policy's lookup got no answer", postfix("192.0.2.10")+
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=slow.nl\n"+
		"Return-Path: <bounce@slow.nl>\n"+from("news.slow.nl")+body,
		"unknown", "verdict.no-dkim-signature dns.timeout", func(rep *Report) {
			if rep.DMARC.Result != "temperror" || !rep.Findings[1].Temporary || checks.OutcomeOf(rep.Findings) != checks.Unknown {
				t.Errorf("slow: %+v", rep.DMARC)
			}
		})

	// pct= for quarantine (RFC 7489 section 6.6.4), and several records:
	// receivers apply none of them.
	test("p=quarantine; pct=10", postfix("203.0.113.9")+
		"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=pctq.nl; dmarc=fail header.from=pctq.nl\n"+
		"Return-Path: <a@pctq.nl>\n"+from("pctq.nl")+body,
		"fail", "verdict.dmarc-would-quarantine verdict.no-dkim-signature verdict.spf-fail", func(rep *Report) {
			if !strings.Contains(rep.Findings[0].Message, "p=quarantine (pct=10) sends 10% of such mail to the spam folder and lets the rest through") {
				t.Errorf("pct: %q", rep.Findings[0].Message)
			}
		})
	test("several DMARC records", postfix("203.0.113.9")+
		"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=twice.nl\n"+
		"Return-Path: <a@twice.nl>\n"+from("twice.nl")+body,
		"unaligned-no-policy", "verdict.dmarc-no-policy verdict.no-dkim-signature verdict.spf-fail dmarc.multiple-records", func(rep *Report) {
			if d := rep.DMARC; !d.Several || d.Policy != "" || d.Disposition != "" || !strings.Contains(rep.Findings[0].Message, "receivers apply no DMARC policy while _dmarc.twice.nl holds several records") {
				t.Errorf("several: %+v%s", d, describe(rep))
			}
		})

	// The receiver's dmarc=pass against the message and its own results.
	test("dkim=pass without a signature", "Received: from mx1.internal.example (mx1.internal.example [10.20.30.40]) by mailbox.internal.example; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mailbox.internal.example; dkim=pass header.d=example.nl; spf=pass smtp.mailfrom=example.nl; dmarc=pass header.from=example.nl\n"+
		"Return-Path: <bounce@example.nl>\n"+from("example.nl")+body,
		"unknown", "verdict.results-conflict verdict.dmarc-unknown verdict.no-dkim-signature verdict.spf-unchecked", func(rep *Report) {
			if rep.DMARC.Conflict != ConflictNoSignature {
				t.Errorf("no signature: %+v", rep.DMARC)
			}
		})
	test("dmarc=pass that its own results do not back", postfix("198.51.100.20")+
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bounce@bounces.service.test\n"+
		"Authentication-Results: mx.example.org; dmarc=pass header.from=example.nl\n"+
		"Return-Path: <bounce@bounces.service.test>\n"+
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.nl; s=mw; h=from:to:subject; bh=AAAA; b=AbCdEfGh\n"+from("example.nl"),
		"unknown", "verdict.results-conflict verdict.dmarc-unknown verdict.headers-only verdict.spf-not-aligned", func(rep *Report) {
			if rep.DMARC.Conflict != ConflictUnbacked {
				t.Errorf("unbacked: %+v", rep.DMARC)
			}
		})
}
