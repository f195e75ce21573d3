package verdict

import (
	"fmt"
	"strings"
	"testing"
)

// flat writes results as "id|method=result reason [props] (comments)".
func flat(r *Results) string {
	var b strings.Builder
	if r.Instance > 0 {
		fmt.Fprintf(&b, "i=%d ", r.Instance)
	}
	b.WriteString(r.AuthservID)
	for _, m := range r.Methods {
		fmt.Fprintf(&b, "|%s=%s", m.Method, m.Result)
		if m.Reason != "" {
			fmt.Fprintf(&b, " reason=%q", m.Reason)
		}
		for _, k := range []string{"smtp.mailfrom", "header.d", "header.i", "header.s", "header.b", "header.from", "action", "smtp.remote-ip"} {
			if v, ok := m.Props[k]; ok {
				fmt.Fprintf(&b, " %s=%s", k, v)
			}
		}
		for _, c := range m.Comments {
			fmt.Fprintf(&b, " (%s)", c)
		}
	}
	return b.String()
}

func TestParseAuthResults(t *testing.T) {
	test := func(value string, arc bool, want string) {
		t.Helper()
		r, err := ParseAuthResults(value, arc)
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = flat(r)
		}
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", value, got, want)
		}
	}
	// Microsoft 365: no authserv-id, the sender's IP in a comment, no
	// space after the semicolons, its own action= and compauth.
	test("spf=pass (sender IP is 192.0.2.10)\r\n smtp.mailfrom=example.nl; dkim=pass (signature was verified)\r\n header.d=example.nl;dmarc=pass action=none\r\n header.from=example.nl;compauth=pass reason=100", false,
		"|spf=pass smtp.mailfrom=example.nl (sender IP is 192.0.2.10)|dkim=pass header.d=example.nl (signature was verified)|dmarc=pass header.from=example.nl action=none|compauth=pass reason=\"100\"")
	// opendkim: a semicolon inside the comment, a quoted header.b.
	test(`mx.example.org; dkim=pass (2048-bit key; unprotected) header.d=example.nl header.i=@example.nl header.b="AbCdEfGh"`, false,
		"mx.example.org|dkim=pass header.d=example.nl header.i=@example.nl header.b=AbCdEfGh (2048-bit key; unprotected)")
	test("mx.google.com;\r\n       dkim=pass header.i=@example.nl header.s=mw header.b=Ab+/Cd=1;\r\n       spf=pass (google.com: domain of b@example.nl designates 192.0.2.10 as permitted sender) smtp.mailfrom=b@example.nl;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.nl", false,
		"mx.google.com|dkim=pass header.i=@example.nl header.s=mw header.b=Ab+/Cd=1|spf=pass smtp.mailfrom=b@example.nl (google.com: domain of b@example.nl designates 192.0.2.10 as permitted sender)|dmarc=pass header.from=example.nl (p=REJECT sp=REJECT dis=NONE)")
	test("i=2; mx.google.com; arc=pass (i=1 spf=pass)", true, "i=2 mx.google.com|arc=pass (i=1 spf=pass)")
	test("i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=example.nl", true, "i=1 mx.microsoft.com|spf=pass smtp.mailfrom=example.nl")
	test("mx.example.org; none", false, "mx.example.org")
	test("mx.example.org 1; none", false, "mx.example.org")
	test(`"quoted.example"; dkim = pass  header.d = example.nl`, false, "quoted.example|dkim=pass header.d=example.nl")
	test(`mx.example.org; dkim/1=fail reason="bad; really (bad)" header.d=example.nl`, false, `mx.example.org|dkim=fail reason="bad; really (bad)" header.d=example.nl`)
	test("mx.example.org (nested (comment) here); spf=PASS (unclosed comment", false, "mx.example.org|spf=pass (unclosed comment)")
	test("MX.Example.ORG; spf=pass;;  ; dkim=none", false, "mx.example.org|spf=pass|dkim=none")
	test("", false, "error: no authserv-id")
	test("mx.example.org; dkim=pass", true, "error: no i= instance at the start (RFC 8617 section 4.1.1)")
	test("i=1", true, "error: no authserv-id")
}

