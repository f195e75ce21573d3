package smtp

import (
	"bytes"
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

var codeLine = regexp.MustCompile(`Verification code: ([A-Z0-9]{4})-([A-Z0-9]{4})`)

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		v, err := NewVerification()
		if err != nil {
			t.Fatal(err)
		}
		if len(v.code) != 8 || strings.ContainsAny(v.code, "0O1IL") {
			t.Fatalf("code %q", v.code)
		}
		seen[v.code] = true
	}
	if len(seen) < 199 {
		t.Errorf("only %d distinct codes in 200", len(seen))
	}
	v, _ := NewVerification()
	v.code = "ABCD2345"
	now := time.Now()
	if err := v.Check("wrong", now); !errors.Is(err, ErrWrongCode) || v.AttemptsLeft() != 4 {
		t.Errorf("wrong code: %v, %d left", err, v.AttemptsLeft())
	}
	if err := v.Check(" abcd-2345 ", now); err != nil {
		t.Errorf("the right code typed loosely: %v", err)
	}
	v2, _ := NewVerification()
	for range 4 {
		v2.Check("nope", now)
	}
	if err := v2.Check(v2.code, now); err != nil {
		t.Errorf("the fifth try with the right code: %v", err)
	}
	v3, _ := NewVerification()
	for range 5 {
		v3.Check("nope", now)
	}
	if err := v3.Check(v3.code, now); !errors.Is(err, ErrTooManyAttempts) {
		t.Errorf("a sixth try: %v", err)
	}
	v4, _ := NewVerification()
	if err := v4.Check(v4.code, now.Add(31*time.Minute)); !errors.Is(err, ErrCodeExpired) {
		t.Errorf("after 31 minutes: %v", err)
	}
}

// A verification mail arrives at a real server, signed with the domain's
// DKIM key; the code in it is typed back; the signature verifies against
// the record published for that key. The mailbox login sends as another
// address of the domain, proving the send-as right.
func TestVerificationMailEndToEnd(t *testing.T) {
	ca := smtptest.NewCA(t)
	expires := time.Now().Add(36 * time.Hour).UTC().Truncate(time.Second)
	cert := smtptest.Issue(t, ca, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), expires)
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"anna@example.nl": password}})
	key, err := dkimkey.Generate(context.Background(), dkimkey.RSA2048)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := dkimkey.NewRecord(key, "example.nl", "clockwise-202611")

	v, _ := NewVerification()
	v.From, v.To = "facturen@example.nl", "it@example.nl"
	msg, err := v.Message(MessageText{Subject: "Verificatiecode voor ClockWise — één keer", Body: "Typ deze code in de wizard."},
		&DKIMSigner{Key: key, Domain: "example.nl", Selector: "clockwise-202611"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca)
	s.Username = "anna@example.nl"
	sess, err := SendVerification(context.Background(), &net.Dialer{}, s, fast, transports.AuthPassword, v, msg)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sess.Transcript.Lines() {
		if strings.Contains(l.Text, v.code[:4]) && strings.Contains(l.Text, "Verification") || strings.Contains(l.Text, password) {
			t.Fatalf("the transcript shows a secret: %q", l.Text)
		}
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].From != "facturen@example.nl" || got[0].User != "anna@example.nl" {
		t.Fatalf("messages %+v", got)
	}
	m := codeLine.FindStringSubmatch(string(got[0].Data))
	if m == nil {
		t.Fatalf("no code line in:\n%s", got[0].Data)
	}
	for _, h := range []string{"Date: ", "Message-ID: <", "MIME-Version: 1.0", "charset=utf-8", "Subject: =?utf-8?q?Verificatiecode", "DKIM-Signature: "} {
		if !bytes.Contains(got[0].Data, []byte(h)) {
			t.Errorf("the mail lacks %q", h)
		}
	}
	if !bytes.Contains(got[0].Data, []byte("c=relaxed/relaxed")) {
		t.Error("the signature is not relaxed/relaxed")
	}
	lookup := func(name string) ([]string, error) {
		if name != rec.Name {
			return nil, errors.New("no such record")
		}
		return []string{rec.Value}, nil
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(got[0].Data), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil || len(verifs) != 1 || verifs[0].Err != nil {
		t.Fatalf("DKIM verification: %v %+v", err, verifs)
	}
	if err := v.Check(m[1]+"-"+m[2], time.Now()); err != nil {
		t.Fatalf("typing the code back: %v", err)
	}
	confirmed := time.Date(2026, 11, 29, 10, 2, 0, 0, time.UTC)
	ev := v.Evidence("Mailbox of Anna", confirmed)
	if !ev.Passed || ev.Origin != transports.OriginAdminDesk || !strings.Contains(ev.Detail, "sent as facturen@example.nl while logged in as anna@example.nl") ||
		strings.Contains(ev.Detail, v.code) {
		t.Errorf("evidence %+v", ev)
	}
	// What the session saw: TLS and the certificate, the login, the
	// sender, and when the code was confirmed.
	if ev.TLS == nil || ev.TLS.Version != "TLS 1.3" || ev.TLS.Subject != "127.0.0.1" || !ev.TLS.NotAfter.Equal(expires) || !ev.TLS.Verified ||
		ev.Auth != "PLAIN accepted" || ev.Sender != "facturen@example.nl" || !ev.At.Equal(confirmed) || ev.Server != srv.Addr {
		t.Errorf("evidence saw %+v, TLS %+v", ev, ev.TLS)
	}
}

// A test's evidence says what the test saw, and passes only when the
// test did.
func TestTestEvidence(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users, Mechanisms: []string{"LOGIN"}})
	open := smtptest.Start(t, smtptest.Options{Cert: &cert})
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	test := func(name string, addr string, s func(*Settings), opts TestOptions, passed bool, auth, sender string) {
		t.Helper()
		st := settingsFor(addr, transports.EncryptSTARTTLS, ca)
		if s != nil {
			s(&st)
		}
		ev := Test(context.Background(), &net.Dialer{}, st, fast, opts).Evidence("Relay", at)
		if ev.Check != "smtp.test" || ev.Passed != passed || ev.Auth != auth || ev.Sender != sender || !ev.At.Equal(at) ||
			ev.TLS == nil || ev.TLS.Version == "" || ev.TLS.Subject != "127.0.0.1" || ev.Origin != transports.OriginAdminDesk {
			t.Errorf("%s: evidence %+v", name, ev)
		}
		if strings.Contains(ev.Detail+ev.Auth, password) {
			t.Errorf("%s: the evidence shows the password: %+v", name, ev)
		}
	}
	test("login and sender", srv.Addr, nil, TestOptions{Auth: transports.AuthPassword, From: "facturen@example.nl"}, true, "LOGIN accepted", "facturen@example.nl")
	test("wrong password", srv.Addr, func(s *Settings) { s.Password = "wrong" }, TestOptions{Auth: transports.AuthPassword, From: "facturen@example.nl"}, false, "LOGIN refused", "")
	test("allow-listed", open.Addr, nil, TestOptions{Auth: transports.AuthIPAllowlist, From: "facturen@example.nl"}, true, AuthAllowListed, "facturen@example.nl")

	plain := smtptest.Start(t, smtptest.Options{})
	ev := Test(context.Background(), &net.Dialer{}, settingsFor(plain.Addr, transports.EncryptNone, nil), fast, TestOptions{Auth: transports.AuthIPAllowlist}).Evidence("Relay", at)
	if ev.TLS != nil || !ev.Passed {
		t.Errorf("unencrypted: evidence %+v, want no TLS seen", ev)
	}
}

