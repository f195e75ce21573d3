package smtp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"syscall"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/transports"
)

// The mapping from failures to findings, one row per rule; the
// conversations that produce these failures are in test_test.go.
func TestExplainTable(t *testing.T) {
	smtpErr := func(code int, enh [3]int, msg string) error {
		return &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.EnhancedCode(enh), Message: msg}
	}
	s := Settings{Host: "smtp.example.nl", Port: 587, Encryption: transports.EncryptSTARTTLS, Username: "relay@example.nl"}
	tlsInfo := &TLSInfo{Names: []string{"mail.hoster.test"}, Issuer: "Some CA"}
	table := []struct {
		phase Phase
		err   error
		port  int
		enc   transports.Encryption
		code  string
		says  string
	}{
		{PhaseAuth, smtpErr(535, [3]int{5, 7, 139}, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."), 0, "", "smtp.m365-auth-disabled", "Exchange admin center"},
		{PhaseMail, smtpErr(530, [3]int{5, 7, 57}, "Client not authenticated to send mail. Error: 535 5.7.139"), 0, "", "smtp.m365-not-authenticated", "connector"},
		{PhaseMail, smtpErr(554, [3]int{5, 2, 0}, "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied"), 0, "", "smtp.send-as-denied", "Send as"},
		{PhaseAuth, smtpErr(534, [3]int{5, 7, 9}, "Application-specific password required."), 0, "", "smtp.app-password-required", "app password"},
		{PhaseAuth, smtpErr(535, [3]int{5, 7, 8}, "Username and Password not accepted. For more information, go to BadCredentials"), 0, "", "smtp.auth-failed", "app password"},
		{PhaseAuth, smtpErr(535, [3]int{5, 7, 3}, "Authentication unsuccessful"), 0, "", "smtp.auth-failed", "username"},
		{PhaseMail, smtpErr(530, [3]int{5, 7, 0}, "Must issue a STARTTLS command first"), 0, "", "smtp.starttls-required", "starttls"},
		{PhaseAuth, smtpErr(538, [3]int{5, 7, 11}, "Encryption required"), 0, "", "smtp.encryption-required", "tls"},
		{PhaseAuth, smtpErr(454, [3]int{4, 7, 0}, "Temporary authentication failure"), 0, "", "smtp.auth-temporary", "locked"},
		{PhaseSTARTTLS, smtpErr(454, [3]int{4, 7, 0}, "Command not permitted when TLS active"), 0, "", "smtp.starttls-on-tls-port", "'tls'"},
		{PhaseRcpt, smtpErr(554, [3]int{5, 7, 1}, "Relay access denied"), 0, "", "smtp.relay-denied", "relay"},
		{PhaseRcpt, smtpErr(550, [3]int{5, 7, 1}, "Unable to relay"), 0, "", "smtp.relay-denied", "relay"},
		{PhaseSTARTTLS, errNoSTARTTLS, 0, "", "smtp.no-starttls", "465"},
		{PhaseAuth, errAuthWithoutTLS, 0, "", "smtp.auth-without-tls", "IP allow-listing"},
		{PhaseAuth, &noMechanismError{offered: []string{"XOAUTH2"}}, 0, "", "smtp.no-auth-mechanism", "OAuth"},
		{PhaseTLS, x509.CertificateInvalidError{Reason: x509.Expired}, 0, "", "smtp.cert-expired", "renew"},
		{PhaseTLS, x509.HostnameError{Host: "smtp.example.nl"}, 0, "", "smtp.cert-name-mismatch", "mail.hoster.test"},
		{PhaseTLS, x509.UnknownAuthorityError{}, 0, "", "smtp.cert-unknown-authority", "Some CA"},
		{PhaseTLS, tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, 587, transports.EncryptTLS, "smtp.tls-on-starttls-port", "starttls"},
		{PhaseTLS, errors.New("tls: wrong version number"), 587, transports.EncryptTLS, "smtp.tls-on-starttls-port", "465"},
		{PhaseGreeting, os.ErrDeadlineExceeded, 465, transports.EncryptSTARTTLS, "smtp.plaintext-on-tls-port", "'tls'"},
		{PhaseTLS, errors.New("tls: protocol version not supported"), 0, "", "smtp.tls-old-version", "TLS 1.2"},
		{PhaseTLS, errors.New("remote error: tls: handshake failure"), 0, "", "smtp.tls-failed", "transcript"},
		{PhaseConnect, &net.DNSError{Err: "no such host", Name: "smtp.example.nl", IsNotFound: true}, 0, "", "smtp.host-not-found", "spelling"},
		{PhaseConnect, &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, 0, "", "smtp.connection-refused", "587"},
		{PhaseConnect, &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, 25, "", "smtp.port25-blocked", "587"},
		{PhaseConnect, &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, 587, "", "smtp.connect-timeout", "firewall"},
		{PhaseGreeting, smtpErr(554, [3]int{5, 7, 1}, "blocked using zen.spamhaus.org"), 0, "", "smtp.greeting-rejected", "block list"},
		{PhaseGreeting, io.EOF, 587, "", "smtp.greeting-timeout", "never sent its greeting"},
		{PhaseData, os.ErrDeadlineExceeded, 0, "", "smtp.server-hung", "data"},
		{PhaseData, io.ErrUnexpectedEOF, 0, "", "smtp.connection-dropped", "closed the connection"},
		{PhaseData, io.EOF, 0, "", "smtp.connection-dropped", "closed the connection"},
		{PhaseRcpt, smtpErr(452, [3]int{4, 5, 3}, "Too many recipients"), 0, "", "smtp.temporary", "Too many"},
		{PhaseRcpt, smtpErr(550, [3]int{5, 1, 1}, "User unknown"), 0, "", "smtp.rejected", "User unknown"},
	}
	for _, row := range table {
		st := s
		if row.port != 0 {
			st.Port = row.port
		}
		if row.enc != "" {
			st.Encryption = row.enc
		}
		f := Explain(&Failure{row.phase, row.err}, st, tlsInfo)
		if f.Code != row.code {
			t.Errorf("%s %v: code %s, want %s", row.phase, row.err, f.Code, row.code)
			continue
		}
		if !strings.Contains(f.Message+" "+f.Fix, row.says) {
			t.Errorf("%s: %q / %q does not say %q", row.code, f.Message, f.Fix, row.says)
		}
	}
}

func textprotoError(code int, msg string) error { return &textproto.Error{Code: code, Msg: msg} }
