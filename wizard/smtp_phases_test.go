package wizard

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

// The phases of real tests against loopback servers: where each one
// stopped is where the window shows red.
func TestTestPhases(t *testing.T) {
	w := newWorld(t)
	refused := func() int { // a port nothing listens on
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return port
	}()
	grumpy := smtptest.Scripted(t, func(p *smtptest.Peer) { p.Say("554 5.7.1 go away") })
	_, grumpyPort, _ := net.SplitHostPort(grumpy)
	plain := smtptest.Start(t, smtptest.Options{}) // no TLS at all

	test := func(name string, set func(sm *transports.SMTPSettings, s *State), want string) {
		t.Helper()
		f, p, _ := w.start(t, "perfectview", "facturen")
		s := f.State
		must(t, s.ChooseType(p, transports.SMTP, w.env.now()))
		sm := s.Current().SMTP
		sm.Host, sm.Port, sm.Username = "127.0.0.1", w.smtp.Port, "facturen@example.nl"
		must(t, SetSMTPPassword(w.env, s, "Zomer2026!mail"))
		set(sm, s)
		rep, err := TestSMTP(context.Background(), w.env, s)
		must(t, err)
		var got []string
		for _, ph := range TestPhases(rep, sm) {
			got = append(got, fmt.Sprintf("%s=%s", ph.Name, ph.State))
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%s: %s\nwant %s\nfindings %+v", name, g, want, rep.Findings)
		}
	}
	test("all good", func(*transports.SMTPSettings, *State) {},
		"connect=passed tls=passed certificate=passed login=passed sender=passed")
	test("wrong password", func(_ *transports.SMTPSettings, s *State) { must(t, SetSMTPPassword(w.env, s, "winter")) },
		"connect=passed tls=passed certificate=passed login=failed sender=not-reached")
	roots := w.env.RootCAs
	t.Cleanup(func() { w.env.RootCAs = roots })
	w.env.RootCAs = x509.NewCertPool() // the test CA is not trusted
	test("untrusted certificate", func(*transports.SMTPSettings, *State) {},
		"connect=passed tls=passed certificate=failed login=not-reached sender=not-reached")
	test("untrusted certificate, not checked", func(sm *transports.SMTPSettings, _ *State) { sm.CertCheck = transports.CertSkip },
		"connect=passed tls=passed certificate=warning login=passed sender=passed")
	w.env.RootCAs = roots
	test("nothing listens", func(sm *transports.SMTPSettings, _ *State) { sm.Port = refused },
		"connect=failed tls=not-reached certificate=not-reached login=not-reached sender=not-reached")
	test("greeting refused", func(sm *transports.SMTPSettings, _ *State) { sm.Port, _ = strconv.Atoi(grumpyPort) },
		"connect=failed tls=not-reached certificate=not-reached login=not-reached sender=not-reached")
	allowlist := func(sm *transports.SMTPSettings) {
		sm.Auth, sm.Username, sm.PasswordRef = transports.AuthIPAllowlist, "", ""
	}
	test("allow-listed", func(sm *transports.SMTPSettings, _ *State) { allowlist(sm); sm.Port = w.open.Port },
		"connect=passed tls=passed certificate=passed login=skipped sender=passed")
	test("no STARTTLS offered, required", func(sm *transports.SMTPSettings, _ *State) { allowlist(sm); sm.Port = plain.Port },
		"connect=passed tls=failed certificate=not-reached login=skipped sender=not-reached")
	test("no STARTTLS offered, optional", func(sm *transports.SMTPSettings, _ *State) {
		allowlist(sm)
		sm.Port, sm.Encryption = plain.Port, transports.EncryptSTARTTLSOptional
	}, "connect=passed tls=warning certificate=skipped login=skipped sender=passed")
	test("no encryption asked", func(sm *transports.SMTPSettings, _ *State) {
		allowlist(sm)
		sm.Port, sm.Encryption = plain.Port, transports.EncryptNone
	}, "connect=passed tls=skipped certificate=skipped login=skipped sender=passed")
	test("implicit TLS against STARTTLS", func(sm *transports.SMTPSettings, _ *State) { sm.Encryption = transports.EncryptTLS },
		"connect=passed tls=failed certificate=not-reached login=not-reached sender=not-reached")
}
