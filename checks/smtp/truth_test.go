package smtp

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

// Microsoft 365 answers every refused login with 535 5.7.139; only its
// text tells the cause, and each cause has another fix.
func TestMicrosoft365RefusalsByText(t *testing.T) {
	s := Settings{Host: "smtp.office365.com", Port: 587, Encryption: transports.EncryptSTARTTLS, Username: "facturen@example.nl"}
	test := func(text, code, says, mustNotSay string) {
		t.Helper()
		f := Explain(&Failure{PhaseAuth, &gosmtp.SMTPError{Code: 535, EnhancedCode: gosmtp.EnhancedCode{5, 7, 139}, Message: text}}, s, nil)
		if f.Code != code {
			t.Errorf("%q: code %s, want %s", text, f.Code, code)
		}
		all := f.Message + " " + f.Fix
		if !strings.Contains(all, says) {
			t.Errorf("%q: %q does not say %q", text, all, says)
		}
		if mustNotSay != "" && strings.Contains(strings.ToLower(all), strings.ToLower(mustNotSay)) {
			t.Errorf("%q: %q says %q", text, all, mustNotSay)
		}
		if f.Temporary {
			t.Errorf("%q: a refused login is marked temporary", text)
		}
	}
	test("Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
		"smtp.m365-auth-disabled", "for this tenant", "")
	test("Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.",
		"smtp.m365-auth-disabled", "Set-CASMailbox", "")
	test("Authentication unsuccessful, the user credentials were incorrect. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]",
		"smtp.auth-failed", "username or password is wrong", "switched off")
	test("Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
		"smtp.m365-security-defaults", "security defaults", "SMTP AUTH switched off")
	test("Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.",
		"smtp.m365-conditional-access", "Conditional Access", "switched off")
	test("Authentication unsuccessful, basic authentication is disabled.",
		"smtp.m365-basic-auth-disabled", "AllowBasicAuthSmtp", "")
	test("Authentication unsuccessful, some reason Microsoft adds next year.",
		"smtp.m365-auth-refused", "does not recognise", "switched off")
}

