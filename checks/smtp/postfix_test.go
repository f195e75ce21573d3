package smtp

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

// postfixTimeouts are generous: master starts an smtpd for the first
// connection of each service, which on a loaded machine took longer than
// the 500 ms of the fake servers' tests, and these tests are about
// Postfix's replies, not its speed.
var postfixTimeouts = Timeouts{Connect: 5 * time.Second, Command: 5 * time.Second}

// Against Debian's Postfix, which most customers' relays run: its real
// replies must get the right explanation and class.
func TestPostfixReplies(t *testing.T) {
	ca := smtptest.NewCA(t)
	chainDir := t.TempDir()
	chain := smtptest.PostfixCert(t, chainDir, ca.Valid(t, "127.0.0.1"))
	pf := smtptest.StartPostfix(t, nil,
		// A certificate that cannot be read: Postfix still offers STARTTLS
		// and answers it with 454 4.7.0.
		smtptest.PostfixService{Name: "broken-tls", Options: map[string]string{
			"smtpd_tls_security_level": "may", "smtpd_tls_cert_file": "/nonexistent/cert.pem", "smtpd_tls_key_file": "/nonexistent/key.pem"}},
		smtptest.PostfixService{Name: "encrypt", Options: map[string]string{
			"smtpd_tls_security_level": "encrypt", "smtpd_tls_chain_files": chain}},
		smtptest.PostfixService{Name: "reject-relay", Options: map[string]string{
			"smtpd_tls_security_level": "may", "smtpd_tls_chain_files": chain,
			"smtpd_relay_restrictions": "permit_mynetworks,reject_unauth_destination"}},
	)
	settings := func(service string, enc transports.Encryption) Settings {
		return Settings{Host: "127.0.0.1", Port: pf.Ports[service], Encryption: enc, CertCheck: transports.CertStrict, RootCAs: ca.Pool}
	}
	finding := func(t *testing.T, r *Report, code string, temporary bool, says string) {
		t.Helper()
		for _, f := range r.Findings {
			if f.Code == code {
				if f.Temporary != temporary || !strings.Contains(f.Message, says) {
					t.Errorf("%s: temporary %v, message %q; want temporary %v saying %q", code, f.Temporary, f.Message, temporary, says)
				}
				return
			}
		}
		t.Errorf("no %s in %+v\n%s", code, r.Findings, pf.Log())
	}
	test := func(s Settings, from string) *Report {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return Test(ctx, &net.Dialer{}, s, postfixTimeouts, TestOptions{Auth: transports.AuthIPAllowlist, From: from})
	}

	t.Run("TLS not available", func(t *testing.T) {
		// Not "already encrypted" (the words contain "TLS"), and a 4xx:
		// a retry may help.
		finding(t, test(settings("broken-tls", transports.EncryptSTARTTLS), ""), "smtp.starttls-unavailable", true, "TLS not available due to local problem")
	})
	t.Run("STARTTLS required", func(t *testing.T) {
		finding(t, test(settings("encrypt", transports.EncryptNone), "facturen@example.nl"), "smtp.starttls-required", false, "Must issue a STARTTLS command first")
	})
	t.Run("STARTTLS works", func(t *testing.T) {
		r := test(settings("encrypt", transports.EncryptSTARTTLS), "facturen@example.nl")
		if !r.OK() || r.TLS == nil || !r.TLS.Verified || !r.MailFrom.OK || !strings.Contains(r.Greeting, "Postfix") {
			t.Errorf("report %+v, TLS %+v\n%s", r.Findings, r.TLS, pf.Log())
		}
	})
	// Postfix's default answers 454 4.7.1 (defer_unauth_destination), the
	// strict setting 554 5.7.1: both are a relay refusal that no retry
	// ends, never "try again later".
	for _, service := range []string{"encrypt", "reject-relay"} {
		t.Run("relay denied by "+service, func(t *testing.T) {
			v, _ := NewVerification()
			v.From, v.To = "facturen@example.nl", "someone@example.org"
			msg, _ := v.Message(MessageText{Subject: "test", Body: "test"}, nil, time.Now())
			s := settings(service, transports.EncryptSTARTTLS)
			_, err := SendVerification(context.Background(), &net.Dialer{}, s, postfixTimeouts, transports.AuthIPAllowlist, v, msg)
			f := Explain(err, s, nil)
			if f.Code != "smtp.relay-denied" || f.Temporary || !strings.Contains(f.Message, "Relay access denied") || !strings.Contains(f.Fix, "mynetworks") {
				t.Errorf("%+v (%v)", f, err)
			}
		})
	}
}
