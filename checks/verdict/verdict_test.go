package verdict

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwizard/checks"
)

// Each message of the corpus gets the verdict an admin should read: the
// receiver's own results believed, forged ones ignored, and the
// differences explained by their codes, in order.
func TestCorpus(t *testing.T) {
	_, r := corpusDNS(t)
	k := corpusKeys(t)
	wizardKey := record(t, k.rsa, "example.nl", "mw").Value
	otherKey := record(t, k.py, "example.nl", "mw").Value

	// Each case is a subtest: one that dkimpy signs is skipped alone
	// where python3-dkim is missing.
	test := func(name string, text func(t *testing.T) []byte, opts Options, passed bool, want string, more func(*testing.T, *Report)) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			rep := check(t, r, text(t), opts)
			if rep.Passed != passed || codes(rep) != want {
				t.Errorf("%s: passed %v, findings %q; want %v, %q%s", name, rep.Passed, codes(rep), passed, want, describe(rep))
			}
			if more != nil {
				more(t, rep)
			}
		})
	}
	msg := func(file string, repl ...string) func(*testing.T) []byte {
		return func(t *testing.T) []byte { return render(t, file, repl...) }
	}
	raw := func(text []byte) func(*testing.T) []byte { return func(*testing.T) []byte { return text } }

	test("gmail", msg("gmail_pass.eml"), Options{}, true, "verdict.dmarc-pass", func(t *testing.T, rep *Report) {
		if rep.Receiver == nil || rep.Receiver.Name != "Gmail" || rep.Receiver.ARC == nil || len(rep.ARC) != 0 || len(rep.Ignored) != 0 {
			t.Errorf("gmail: receiver %+v, earlier ARC %+v, ignored %+v", rep.Receiver, rep.ARC, rep.Ignored)
		}
		if rep.From != "jorg@example.nl" || rep.SPF.IP != "192.0.2.10" || rep.SPF.IPFrom != "received-spf" || rep.SPF.Result != "pass" || rep.SPF.Receiver != "pass" || rep.SPF.MailFrom != "bounce@example.nl" {
			t.Errorf("gmail: from %q, spf %+v", rep.From, rep.SPF)
		}
		if len(rep.DKIM) != 1 || rep.DKIM[0].Result != "pass" || rep.DKIM[0].Receiver != "pass" || !rep.DKIM[0].Aligned.Strict {
			t.Errorf("gmail: dkim %+v", rep.DKIM)
		}
		if d := rep.DMARC; d.Policy != "reject" || d.Result != "pass" || d.Receiver != "pass" || !d.DKIMAligned || !d.SPFAligned || d.Disposition != "" {
			t.Errorf("gmail: dmarc %+v", d)
		}
	})
	test("microsoft 365, signed by dkimpy", msg("m365_pass.eml"), Options{}, true, "verdict.dmarc-pass verdict.untrusted-results", func(t *testing.T, rep *Report) {
		if rep.Receiver == nil || rep.Receiver.Name != "Microsoft 365" || rep.Receiver.AuthservID != "" || rep.Receiver.ARC == nil || len(rep.ARC) != 0 {
			t.Errorf("m365: receiver %+v", rep.Receiver)
		}
		if len(rep.DKIM) != 1 || rep.DKIM[0].Result != "pass" || rep.DKIM[0].Selector != "py" || rep.DKIM[0].Receiver != "pass" {
			t.Errorf("m365: dkimpy's signature: %+v", rep.DKIM)
		}
		if rep.SPF.HELO != "mail.example.nl" || rep.SPF.MailFrom != "bounce@example.nl" || rep.SPF.Result != "pass" {
			t.Errorf("m365: spf %+v", rep.SPF)
		}
		if len(rep.Ignored) != 1 || rep.Ignored[0].Why != "original" {
			t.Errorf("m365: ignored %+v", rep.Ignored)
		}
	})
	test("postfix with forged results below", msg("postfix_forged.eml"), Options{}, false,
		"verdict.dmarc-would-reject verdict.untrusted-results verdict.untrusted-results verdict.no-dkim-signature verdict.spf-fail", func(t *testing.T, rep *Report) {
			if rep.Receiver == nil || rep.Receiver.AuthservID != "mx.example.org" || len(rep.Receiver.Results) != 3 {
				t.Fatalf("postfix: receiver %+v", rep.Receiver)
			}
			if len(rep.Ignored) != 2 || rep.Ignored[0].Why != "outside" || rep.Ignored[1].Why != "other-id" || rep.Ignored[1].AuthservID != "mx.trusted.example" {
				t.Errorf("postfix: ignored %+v", rep.Ignored)
			}
			if rep.DMARC.Receiver != "fail" || rep.DMARC.Disposition != "reject" || rep.SPF.IP != "203.0.113.66" || rep.SPF.Result != "fail" {
				t.Errorf("postfix: dmarc %+v, spf %+v", rep.DMARC, rep.SPF)
			}
			if f := rep.Findings[1]; f.Severity != checks.Warning || !strings.Contains(f.Message, "forged") {
				t.Errorf("postfix: the forged results are reported as %s %q", f.Severity, f.Message)
			}
		})
	test("forwarded with ARC and a footer", msg("forwarded_arc.eml"), Options{}, false,
		"verdict.dmarc-would-reject verdict.forwarded-arc verdict.body-modified verdict.spf-fail", func(t *testing.T, rep *Report) {
			if len(rep.ARC) != 1 || rep.ARC[0].Sealer != "forwarder.test" || rep.Receiver.ARC == nil || rep.Receiver.ARC.Instance != 2 {
				t.Errorf("forwarded: earlier ARC %+v, own %+v", rep.ARC, rep.Receiver.ARC)
			}
			if !strings.Contains(rep.Findings[1].Message, "mx.forwarder.test sealed it with ARC (instance 1) and saw dkim=pass spf=pass dmarc=pass") {
				t.Errorf("forwarded: %q", rep.Findings[1].Message)
			}
			if rep.DKIM[0].Result != "fail" || rep.DKIM[0].Receiver != "neutral" || !strings.Contains(rep.Findings[3].Message, "forwarder") {
				t.Errorf("forwarded: dkim %+v, spf words %q", rep.DKIM, rep.Findings[3].Message)
			}
		})
	test("body changed after signing", msg("body_changed.eml"), Options{}, true, "verdict.dmarc-pass verdict.body-modified", func(t *testing.T, rep *Report) {
		if !strings.Contains(rep.Findings[0].Message, "aligned SPF for example.nl") || !strings.Contains(rep.Findings[1].Message, "body was changed after signing") {
			t.Errorf("body changed: %s", describe(rep))
		}
	})
	test("strict alignment", msg("alignment.eml", "@@D@@", "strict.nl", "@@DMARC@@", "fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE)"), Options{}, false,
		"verdict.dmarc-would-quarantine verdict.dkim-not-aligned verdict.spf-not-aligned", func(t *testing.T, rep *Report) {
			if a := rep.DKIM[0].Aligned; !a.Relaxed || a.Strict || rep.SPF.Aligned.Strict || !rep.SPF.Aligned.Relaxed {
				t.Errorf("strict: dkim %+v, spf %+v", rep.DKIM[0].Aligned, rep.SPF.Aligned)
			}
			if !strings.Contains(rep.Findings[1].Message, "adkim=s") || !strings.Contains(rep.Findings[2].Message, "aspf=s") {
				t.Errorf("strict: %s", describe(rep))
			}
			if rep.SPF.IP != "2001:db8:25::10" || rep.SPF.Result != "pass" || rep.DMARC.Result != "fail" {
				t.Errorf("strict: spf %+v, dmarc %+v", rep.SPF, rep.DMARC)
			}
		})
	test("relaxed alignment", msg("alignment.eml", "@@D@@", "relaxed.nl", "@@DMARC@@", "pass (p=QUARANTINE sp=QUARANTINE dis=NONE)"), Options{}, true,
		"verdict.dmarc-pass", func(t *testing.T, rep *Report) {
			if rep.DMARC.Result != "pass" || !rep.DMARC.DKIMAligned || !rep.DMARC.SPFAligned {
				t.Errorf("relaxed: dmarc %+v", rep.DMARC)
			}
		})
	outlook, err := readFile("outlook_headers.txt")
	if err != nil {
		t.Fatal(err)
	}
	test("outlook's internet headers", raw(outlook), Options{ExpectDKIM: map[string]string{"mw": wizardKey}}, true,
		"verdict.dmarc-pass verdict.headers-only", func(t *testing.T, rep *Report) {
			if rep.HasBody || rep.DKIM[0].Result != "unchecked" || rep.DKIM[0].Receiver != "pass" || rep.DKIM[0].Key != "matches" {
				t.Errorf("outlook: body %v, dkim %+v", rep.HasBody, rep.DKIM)
			}
		})
	test("outlook's internet headers, another key in DNS", raw(outlook), Options{ExpectDKIM: map[string]string{"mw": otherKey}}, true,
		"verdict.dmarc-pass verdict.headers-only dkim.key-mismatch", func(t *testing.T, rep *Report) {
			if rep.DKIM[0].Key != "differs" || checks.OutcomeOf(rep.Findings) != checks.Failed {
				t.Errorf("another key: dkim %+v", rep.DKIM)
			}
		})
	test("gmail's show original", msg("gmail_original.txt"), Options{}, true, "verdict.dmarc-pass verdict.lines-skipped", func(t *testing.T, rep *Report) {
		if rep.From != "jorg@example.nl" || rep.DKIM[0].Result != "pass" {
			t.Errorf("show original: from %q, dkim %+v", rep.From, rep.DKIM)
		}
	})
	test("hosted, unsigned", msg("hosted_unsigned.eml"), Options{Path: PathHosted, Service: "Mailer"}, false,
		"verdict.dmarc-would-reject verdict.no-dkim-signature verdict.spf-not-aligned", func(t *testing.T, rep *Report) {
			if msg := rep.Findings[1].Message; msg != "Gmail saw no DKIM signature: Mailer signs your mail only once it has seen the DKIM record in DNS" {
				t.Errorf("hosted: %q", msg)
			}
			if msg := rep.Findings[2].Message; !strings.Contains(msg, "SPF passed for the bounce domain bounces.service.test but it is not aligned") &&
				!strings.Contains(msg, "SPF passed for the bounce domain bounces.service.test, but it is not aligned with your From domain example.nl") {
				t.Errorf("hosted: %q", msg)
			}
		})
	test("DNS changed since delivery", msg("dns_changed.eml"), Options{}, false,
		"verdict.dmarc-would-reject verdict.dns-changed verdict.no-dkim-signature verdict.dns-changed", func(t *testing.T, rep *Report) {
			if rep.SPF.Receiver != "softfail" || rep.SPF.Result != "pass" || rep.DMARC.Result != "pass" || rep.Findings[1].Fix == "" {
				t.Errorf("changed: spf %+v, dmarc %+v%s", rep.SPF, rep.DMARC, describe(rep))
			}
		})
	test("a copy from the Sent folder, signed with Ed25519", msg("sent_copy.eml"), Options{}, true,
		"verdict.dmarc-pass verdict.no-results verdict.spf-unchecked", func(t *testing.T, rep *Report) {
			if rep.Receiver != nil || rep.DKIM[0].Result != "pass" || rep.DKIM[0].Algorithm != "ed25519-sha256" {
				t.Errorf("sent copy: receiver %+v, dkim %+v", rep.Receiver, rep.DKIM)
			}
		})
	// A subdomain is the same organisation's; another domain is refused
	// (TestNotAMessage).
	test("from the domain under the one expected", raw([]byte("Received: from mail.example.nl (mail.example.nl [192.0.2.10]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n"+
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.nl; dmarc=pass header.from=news.example.nl\n"+
		"Return-Path: <bounce@example.nl>\nFrom: news@news.example.nl\n\nTekst.\n")), Options{Domain: "example.nl"}, true,
		"verdict.dmarc-pass verdict.other-domain verdict.no-dkim-signature", func(t *testing.T, rep *Report) {
			if rep.Findings[1].Severity != checks.Info || rep.FromDomain != "news.example.nl" {
				t.Errorf("subdomain: %s", describe(rep))
			}
		})
	unsigned := []byte("From: Verkoop <verkoop@example.nl>\nTo: pieter@example.org\nSubject: zonder sporen\n\nTekst.\n")
	test("no trace at all", raw(unsigned), Options{}, false,
		"verdict.dmarc-unknown verdict.no-results verdict.no-dkim-signature verdict.spf-unchecked", func(t *testing.T, rep *Report) {
			if f := rep.Findings[0]; f.Severity != checks.Warning || f.Temporary || f.Fix == "" || checks.OutcomeOf(rep.Findings) == checks.Failed {
				t.Errorf("no trace: %+v", f)
			}
		})
	// A phisher connects straight to the receiver's MX and writes a
	// dmarc=pass with the receiver's name above From: it stands in the
	// receiver's window, but the receiver's own SPF and DKIM results and
	// the re-check contradict it.
	test("forged straight to the MX", msg("direct_forged.eml"), Options{}, false,
		"verdict.results-conflict verdict.dmarc-would-reject verdict.no-dkim-signature verdict.spf-fail", func(t *testing.T, rep *Report) {
			if rep.Receiver == nil || rep.DMARC.Receiver != "pass" || rep.DMARC.Conflict != ConflictRecheck || rep.DMARC.Disposition != "reject" || rep.Verdict() != "fail" {
				t.Errorf("direct: receiver %+v, dmarc %+v", rep.Receiver, rep.DMARC)
			}
			if rep.SPF.IP != "203.0.113.66" || rep.SPF.Result != "fail" || rep.SPF.Guessed {
				t.Errorf("direct: spf %+v", rep.SPF)
			}
		})
	// The receiver writes no results; the sender wrote Gmail's, an ARC
	// set and a Received-SPF: none is believed, the receiver's verdict is
	// unknown, and SPF for the guessed address is no failure.
	test("a receiver that writes no results", msg("no_receiver_results.eml"), Options{}, false,
		"verdict.dmarc-unknown verdict.no-results verdict.untrusted-results verdict.forwarded-arc verdict.no-dkim-signature verdict.spf-unchecked", func(t *testing.T, rep *Report) {
			if rep.Receiver != nil || len(rep.Ignored) != 1 || rep.Ignored[0].Why != "not-receiver" || len(rep.ARC) != 1 || rep.Verdict() != "unknown" {
				t.Errorf("no results: receiver %+v, ignored %+v, arc %+v", rep.Receiver, rep.Ignored, rep.ARC)
			}
			if rep.SPF.IP != "203.0.113.66" || rep.SPF.IPFrom != "received" || !rep.SPF.Guessed || rep.SPF.Result != "fail" {
				t.Errorf("no results: spf %+v", rep.SPF)
			}
			if f := rep.Findings[1]; !strings.Contains(f.Message, "they name mx.google.com, but the message entered at mx.example.org (line 3). The receiver's verdict is unknown") {
				t.Errorf("no results: %q", f.Message)
			}
			for _, f := range rep.Findings {
				if f.Severity == checks.Error || strings.Contains(f.Message, "Gmail") {
					t.Errorf("no results: %s %q", f.Severity, f.Message)
				}
			}
		})
	// dkimpy signs (relaxed/simple), a scanner adds a line after signing.
	test("body changed after signing, signed by dkimpy", msg("body_changed.eml", "@@SIGN go d=example.nl s=mw@@", "@@SIGN dkimpy d=example.nl s=py@@",
		`header.s=mw header.b="@@B:mw@@"`, `header.s=py header.b="@@B:py@@"`), Options{}, true, "verdict.dmarc-pass verdict.body-modified", func(t *testing.T, rep *Report) {
		if len(rep.DKIM) != 1 || rep.DKIM[0].Selector != "py" || rep.DKIM[0].Result != "fail" || rep.DKIM[0].failure != bodyChanged || rep.DKIM[0].Receiver != "fail" {
			t.Errorf("dkimpy body changed: %+v", rep.DKIM)
		}
	})
}

func readFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "corpus", name))
}