// The class of a failure (may a retry help?) is decided with its words;
// the command line's exit code follows from it.
func TestTemporaryIsDecidedWhereTheFindingIsMade(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	starttls := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	selfSigned := smtptest.Issue(t, nil, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	selfSrv := smtptest.Start(t, smtptest.Options{Cert: &selfSigned, Users: users})
	authBusy := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users,
		AuthError: &gosmtp.SMTPError{Code: 454, EnhancedCode: gosmtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure"}})
	greets554 := smtptest.Scripted(t, func(p *smtptest.Peer) { p.Say("554 5.7.1 no service for your network") })
	test := func(name string, s Settings, want checks.Outcome) {
		t.Helper()
		r := run(t, s, TestOptions{})
		if got := checks.OutcomeOf(r.Findings); got != want {
			t.Errorf("%s: outcome %v, want %v (%+v)", name, got, want, r.Findings)
		}
	}
	test("self-signed certificate, strict", settingsFor(selfSrv.Addr, transports.EncryptSTARTTLS, ca), checks.Failed)
	test("implicit TLS on a STARTTLS port", settingsFor(starttls.Addr, transports.EncryptTLS, ca), checks.Failed)
	test("554 greeting", settingsFor(greets554, transports.EncryptSTARTTLS, ca), checks.Failed)
	test("454 4.7.0 at AUTH", settingsFor(authBusy.Addr, transports.EncryptSTARTTLS, ca), checks.Unknown)
	test("everything right", settingsFor(starttls.Addr, transports.EncryptSTARTTLS, ca), checks.Passed)
}

// A DNS failure on the server's name is not "host not found": only
// NXDOMAIN is, and a name without addresses is told apart.
func TestHostLookupOutcomes(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN example.nl.
@ 300 IN SOA ns hostmaster 1 7200 3600 1209600 300
mailonly 300 IN MX 10 mx.example.nl.
`)
	srv.MustAddZone(t, dnstest.SOA("slow.nl", 300))
	srv.Drop("smtp.slow.nl")
	r := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond}
	test := func(host, code string, temporary bool) {
		t.Helper()
		s := Settings{Host: host, Port: 587, Encryption: transports.EncryptSTARTTLS}
		_, err := Connect(context.Background(), &ResolvingDialer{Resolver: r}, s, fast)
		f := Explain(err, s, nil)
		if f.Code != code || f.Temporary != temporary {
			t.Errorf("%s: %s (temporary %v), want %s (temporary %v): %s", host, f.Code, f.Temporary, code, temporary, f.Message)
		}
	}
	test("smtp.example.nl", "smtp.host-not-found", false)
	test("mailonly.example.nl", "smtp.host-not-found", false)
	test("smtp.slow.nl", "smtp.host-lookup-failed", true)
	s := Settings{Host: "mailonly.example.nl", Port: 587}
	_, err := Connect(context.Background(), &ResolvingDialer{Resolver: r}, s, fast)
	if f := Explain(err, s, nil); !strings.Contains(f.Message, "no IPv4 or IPv6 address") {
		t.Errorf("a name without addresses: %q", f.Message)
	}
}

// Data sent right after "220 ready to start TLS", before the handshake,
// is the STARTTLS command injection attack (CVE-2011-0411): the session
// stops and says so.
func TestSTARTTLSInjectionIsRefused(t *testing.T) {
	addr := smtptest.Scripted(t, func(p *smtptest.Peer) {
		p.Say("220 mx.test ESMTP")
		p.Line()
		p.Say("250-mx.test", "250 STARTTLS")
		p.Line()
		// One write: the reply and an injected answer the client would
		// take as the server's, after TLS, for its next command.
		p.Write([]byte("220 2.0.0 Ready to start TLS\r\n250 injected\r\n"))
		p.Line()
	})
	r := run(t, settingsFor(addr, transports.EncryptSTARTTLS, nil), TestOptions{})
	if codes(r) != "smtp.starttls-injection" || r.Connected {
		t.Errorf("findings %q, connected %v", codes(r), r.Connected)
	}
}

// A reply line past RFC 5321's limit ends the session at once instead of
// filling memory until the deadline.
func TestOverlongReplyIsAFinding(t *testing.T) {
	test := func(name string, script func(p *smtptest.Peer)) {
		t.Helper()
		addr := smtptest.Scripted(t, script)
		start := time.Now()
		r := run(t, settingsFor(addr, transports.EncryptNone, nil), TestOptions{Auth: transports.AuthIPAllowlist})
		if !strings.Contains(codes(r), "smtp.reply-too-long") {
			t.Errorf("%s: findings %q", name, codes(r))
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s: took %v, the server kept the session going", name, time.Since(start))
		}
		for _, l := range r.Transcript {
			if len(l.Text) > maxTextLine+40 {
				t.Errorf("%s: a transcript line of %d bytes", name, len(l.Text))
			}
		}
	}
	test("endless greeting", func(p *smtptest.Peer) {
		chunk := []byte(strings.Repeat("x", 4096))
		p.Write([]byte("220 "))
		for range 64 { // 256 KiB without a line end
			if _, err := p.Write(chunk); err != nil {
				return
			}
		}
	})
	test("long EHLO line", func(p *smtptest.Peer) {
		p.Say("220 mx.test")
		p.Line()
		p.Say("250-mx.test", "250 "+strings.Repeat("A", 600))
		p.Line()
	})
}

// Go's own error texts stay out of the words for people.
func TestMessagesCarryNoGoInternals(t *testing.T) {
	ca := smtptest.NewCA(t)
	leaf := ca.Valid(t, "127.0.0.1")
	// A certificate "signed" by a server certificate, which may not sign:
	// Go says "parent certificate cannot sign this kind of certificate".
	chained := smtptest.Issue(t, smtptest.NotACA(t, leaf), []string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	chained.Certificate = append(chained.Certificate, leaf.Certificate[0])
	selfSigned := smtptest.Issue(t, nil, []string{"other.test"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	for name, cert := range map[string]tls.Certificate{"signed by a non-CA": chained, "self-signed for another name": selfSigned} {
		for _, check := range []transports.CertCheck{transports.CertStrict, transports.CertSkip} {
			srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
			s := settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca)
			s.CertCheck = check
			r := run(t, s, TestOptions{})
			words := r.TLS.VerifyProblem
			for _, f := range r.Findings {
				words += "\n" + f.Message + "\n" + f.Fix
			}
			for _, goText := range []string{"x509:", "tls:", "parent certificate", "use of closed", "i/o timeout", "read tcp", "(1 lookups)"} {
				if strings.Contains(words, goText) {
					t.Errorf("%s, %s: the words for people contain %q:\n%s", name, check, goText, words)
				}
			}
			if r.TLS.VerifyError == "" {
				t.Errorf("%s, %s: Go's text is not kept for --json", name, check)
			}
		}
	}
	// A test stopped half way is said to be stopped, not "closed by the server".
	addr := smtptest.Scripted(t, func(p *smtptest.Peer) {
		p.Say("220 mx.test")
		p.Line()
		p.Say("250 mx.test")
		p.Line() // MAIL FROM: never answered
		time.Sleep(2 * time.Second)
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	r := Test(ctx, &net.Dialer{}, settingsFor(addr, transports.EncryptNone, nil), fast, TestOptions{Auth: transports.AuthIPAllowlist, From: "a@example.nl"})
	if got := codes(r); !strings.HasSuffix(got, "smtp.stopped") {
		t.Errorf("cancelled at MAIL FROM: %q", got)
	}
}

// SRV records are capped: a zone with many must not open as many
// connections.
func TestSRVCandidatesAreCapped(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	zone := "$ORIGIN example.nl.\n@ 300 IN SOA ns hostmaster 1 7200 3600 1209600 300\n"
	for i := range 200 {
		zone += "_submission._tcp 300 IN SRV 0 0 587 smtp" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + ".example.nl.\n"
	}
	srv.MustAddZone(t, zone)
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}
	cands, _ := Candidates(context.Background(), c, "example.nl")
	if len(cands) > maxSRVTargets {
		t.Errorf("%d candidates from one SRV name", len(cands))
	}
}
