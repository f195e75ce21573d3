package wizard

import (
	"strings"

	"mailwizard/checks/smtp"
	"mailwizard/transports"
)

// A connection test passes through phases in the order the service's own
// connection will: reach the server and be greeted, encrypt, check the
// certificate, log in, and offer a sender. A face shows each as passed,
// failed or not reached, so that the admin sees where it stopped; the
// report's findings say why.

// PhaseName names a phase of a connection test.
type PhaseName string

const (
	PhaseConnect     PhaseName = "connect"     // TCP connection and the server's greeting
	PhaseTLS         PhaseName = "tls"         // encryption: implicit TLS or STARTTLS
	PhaseCertificate PhaseName = "certificate" // the server's certificate verifies
	PhaseLogin       PhaseName = "login"       // AUTH with the username and password
	PhaseSender      PhaseName = "sender"      // a sender of the domain at MAIL FROM
)

// PhaseState is how a phase went.
type PhaseState string

const (
	PhasePassed     PhaseState = "passed"
	PhaseFailed     PhaseState = "failed"
	PhaseWarning    PhaseState = "warning"     // went on, but not as it should (not encrypted, certificate not checked)
	PhaseSkipped    PhaseState = "skipped"     // the settings ask for none (no encryption, IP allow-listing)
	PhaseNotReached PhaseState = "not-reached" // an earlier phase failed
)

// TestPhase is one phase and how it went.
type TestPhase struct {
	Name  PhaseName
	State PhaseState
}

// TestPhases reads a connection test's report as phases, judged against
// the settings the test ran with.
func TestPhases(rep *smtp.Report, sm *transports.SMTPSettings) []TestPhase {
	tl := rep.TLS
	// The server was reached when a session came up, when a TLS handshake
	// began (implicit TLS sends no greeting before it), or when it greeted
	// with a 2xx line; a refused connection leaves no transcript, a
	// refused greeting a 5xx line.
	reached := rep.Connected || tl != nil || greeted(rep.Transcript)
	sawCert := tl != nil && tl.Subject != ""

	connect := PhaseFailed
	if reached {
		connect = PhasePassed
	}

	var tlsState PhaseState
	switch {
	case !reached:
		tlsState = PhaseNotReached
	case sm.Encryption == transports.EncryptNone:
		tlsState = PhaseSkipped
	case tl != nil && (tl.Version != "" || sawCert):
		// A certificate that does not verify stops the handshake under
		// strict checking: TLS itself worked, the certificate phase fails.
		tlsState = PhasePassed
	case rep.Connected:
		tlsState = PhaseWarning // starttls-optional, and the server offers no STARTTLS
	default:
		tlsState = PhaseFailed
	}

	var cert PhaseState
	switch {
	case tlsState == PhaseSkipped || tlsState == PhaseWarning:
		cert = PhaseSkipped
	case !sawCert:
		cert = PhaseNotReached
	case tl.Verified:
		cert = PhasePassed
	case sm.CertCheck == transports.CertSkip:
		cert = PhaseWarning
	default:
		cert = PhaseFailed
	}

	var login PhaseState
	switch {
	case sm.Auth == transports.AuthIPAllowlist:
		login = PhaseSkipped
	case rep.Auth == nil:
		login = PhaseNotReached
	case rep.Auth.OK:
		login = PhasePassed
	default:
		login = PhaseFailed
	}

	sender := PhaseNotReached
	if m := rep.MailFrom; m != nil {
		sender = PhaseFailed
		if m.OK {
			sender = PhasePassed
		}
	}
	return []TestPhase{{PhaseConnect, connect}, {PhaseTLS, tlsState}, {PhaseCertificate, cert}, {PhaseLogin, login}, {PhaseSender, sender}}
}

// greeted reports whether the server's first line was a 2xx greeting.
func greeted(lines []smtp.Line) bool {
	for _, l := range lines {
		if l.Dir == "S" {
			return strings.HasPrefix(l.Text, "2")
		}
	}
	return false
}
