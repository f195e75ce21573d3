package smtp

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

var fast = Timeouts{Connect: 2 * time.Second, Command: 500 * time.Millisecond}

const password = "Zomer2026!relay"

var users = map[string]string{"relay@example.nl": password}

func settingsFor(addr string, enc transports.Encryption, ca *smtptest.CA) Settings {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	s := Settings{Host: host, Port: p, Encryption: enc, CertCheck: transports.CertStrict, Username: "relay@example.nl", Password: password}
	if ca != nil {
		s.RootCAs = ca.Pool
	}
	return s
}

func codes(r *Report) string {
	var out []string
	for _, f := range r.Findings {
		if f.Code != "smtp.desk-test" && f.Code != "smtp.unreachable-address" { // tests run on 127.0.0.1
			out = append(out, f.Code)
		}
	}
	return strings.Join(out, ",")
}

func run(t *testing.T, s Settings, opts TestOptions) *Report {
	t.Helper()
	if opts.Auth == "" {
		opts.Auth = transports.AuthPassword
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r := Test(ctx, &net.Dialer{}, s, fast, opts)
	for _, l := range r.Transcript {
		if strings.Contains(l.Text, password) || strings.Contains(l.Text, "cmVsYXk") /* base64 of "relay" */ {
			t.Fatalf("a credential reached the transcript: %q", l.Text)
		}
	}
	return r
}

func TestSTARTTLSWithAuthAndSender(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	r := run(t, settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca), TestOptions{From: "facturen@example.nl"})
	// The sender was accepted at MAIL FROM, but that is not a send-as
	// right: the report must not claim it.
	if !r.OK() || codes(r) != "smtp.send-as-unproven" || r.MailFrom.SendAsProven {
		t.Fatalf("findings %+v, mail from %+v", r.Findings, r.MailFrom)
	}
	if r.TLS == nil || !r.TLS.Verified || !r.TLS.MatchesHost || r.TLS.Version != "TLS 1.3" || r.TLS.Issuer != "mailwizard test CA" {
		t.Errorf("TLS %+v", r.TLS)
	}
	if r.Auth == nil || !r.Auth.OK || r.Auth.Mechanism != "PLAIN" || !r.MailFrom.OK || !strings.HasPrefix(r.Greeting, "220 mx.test") {
		t.Errorf("auth %+v, mail %+v, greeting %q", r.Auth, r.MailFrom, r.Greeting)
	}
	joined := ""
	for _, l := range r.Transcript {
		joined += l.String() + "\n"
	}
	for _, want := range []string{"-> STARTTLS", "== TLS established: TLS 1.3", "-> AUTH PLAIN ***", "<- 235", "-> MAIL FROM:<facturen@example.nl>"} {
		if !strings.Contains(joined, want) {
			t.Errorf("transcript lacks %q:\n%s", want, joined)
		}
	}
}

func TestImplicitTLSAndLoginOnly(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Implicit: true, Users: users, Mechanisms: []string{"LOGIN"}})
	r := run(t, settingsFor(srv.Addr, transports.EncryptTLS, ca), TestOptions{})
	if !r.OK() || r.Auth.Mechanism != "LOGIN" || !r.Auth.OK {
		t.Fatalf("implicit TLS with LOGIN: %+v %+v", r.Auth, r.Findings)
	}
	var saw bool
	for _, l := range r.Transcript {
		if l.Dir == "C" && l.Text == "***" {
			saw = true
		}
	}
	if !saw {
		t.Error("the LOGIN username and password lines are not masked as ***")
	}
}

