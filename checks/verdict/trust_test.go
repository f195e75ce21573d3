package verdict

import (
	"strings"
	"testing"

	"mailwizard/checks"
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
	// so SPF is not evaluated for it, and DMARC is unknown, not failed.
	test("internal hop", "Received: from mx1.internal.example (mx1.internal.example [10.20.30.40]) by mailbox.internal.example; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mailbox.internal.example; spf=none smtp.mailfrom=example.nl; dmarc=none header.from=example.nl\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-unknown verdict.no-dkim-signature verdict.spf-unchecked", func(rep *Report) {
			if rep.SPF.IP != "10.20.30.40" || rep.SPF.Result != "" || rep.SPF.Receiver != "none" || rep.Passed || rep.Findings[0].Severity != checks.Warning {
				t.Errorf("internal: spf %+v", rep.SPF)
			}
		})
	// iCloud: its MX hosts are in me.com, its results name icloud.com,
	// one authserv-id per method; all are Apple's.
	test("iCloud", "Received: from st43p00im-qukt05021701.me.com by p44-mailgateway-smtp-778464bd6-glqrh (mailgateway 2403B92) with SMTP id d8; Tue, 3 Mar 2026\n"+
		"Received: from mail.example.nl (mail.example.nl [192.0.2.10])\n\tby st43p00im-qukt05021701.me.com (Postfix) with ESMTPS id EC1; Tue, 3 Mar 2026\n"+
		"Authentication-Results: bimi.icloud.com; bimi=none\n"+
		"Authentication-Results: dmarc.icloud.com; dmarc=pass header.from=example.nl\n"+
		"Authentication-Results: dkim-verifier.icloud.com; dkim=none\n"+
		"Authentication-Results: spf.icloud.com; spf=pass (spf.icloud.com: domain of bounce@example.nl designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounce@example.nl\n"+
		"Received-SPF: pass (spf.icloud.com: domain of bounce@example.nl designates 192.0.2.10 as permitted sender) receiver=spf.icloud.com; client-ip=192.0.2.10; helo=mail.example.nl; envelope-from=bounce@example.nl\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-pass verdict.no-dkim-signature", func(rep *Report) {
			if rep.Receiver == nil || rep.Receiver.Name != "iCloud Mail" || len(rep.Receiver.Results) != 4 || len(rep.Ignored) != 0 || rep.SPF.IPFrom != "received-spf" {
				t.Errorf("iCloud: receiver %+v, ignored %+v, spf %+v", rep.Receiver, rep.Ignored, rep.SPF)
			}
		})
	// Yahoo: its results sit below a hop from an inside address, whose
	// by clause is the address the outside hop names as its by.
	test("Yahoo", "Received: from 10.217.151.75\n by atlas321.free.mail.ne1.yahoo.com with HTTPS; Tue, 3 Mar 2026\n"+
		"Return-Path: <bounce@example.nl>\n"+
		"Received-SPF: pass (domain of example.nl designates 192.0.2.10 as permitted sender)\n"+
		"Authentication-Results: atlas321.free.mail.ne1.yahoo.com;\n dkim=none;\n spf=pass smtp.mailfrom=example.nl;\n dmarc=pass(p=REJECT) header.from=example.nl;\n"+
		"Received: from 192.0.2.10 (EHLO mail.example.nl)\n by 10.217.151.75 with SMTPs\n (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256); Tue, 3 Mar 2026\n",
		"verdict.dmarc-pass verdict.no-dkim-signature", func(rep *Report) {
			if rep.Receiver == nil || rep.Receiver.Name != "Yahoo Mail" || rep.SPF.IP != "192.0.2.10" || rep.SPF.IPFrom != "received" || rep.SPF.Result != "pass" {
				t.Errorf("Yahoo: receiver %+v, spf %+v", rep.Receiver, rep.SPF)
			}
		})
	// Fastmail: its milter hop from localhost stands between its results
	// and the hop from outside.
	test("Fastmail", "Received: from mx6.messagingengine.com (localhost [127.0.0.1])\n\tby mailmx.nyi.internal (Postfix) with ESMTP id 1; Tue, 3 Mar 2026\n"+
		"Received: from mx6.messagingengine.com (localhost [127.0.0.1])\n\tby mx6.messagingengine.com (Authentication Milter) with ESMTP id 2; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mx6.messagingengine.com;\n    dkim=none;\n    spf=pass smtp.mailfrom=bounce@example.nl smtp.helo=mail.example.nl;\n    dmarc=pass policy.published-domain-policy=reject header.from=example.nl\n"+
		"Received: from mail.example.nl (mail.example.nl [192.0.2.10])\n\tby mx6.messagingengine.com (Postfix) with ESMTPS id 3; Tue, 3 Mar 2026\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-pass verdict.no-dkim-signature", func(rep *Report) {
			if rep.Receiver == nil || rep.SPF.IP != "192.0.2.10" || rep.SPF.HELO != "mail.example.nl" || rep.SPF.Result != "pass" {
				t.Errorf("Fastmail: receiver %+v, spf %+v", rep.Receiver, rep.SPF)
			}
		})
	// A forwarder's ARC set, and the receiver writes no results: the set
	// is an earlier hop's, never the receiver's word.
	test("a forwarder's ARC set only", "Received: from relay.forwarder.test (relay.forwarder.test [203.0.113.50]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n"+
		"ARC-Seal: i=1; a=rsa-sha256; cv=none; d=forwarder.test; s=arc1; b=AAAA\n"+
		"ARC-Authentication-Results: i=1; mx.forwarder.test; spf=pass smtp.mailfrom=bounce@example.nl; dmarc=pass header.from=example.nl\n"+
		"Received: from mail.example.nl (mail.example.nl [192.0.2.10]) by mx.forwarder.test (Postfix); Tue, 3 Mar 2026\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-unknown verdict.no-results verdict.forwarded-arc verdict.no-dkim-signature verdict.spf-unchecked", func(rep *Report) {
			if rep.Receiver != nil || len(rep.ARC) != 1 || rep.ARC[0].Sealer != "forwarder.test" || rep.Passed || !rep.SPF.Guessed || rep.SPF.IP != "203.0.113.50" {
				t.Errorf("forwarder's ARC: receiver %+v, arc %+v, spf %+v", rep.Receiver, rep.ARC, rep.SPF)
			}
		})
	// A Received field that names Gmail, written by the sender below the
	// receiver's own, with Gmail's results below it: not Gmail's word.
	test("a forged Gmail hop", "Received: from smtp.attacker.test (smtp.attacker.test [203.0.113.66]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n"+
		"Received: from mail.example.nl (mail.example.nl [192.0.2.10]) by mx.google.com with ESMTPS id x; Tue, 3 Mar 2026\n"+
		"Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=bounce@example.nl; dmarc=pass header.from=example.nl\n"+
		"Return-Path: <bounce@example.nl>\n",
		"verdict.dmarc-unknown verdict.no-results verdict.untrusted-results verdict.no-dkim-signature verdict.spf-unchecked", func(rep *Report) {
			if rep.Receiver != nil || rep.Ignored[0].Why != "not-receiver" || rep.SPF.IP != "203.0.113.66" {
				t.Errorf("forged Gmail hop: receiver %+v, ignored %+v, spf %+v", rep.Receiver, rep.Ignored, rep.SPF)
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

// The operator rule: an authserv-id and a by host name one operator when
// their organisational domains do, or both are Microsoft's or Apple's.
func TestOperators(t *testing.T) {
	same := func(a, b string, want bool) {
		t.Helper()
		if sameOperator(a, b) != want {
			t.Errorf("sameOperator(%q, %q) = %v, want %v", a, b, !want, want)
		}
	}
	same("mx.google.com", "mx.google.com", true)
	same("mx.example.org", "MX2.Example.org.", true)
	same("dmarc.icloud.com", "st43p00im-qukt05021701.me.com", true)
	same("mx.microsoft.com", "DB1PEPF000509E5.mail.protection.outlook.com", true)
	same("mx.google.com", "mx.example.org", false)
	same("mx.example.co.uk", "mx.other.co.uk", false) // the public suffix list, not the last two labels
	same("10.217.151.75", "10.217.151.75", false)     // an address names no operator
	same("", "", false)
	ms := func(host string, want bool) {
		t.Helper()
		if isMicrosoftHost(host) != want {
			t.Errorf("isMicrosoftHost(%q) = %v", host, !want)
		}
	}
	ms("DB1PEPF000509E5.mail.protection.outlook.com", true)
	ms("AM9PR02MB7412.eurprd02.prod.outlook.com", true)
	ms("DU2PR04CA0245.outlook.office365.com", true)
	ms("outlook.com.attacker.test", false)
	ms("mx.example.org", false)
}
