package verdict

import (
	"strings"
	"testing"
)

// Receivers that lay their fields out otherwise than Gmail, Microsoft 365
// and Postfix: the trust boundary and the connecting address still come
// out right, and what cannot be known is said to be unknown.
func TestOtherLayouts(t *testing.T) {
	_, r := corpusDNS(t)
	body := "From: Verkoop <verkoop@example.nl>\nTo: p@example.org\nSubject: x\n\nTekst.\n"
	test := func(name, header string, want string, more func(*Report)) {
		t.Helper()
		rep := check(t, r, []byte(header+body), Options{})
		if codes(rep) != want {
			t.Errorf("%s: %q, want %q%s", name, codes(rep), want, describe(rep))
		}
		if more != nil {
			more(rep)
		}
	}
	// Exim with add_header :at_start: puts its results above its own
	// Received field; a forged field below the sender's hop is ignored.
	test("exim", "Authentication-Results: mx.exim.example; spf=pass smtp.mailfrom=example.nl; dmarc=pass header.from=example.nl\n"+
		"Received: from mail.example.nl ([192.0.2.10] helo=mail.example.nl) by mx.exim.example with esmtps (Exim 4.96) id 1r; Tue, 3 Mar 2026\n"+
		"Received: from [10.0.0.5] by mail.example.nl; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mx.exim.example; dkim=pass header.d=example.nl\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-pass verdict.untrusted-results verdict.no-dkim-signature", func(rep *Report) {
			if rep.SPF.IP != "192.0.2.10" || rep.SPF.IPFrom != "received" || rep.SPF.HELO != "mail.example.nl" || rep.SPF.Result != "pass" || rep.Ignored[0].Why != "outside" {
				t.Errorf("exim: spf %+v, ignored %+v", rep.SPF, rep.Ignored)
			}
		})
	// A receiver that writes only its ARC set: its results still count.
	test("ARC only", "ARC-Authentication-Results: i=1; mx.arc.example; spf=pass smtp.mailfrom=bounce@example.nl; dmarc=pass header.from=example.nl\n"+
		"ARC-Seal: i=1; a=rsa-sha256; cv=none; d=arc.example; s=a; b=AAAA\n"+
		"Return-Path: <bounce@example.nl>\n"+
		"Received: from mail.example.nl (mail.example.nl [192.0.2.10]) by mx.arc.example; Tue, 3 Mar 2026\n",
		"verdict.dmarc-pass verdict.no-dkim-signature", func(rep *Report) {
			if rep.Receiver == nil || rep.Receiver.ARC == nil || rep.DMARC.Receiver != "pass" || len(rep.ARC) != 0 {
				t.Errorf("ARC only: receiver %+v, earlier %+v", rep.Receiver, rep.ARC)
			}
		})
	// The results were added at an internal hop: the address is private,
	// so SPF is not evaluated for it, and that is said.
	test("internal hop", "Received: from mx1.internal.example (mx1.internal.example [10.20.30.40]) by mailbox.internal.example; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mailbox.internal.example; spf=none smtp.mailfrom=example.nl; dmarc=none header.from=example.nl\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-would-reject verdict.no-dkim-signature verdict.spf-unchecked", func(rep *Report) {
			if rep.SPF.IP != "10.20.30.40" || rep.SPF.Result != "" || rep.SPF.Receiver != "none" {
				t.Errorf("internal: spf %+v", rep.SPF)
			}
		})
	// Carrier NAT (RFC 6598) is inside a network too: dnsq.IsPublic, the
	// rule the SMTP test uses, says so.
	cgnat := check(t, r, []byte("Received: from mx1.isp.example (mx1.isp.example [100.64.20.30]) by mailbox.isp.example; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mailbox.isp.example; spf=none smtp.mailfrom=example.nl\nReturn-Path: <bounce@example.nl>\n"+body), Options{})
	if cgnat.SPF.IP != "100.64.20.30" || cgnat.SPF.Result != "" || !cgnat.SPF.internal {
		t.Errorf("carrier NAT: spf %+v", cgnat.SPF)
	}
	// pct=50 (RFC 7489 section 6.6.4): half is rejected, the rest goes
	// to the spam folder.
	rep := check(t, r, []byte("Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=pct.nl; dmarc=fail header.from=pct.nl\n"+
		"Received: from x.example (x.example [203.0.113.9]) by mx.example.org; Tue, 3 Mar 2026\n"+
		"Return-Path: <a@pct.nl>\nFrom: a@pct.nl\n\nTekst.\n"), Options{})
	if codes(rep) != "verdict.dmarc-would-reject verdict.no-dkim-signature verdict.spf-fail" || !strings.Contains(rep.Findings[0].Message, "(pct=50) tells receivers to reject 50% of such mail") || rep.DMARC.Percent != 50 {
		t.Errorf("pct: %q%s", codes(rep), describe(rep))
	}
}