func TestParseReceived(t *testing.T) {
	test := func(value, helo, ip, by string) {
		t.Helper()
		r := ParseReceived(value)
		gotIP := ""
		if r.IP.IsValid() {
			gotIP = r.IP.String()
		}
		if r.HELO != helo || gotIP != ip || r.By != by {
			t.Errorf("%q: helo %q ip %q by %q; want %q %q %q", value, r.HELO, gotIP, r.By, helo, ip, by)
		}
	}
	test("from mail.example.nl (mail.example.nl [192.0.2.10])\r\n\tby mx.example.org (Postfix) with ESMTPS id 4Q1\r\n\tfor <p@example.org>; Tue,  3 Mar 2026 11:12:14 +0100 (CET)",
		"mail.example.nl", "192.0.2.10", "mx.example.org")
	test("from mail.example.nl (mail.example.nl. [192.0.2.10])\r\n        by mx.google.com with ESMTPS id a64\r\n        for <a@gmail.com>\r\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n        Tue, 03 Mar 2026 02:12:13 -0800 (PST)",
		"mail.example.nl", "192.0.2.10", "mx.google.com")
	test("from mail.example.nl (192.0.2.10) by\r\n DB1PEPF000509E5.mail.protection.outlook.com (10.167.242.55) with Microsoft\r\n SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8489.21\r\n via Frontend Transport; Tue, 3 Mar 2026 10:12:13 +0000",
		"mail.example.nl", "192.0.2.10", "db1pepf000509e5.mail.protection.outlook.com")
	test("from [192.0.2.10] (helo=mail.example.nl)\r\n\tby mx.example.org with esmtps (TLS1.3) (Exim 4.96)\r\n\t(envelope-from <b@example.nl>) id 1rAbCd-000123-4e; Tue, 03 Mar 2026 11:12:14 +0100",
		"mail.example.nl", "192.0.2.10", "mx.example.org")
	test("from mail6.example.nl (mail6.example.nl [IPv6:2001:db8::25])\r\n\tby mx.example.org (Postfix); Tue, 3 Mar 2026 11:12:14 +0100",
		"mail6.example.nl", "2001:db8::25", "mx.example.org")
	test("by 2002:a05:6358:9e1a:b0:1d9:4c2b:6f10 with SMTP id p26csp1234567rwb;\r\n        Tue, 3 Mar 2026 02:12:14 -0800 (PST)",
		"", "", "2002:a05:6358:9e1a:b0:1d9:4c2b:6f10")
	test("from [10.9.8.7] (unknown [10.9.8.7]) by smtp.attacker.test (Postfix)", "[10.9.8.7]", "10.9.8.7", "smtp.attacker.test")
	test("garbage without the words", "", "", "")
}

func TestParseReceivedSPF(t *testing.T) {
	test := func(value, result, ip, helo, from string) {
		t.Helper()
		r := ParseReceivedSPF(value)
		gotIP := ""
		if r.ClientIP.IsValid() {
			gotIP = r.ClientIP.String()
		}
		if r.Result != result || gotIP != ip || r.HELO != helo || r.EnvelopeFrom != from {
			t.Errorf("%q: %+v", value, r)
		}
	}
	test("Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=mail.example.nl; envelope-from=b@example.nl; receiver=<UNKNOWN> ",
		"pass", "192.0.2.10", "mail.example.nl", "b@example.nl")
	test("pass (google.com: domain of b@example.nl designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10;", "pass", "192.0.2.10", "", "")
	test("Pass (protection.outlook.com: domain of example.nl designates\r\n 192.0.2.10 as permitted sender) receiver=protection.outlook.com;\r\n client-ip=192.0.2.10; helo=mail.example.nl; pr=C",
		"pass", "192.0.2.10", "mail.example.nl", "")
	test(`softfail client-ip=2001:db8::1; envelope-from="<b@example.nl>"`, "softfail", "2001:db8::1", "", "b@example.nl")
}

func TestReturnPath(t *testing.T) {
	for in, want := range map[string]string{"<b@example.nl>": "b@example.nl", "b@example.nl": "b@example.nl", "<>": "", " <b@example.nl> (comment)": "b@example.nl"} {
		if got := ReturnPath(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