// Each server answer of the issue's list gives its own finding code.
func TestServerAnswersBecomeFindings(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	smtpErr := func(code int, enh [3]int, msg string) *gosmtp.SMTPError {
		return &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.EnhancedCode(enh), Message: msg}
	}
	test := func(name string, opts smtptest.Options, pw string, want string) {
		t.Helper()
		opts.Cert = &cert
		if opts.Users == nil {
			opts.Users = users
		}
		srv := smtptest.Start(t, opts)
		s := settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca)
		s.Password = pw
		r := run(t, s, TestOptions{From: "directie@example.nl"})
		if got := codes(r); got != want {
			t.Errorf("%s: findings %q, want %q (%+v)", name, got, want, r.Findings)
		}
	}
	test("wrong password", smtptest.Options{}, "wrong", "smtp.auth-failed")
	test("SMTP AUTH off in Microsoft 365", smtptest.Options{AuthError: smtpErr(535, [3]int{5, 7, 139}, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.")}, password, "smtp.m365-auth-disabled")
	test("Gmail app password", smtptest.Options{AuthError: smtpErr(534, [3]int{5, 7, 9}, "Application-specific password required.")}, password, "smtp.app-password-required")
	test("encryption required", smtptest.Options{AuthError: smtpErr(538, [3]int{5, 7, 11}, "Encryption required for requested authentication mechanism")}, password, "smtp.encryption-required")
	test("temporary auth failure", smtptest.Options{AuthError: smtpErr(454, [3]int{4, 7, 0}, "Temporary authentication failure")}, password, "smtp.auth-temporary")
	test("not authenticated", smtptest.Options{MailError: func(string, string) error {
		return smtpErr(530, [3]int{5, 7, 57}, "Client not authenticated to send mail.")
	}}, password, "smtp.m365-not-authenticated")
	test("send as denied", smtptest.Options{MailError: func(from, user string) error {
		return smtpErr(554, [3]int{5, 7, 60}, "SMTP; Client does not have permissions to send as this sender")
	}}, password, "smtp.send-as-denied")
	test("starttls required", smtptest.Options{MailError: func(string, string) error {
		return smtpErr(530, [3]int{5, 7, 0}, "Must issue a STARTTLS command first")
	}}, password, "smtp.starttls-required")
	test("relay denied", smtptest.Options{MailError: func(string, string) error {
		return smtpErr(550, [3]int{5, 7, 1}, "Relaying denied")
	}}, password, "smtp.relay-denied")
}

func TestCertificates(t *testing.T) {
	ca := smtptest.NewCA(t)
	other := smtptest.NewCA(t)
	test := func(name string, cert tls.Certificate, check transports.CertCheck, want string, says string) {
		t.Helper()
		srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
		s := settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca)
		s.CertCheck = check
		r := run(t, s, TestOptions{})
		if codes(r) != want || r.TLS == nil {
			t.Errorf("%s: findings %q, want %q (%+v)", name, codes(r), want, r.Findings)
			return
		}
		if last := r.Findings[len(r.Findings)-1]; says != "" && !strings.Contains(last.Message, says) {
			t.Errorf("%s: message %q does not say %q", name, last.Message, says)
		}
	}
	test("expired", ca.Expired(t, "127.0.0.1"), transports.CertStrict, "smtp.cert-expired", "expired")
	test("for another name", ca.Valid(t, "mail.other.test", "smtp.other.test"), transports.CertStrict, "smtp.cert-name-mismatch", "it is for mail.other.test, smtp.other.test")
	test("self-signed", smtptest.Issue(t, nil, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)), transports.CertStrict, "smtp.cert-self-signed", "self-signed")
	test("unknown authority", other.Valid(t, "127.0.0.1"), transports.CertStrict, "smtp.cert-unknown-authority", "mailwizard test CA")
	test("self-signed, checking off", smtptest.Issue(t, nil, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)), transports.CertSkip, "smtp.cert-not-checked", "")
}

func TestEncryptionMismatches(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	plain := smtptest.Start(t, smtptest.Options{Users: users})
	starttls := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	implicit := smtptest.Start(t, smtptest.Options{Cert: &cert, Implicit: true, Users: users})
	test := func(name string, addr string, enc transports.Encryption, want string) *Report {
		t.Helper()
		r := run(t, settingsFor(addr, enc, ca), TestOptions{})
		if codes(r) != want {
			t.Errorf("%s: findings %q, want %q (%+v)", name, codes(r), want, r.Findings)
		}
		return r
	}
	r := test("password without encryption", plain.Addr, transports.EncryptNone, "smtp.unencrypted,smtp.auth-without-tls")
	for _, l := range r.Transcript {
		if strings.HasPrefix(l.Text, "AUTH") {
			t.Errorf("AUTH was sent over plaintext: %q", l.Text)
		}
	}
	test("STARTTLS required, not offered", plain.Addr, transports.EncryptSTARTTLS, "smtp.no-starttls")
	test("STARTTLS optional, not offered", plain.Addr, transports.EncryptSTARTTLSOptional, "smtp.unencrypted,smtp.auth-without-tls")
	test("STARTTLS optional, offered", starttls.Addr, transports.EncryptSTARTTLSOptional, "")
	test("implicit TLS on a STARTTLS port", starttls.Addr, transports.EncryptTLS, "smtp.tls-on-starttls-port")
	test("plaintext on an implicit TLS port", implicit.Addr, transports.EncryptSTARTTLS, "smtp.greeting-timeout")
}