func TestVerificationSendFailures(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	// Mailbox mode without the right: the server refuses the other sender.
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"anna@example.nl": password},
		MailError: func(from, user string) error {
			if from != user {
				return &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 7, 60}, Message: "Client does not have permissions to send as this sender"}
			}
			return nil
		}})
	v, _ := NewVerification()
	v.From, v.To = "facturen@example.nl", "it@example.nl"
	msg, _ := v.Message(MessageText{Subject: "code", Body: "x"}, nil, time.Now())
	s := settingsFor(srv.Addr, transports.EncryptSTARTTLS, ca)
	s.Username = "anna@example.nl"
	_, err := SendVerification(context.Background(), &net.Dialer{}, s, fast, transports.AuthPassword, v, msg)
	if f := Explain(err, s, nil); f.Code != "smtp.send-as-denied" || !strings.Contains(f.Fix, "Send as") {
		t.Errorf("send-as denied: %v -> %+v", err, f)
	}
	// A server that drops the connection in the middle of the message.
	addr := smtptest.Scripted(t, func(p *smtptest.Peer) {
		p.Say("220 mx.test")
		p.Line()
		p.Say("250 mx.test")
		for _, reply := range []string{"250 ok", "250 ok", "354 go on"} {
			p.Line()
			p.Say(reply)
		}
		p.Line()
		p.Line() // two lines of the message, then the connection drops
	})
	_, err = SendVerification(context.Background(), &net.Dialer{}, settingsFor(addr, transports.EncryptNone, nil), fast, transports.AuthIPAllowlist, v, msg)
	if f := Explain(err, Settings{}, nil); f.Code != "smtp.connection-dropped" && f.Code != "smtp.server-hung" {
		t.Errorf("dropped mid-DATA: %v -> %s", err, f.Code)
	}
}

// Rejections at RCPT and after the message: the words come from the
// table, the server's own text quoted.
func TestVerificationRejectedLate(t *testing.T) {
	v, _ := NewVerification()
	v.From, v.To = "facturen@example.nl", "nobody@example.nl"
	msg, _ := v.Message(MessageText{Subject: "code", Body: "x"}, nil, time.Now())
	for _, c := range []struct {
		name  string
		rcpt  string
		final string
		code  string
	}{
		{"unknown recipient", "550 5.1.1 nobody@example.nl: user unknown", "", "smtp.rejected"},
		{"rejected after DATA", "250 ok", "554 5.6.0 message content rejected", "smtp.rejected"},
		{"deferred after DATA", "250 ok", "451 4.7.1 greylisted, try again", "smtp.temporary"},
	} {
		addr := smtptest.Scripted(t, func(p *smtptest.Peer) {
			p.Say("220 mx.test")
			p.Line()
			p.Say("250 mx.test")
			p.Line()
			p.Say("250 ok")
			p.Line()
			p.Say(c.rcpt)
			if c.final == "" {
				p.Line()
				return
			}
			p.Line()
			p.Say("354 go on")
			for l := p.Line(); l != "." && l != ""; l = p.Line() {
			}
			p.Say(c.final)
			p.Line()
		})
		_, err := SendVerification(context.Background(), &net.Dialer{}, settingsFor(addr, transports.EncryptNone, nil), fast, transports.AuthIPAllowlist, v, msg)
		if f := Explain(err, Settings{}, nil); f.Code != c.code || !strings.Contains(f.Message, "the server said") {
			t.Errorf("%s: %v -> %+v", c.name, err, f)
		}
	}
}
