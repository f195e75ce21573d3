package smtp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks"
	"mailwizard/transports"
)

// failure is what the rules look at.
type failure struct {
	phase Phase
	err   error
	smtp  *gosmtp.SMTPError
	s     Settings
	tls   *TLSInfo
}

func (f *failure) enhanced() string {
	if f.smtp == nil || f.smtp.EnhancedCode == (gosmtp.EnhancedCode{}) {
		return ""
	}
	e := f.smtp.EnhancedCode
	return fmt.Sprintf("%d.%d.%d", e[0], e[1], e[2])
}

func (f *failure) said(words ...string) bool {
	if f.smtp == nil {
		return false
	}
	msg := strings.ToLower(f.smtp.Message)
	for _, w := range words {
		if strings.Contains(msg, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

func (f *failure) code(codes ...int) bool {
	if f.smtp == nil {
		return false
	}
	for _, c := range codes {
		if f.smtp.Code == c {
			return true
		}
	}
	return false
}

func (f *failure) timeout() bool {
	var ne net.Error
	return errors.As(f.err, &ne) && ne.Timeout() || errors.Is(f.err, os.ErrDeadlineExceeded)
}

// serverSaid quotes the server, so the admin can search for it.
func (f *failure) serverSaid() string {
	if f.smtp == nil {
		return ""
	}
	return fmt.Sprintf(" (the server said: %d %s %s)", f.smtp.Code, f.enhanced(), f.smtp.Message)
}

// rule turns a kind of failure into words. The first rule that matches
// wins, so specific rules come before general ones.
type rule struct {
	code  string
	match func(f *failure) bool
	words func(f *failure) (message, fix string)
}

var m365Connector = "Or let the service send without a password: in the Exchange admin center open Mail flow > Connectors, add a connector from " +
	"'Partner organization' to 'Office 365', identify the partner by IP address, and add the service's IP ranges; then choose " +
	"'IP allow-list' as authentication here."

var rules = []rule{
	{"smtp.m365-auth-disabled", func(f *failure) bool {
		return f.enhanced() == "5.7.139" || f.said("SmtpClientAuthentication is disabled")
	},
		func(f *failure) (string, string) {
			return "Microsoft 365 has SMTP AUTH switched off for this mailbox or tenant" + f.serverSaid(),
				"Enable it for the sending mailbox: Microsoft 365 admin center > Users > Active users > the mailbox > Mail > Manage email apps > Authenticated SMTP. " + m365Connector
		}},
	{"smtp.m365-not-authenticated", func(f *failure) bool { return f.enhanced() == "5.7.57" },
		func(f *failure) (string, string) {
			return "Microsoft 365 refuses mail from a client that has not logged in" + f.serverSaid(),
				"Give the mailbox's username and password, or add a connector for the service's IP ranges. " + m365Connector
		}},
	{"smtp.send-as-denied", func(f *failure) bool {
		return f.enhanced() == "5.7.60" || f.said("SendAsDenied", "not allowed to send as")
	},
		func(f *failure) (string, string) {
			return fmt.Sprintf("the account %s may not send as this sender", f.s.Username) + f.serverSaid(),
				"Grant it 'Send as' on the sender's mailbox: Exchange admin center > Recipients > Mailboxes > the sender > Delegation > Send as. Each new sender needs this right."
		}},
	{"smtp.app-password-required", func(f *failure) bool {
		return f.code(534) && (f.enhanced() == "5.7.9" || f.said("application-specific password"))
	},
		func(f *failure) (string, string) {
			return "the account needs an app password, not its normal password" + f.serverSaid(),
				"Turn on 2-Step Verification for the account, create an app password (Google: myaccount.google.com/apppasswords; Microsoft: Security info > Add method > App password) and enter that here."
		}},
	{"smtp.auth-failed", func(f *failure) bool { return f.phase == PhaseAuth && f.code(535) },
		func(f *failure) (string, string) {
			msg := "the server rejected the username or password" + f.serverSaid()
			if f.said("BadCredentials", "Username and Password not accepted") {
				return msg, "Check the address and password. For Google accounts with 2-Step Verification, use an app password."
			}
			return msg, "Check the username (often the full mail address) and the password; sign in to webmail with them to be sure."
		}},
	{"smtp.starttls-required", func(f *failure) bool { return f.code(530) && (f.enhanced() == "5.7.0" || f.said("STARTTLS")) },
		func(f *failure) (string, string) {
			return "the server wants STARTTLS before this command" + f.serverSaid(), "Choose encryption 'starttls'."
		}},
	{"smtp.encryption-required", func(f *failure) bool { return f.code(538) || f.enhanced() == "5.7.11" },
		func(f *failure) (string, string) {
			return "the server requires encryption for this way of logging in" + f.serverSaid(), "Choose encryption 'starttls' or 'tls'."
		}},
	{"smtp.auth-temporary", func(f *failure) bool { return f.phase == PhaseAuth && f.code(454) },
		func(f *failure) (string, string) {
			return "the server could not check the login just now" + f.serverSaid(),
				"Try again in a few minutes. If it persists, the account may be locked after failed attempts: ask the mail administrator."
		}},
	{"smtp.starttls-on-tls-port", func(f *failure) bool { return f.phase == PhaseSTARTTLS && f.code(454, 503) && f.said("TLS", "active") },
		func(f *failure) (string, string) {
			return "the connection is already encrypted, so STARTTLS is refused" + f.serverSaid(), "Choose encryption 'tls' for this port."
		}},
	{"smtp.relay-denied", func(f *failure) bool {
		return (f.phase == PhaseRcpt || f.phase == PhaseMail) && f.code(550, 554, 551) && (f.enhanced() == "5.7.1" || f.said("relay"))
	},
		func(f *failure) (string, string) {
			return "the server refuses to send this mail for this sender or recipient (no relay rights)" + f.serverSaid(),
				"Allow the account (or the service's IP ranges) to relay for the domain on the mail server, or log in with an account that may send as this sender."
		}},
	{"smtp.no-starttls", func(f *failure) bool { return errors.Is(f.err, errNoSTARTTLS) },
		func(f *failure) (string, string) {
			return "the server does not offer STARTTLS, so the connection cannot be encrypted",
				"Try port 465 with encryption 'tls', or ask the mail administrator to enable TLS. Choose 'none' only for a server on a trusted network, with IP allow-listing."
		}},
	{"smtp.auth-without-tls", func(f *failure) bool { return errors.Is(f.err, errAuthWithoutTLS) },
		func(f *failure) (string, string) {
			return "the connection is not encrypted, so the password was not sent: anyone on the network path could read it",
				"Choose encryption 'starttls' or 'tls', or use IP allow-listing instead of a password."
		}},
	{"smtp.no-auth-mechanism", func(f *failure) bool { var e *noMechanismError; return errors.As(f.err, &e) },
		func(f *failure) (string, string) {
			var e *noMechanismError
			errors.As(f.err, &e)
			if strings.Contains(strings.Join(e.offered, " "), "XOAUTH2") {
				return e.Error(), "The server allows only modern (OAuth) sign-in for this account. Use a connector or relay with IP allow-listing, or an account with SMTP AUTH enabled."
			}
			return e.Error(), "Ask the mail administrator to enable password authentication (AUTH PLAIN or LOGIN over TLS), or use IP allow-listing."
		}},
	{"smtp.cert-expired", func(f *failure) bool {
		var e x509.CertificateInvalidError
		return errors.As(f.err, &e) && e.Reason == x509.Expired
	},
		func(f *failure) (string, string) {
			return fmt.Sprintf("the server's certificate is expired or not yet valid (valid %s to %s)", f.tls.NotBefore.Format("2006-01-02"), f.tls.NotAfter.Format("2006-01-02")),
				"Ask the mail administrator to renew the certificate. Until then the service cannot check who it talks to."
		}},
	{"smtp.cert-name-mismatch", func(f *failure) bool { var e x509.HostnameError; return errors.As(f.err, &e) },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the certificate is not for %s; it is for %s", f.s.Host, strings.Join(f.tls.Names, ", ")),
				fmt.Sprintf("Use one of the names the certificate is for as the host (%s), or ask the mail administrator for a certificate that includes %s.", strings.Join(f.tls.Names, ", "), f.s.Host)
		}},
	{"smtp.cert-self-signed", func(f *failure) bool {
		var e x509.UnknownAuthorityError
		return errors.As(f.err, &e) && e.Cert != nil && e.Cert.Subject.String() == e.Cert.Issuer.String()
	},
		func(f *failure) (string, string) {
			return "the server's certificate is self-signed: nobody vouches for it",
				"Ask the mail administrator for a certificate from a public authority (Let's Encrypt is free). Only on a trusted network: set certificate checking to 'skip'."
		}},
	{"smtp.cert-unknown-authority", func(f *failure) bool { var e x509.UnknownAuthorityError; return errors.As(f.err, &e) },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the certificate is issued by %q, an authority this computer does not trust (or the server omits an intermediate certificate)", f.tls.Issuer),
				"Ask the mail administrator to install the full certificate chain, or a certificate from a public authority."
		}},
	{"smtp.tls-on-starttls-port", func(f *failure) bool {
		var rh tls.RecordHeaderError
		return f.phase == PhaseTLS && f.s.Encryption == transports.EncryptTLS &&
			(errors.As(f.err, &rh) || strings.Contains(f.err.Error(), "first record does not look like a TLS handshake") || strings.Contains(f.err.Error(), "wrong version number"))
	},
		func(f *failure) (string, string) {
			return fmt.Sprintf("port %d answered in plain text (an SMTP greeting) while encryption 'tls' expects TLS from the first byte", f.s.Port),
				fmt.Sprintf("Choose encryption 'starttls' for port %d, or use port 465 with 'tls'.", f.s.Port)
		}},
	{"smtp.plaintext-on-tls-port", func(f *failure) bool {
		return f.phase == PhaseGreeting && f.s.Port == 465 && f.s.Encryption != transports.EncryptTLS && (f.timeout() || errors.Is(f.err, io.EOF))
	},
		func(f *failure) (string, string) {
			return "port 465 waited for TLS and sent no greeting: it speaks TLS from the first byte (implicit TLS)",
				"Choose encryption 'tls' for port 465."
		}},
	{"smtp.tls-failed", func(f *failure) bool { return f.phase == PhaseTLS },
		func(f *failure) (string, string) {
			return "the TLS handshake failed: " + f.err.Error(),
				"The server may offer only old TLS versions (before 1.2) or be misconfigured: ask the mail administrator."
		}},
	{"smtp.host-not-found", func(f *failure) bool { var e *net.DNSError; return errors.As(f.err, &e) && e.IsNotFound },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the host name %s does not exist in DNS", f.s.Host), "Check the spelling of the server name."
		}},
	{"smtp.connection-refused", func(f *failure) bool { return errors.Is(f.err, syscall.ECONNREFUSED) },
		func(f *failure) (string, string) {
			return fmt.Sprintf("%s refused the connection on port %d: nothing listens there", f.s.Host, f.s.Port),
				"Check the port (587 for STARTTLS, 465 for TLS) and that the server accepts connections from outside."
		}},
	{"smtp.port25-blocked", func(f *failure) bool { return f.phase == PhaseConnect && f.timeout() && f.s.Port == 25 },
		func(f *failure) (string, string) {
			return fmt.Sprintf("no answer from %s on port 25: many internet providers and networks block port 25", f.s.Host),
				"Try port 587 with STARTTLS. Note that the service's own servers may reach port 25 even if this computer cannot."
		}},
	{"smtp.connect-timeout", func(f *failure) bool { return f.phase == PhaseConnect && f.timeout() },
		func(f *failure) (string, string) {
			return fmt.Sprintf("no answer from %s on port %d (a firewall drops the connection, or the server is down)", f.s.Host, f.s.Port),
				"Check the host and port, and that a firewall allows this computer to connect."
		}},
	{"smtp.greeting-rejected", func(f *failure) bool { return f.phase == PhaseGreeting && f.smtp != nil && f.smtp.Code/100 == 5 },
		func(f *failure) (string, string) {
			return "the server refuses connections from this address" + f.serverSaid(),
				"This computer's address may be on a block list or outside the server's allowed networks: ask the mail administrator. The service's servers may be treated differently."
		}},
	{"smtp.greeting-timeout", func(f *failure) bool { return f.phase == PhaseGreeting && f.smtp == nil },
		func(f *failure) (string, string) {
			return "the server accepted the connection but never greeted: " + f.err.Error(),
				"The server may be overloaded, or this port expects TLS from the first byte (port 465: choose 'tls')."
		}},
	{"smtp.server-hung", func(f *failure) bool { return f.timeout() },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the server stopped answering during %s", f.phase), "Try again; if it persists, ask the mail administrator to check the server."
		}},
	{"smtp.connection-dropped", func(f *failure) bool {
		return errors.Is(f.err, io.EOF) || errors.Is(f.err, io.ErrUnexpectedEOF) || errors.Is(f.err, syscall.ECONNRESET) || errors.Is(f.err, net.ErrClosed)
	},
		func(f *failure) (string, string) {
			return fmt.Sprintf("the server closed the connection during %s", f.phase), "The server may limit connections or message size; try again, then ask the mail administrator."
		}},
	{"smtp.temporary", func(f *failure) bool { return f.smtp != nil && f.smtp.Code/100 == 4 },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the server refused %s for now", f.phase) + f.serverSaid(), "Try again later."
		}},
	{"smtp.rejected", func(f *failure) bool { return f.smtp != nil && f.smtp.Code/100 == 5 },
		func(f *failure) (string, string) {
			return fmt.Sprintf("the server rejected %s", f.phase) + f.serverSaid(), "Read the server's words above; ask the mail administrator if they are unclear."
		}},
}

// Explain turns an error from Connect, Authenticate, TryMailFrom or Send
// into a finding. tlsInfo may be nil.
func Explain(err error, s Settings, tlsInfo *TLSInfo) checks.Finding {
	f := &failure{err: err, s: s, tls: tlsInfo, phase: failedPhase(err)}
	if f.tls == nil {
		f.tls = &TLSInfo{}
	}
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		f.smtp = se
	}
	for _, r := range rules {
		if r.match(f) {
			msg, fix := r.words(f)
			return checks.Finding{Check: "smtp", Severity: checks.Error, Code: r.code, Message: msg, Fix: fix}
		}
	}
	return checks.Finding{Check: "smtp", Severity: checks.Error, Code: "smtp.failed", Message: err.Error()}
}