// Faults a real server will not show on demand come from a scripted peer.
func TestFaultsEndWithinTheirDeadline(t *testing.T) {
	test := func(name string, enc transports.Encryption, script func(p *smtptest.Peer), want string) {
		t.Helper()
		addr := smtptest.Scripted(t, script)
		start := time.Now()
		r := run(t, settingsFor(addr, enc, nil), TestOptions{From: "a@example.nl", Auth: transports.AuthIPAllowlist})
		if codes(r) != want {
			t.Errorf("%s: findings %q, want %q (%+v)", name, codes(r), want, r.Findings)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v; the command deadline is %v", name, d, fast.Command)
		}
	}
	test("never greets", transports.EncryptNone, func(p *smtptest.Peer) { p.Line() }, "smtp.greeting-timeout")
	test("hangs after EHLO", transports.EncryptNone, func(p *smtptest.Peer) {
		p.Say("220 mx.test ESMTP")
		p.Line()
		p.Say("250-mx.test", "250 8BITMIME")
		p.Line() // MAIL FROM: never answered
		p.Line()
	}, "smtp.unencrypted,smtp.allowlist-unproven,smtp.server-hung")
	test("rejects at the greeting", transports.EncryptSTARTTLS, func(p *smtptest.Peer) {
		p.Say("554 5.7.1 mx.test: your address is on a block list")
	}, "smtp.greeting-rejected")
	test("STARTTLS on an already encrypted port", transports.EncryptSTARTTLS, func(p *smtptest.Peer) {
		p.Say("220 mx.test")
		p.Line()
		p.Say("250-mx.test", "250 STARTTLS")
		p.Line()
		p.Say("454 4.7.0 Command not permitted when TLS active")
	}, "smtp.starttls-on-tls-port")
	test("temporary failure at MAIL", transports.EncryptNone, func(p *smtptest.Peer) {
		p.Say("220 mx.test")
		p.Line()
		p.Say("250 mx.test")
		p.Line()
		p.Say("451 4.3.0 Mail server temporarily rejected message")
		p.Line()
	}, "smtp.unencrypted,smtp.allowlist-unproven,smtp.temporary")
}

func TestConnectFailures(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	r := run(t, settingsFor(addr, transports.EncryptSTARTTLS, nil), TestOptions{})
	if codes(r) != "smtp.connection-refused" || r.Connected {
		t.Errorf("refused: %q", codes(r))
	}
	// A firewall that drops packets cannot be made on loopback: this dialer
	// stands in for it, waiting out the connect deadline.
	s := settingsFor("192.0.2.25:25", transports.EncryptSTARTTLS, nil)
	r = Test(context.Background(), blackhole{}, s, Timeouts{Connect: 100 * time.Millisecond, Command: time.Second}, TestOptions{})
	if codes(r) != "smtp.port25-blocked" || !strings.Contains(r.Findings[0].Fix, "587") {
		t.Errorf("port 25: %+v", r.Findings)
	}
}

type blackhole struct{}

func (blackhole) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: network, Err: os.ErrDeadlineExceeded}
}

func TestCancelEndsTheSession(t *testing.T) {
	addr := smtptest.Scripted(t, func(p *smtptest.Peer) { p.Line() }) // never greets
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := Connect(ctx, &net.Dialer{}, settingsFor(addr, transports.EncryptNone, nil), DefaultTimeouts)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("a cancelled connect returned %v after %v", err, time.Since(start))
	}
}

func TestUnreachableAddresses(t *testing.T) {
	r := &Report{}
	r.checkReachable(context.Background(), Settings{Host: "192.168.1.10"}, TestOptions{})
	r.checkReachable(context.Background(), Settings{Host: "100.72.1.1"}, TestOptions{})
	r.checkReachable(context.Background(), Settings{Host: "203.0.113.5"}, TestOptions{})
	if len(r.Findings) != 2 || r.Findings[0].Code != "smtp.unreachable-address" {
		t.Errorf("findings %+v", r.Findings)
	}
}
