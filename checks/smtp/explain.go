package smtp

import (
	"context"
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
	"mailwizard/checks/dnsq"
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

func (f *failure) message() string {
	if f.smtp == nil {
		return ""
	}
	return f.smtp.Message
}

func (f *failure) said(words ...string) bool {
	msg := strings.ToLower(f.message())
	for _, w := range words {
		if msg != "" && strings.Contains(msg, strings.ToLower(w)) {
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

// serverSaid quotes the server, so the admin can search for it; it is
// appended to a message, or empty without a reply.
func (f *failure) serverSaid() checks.Text {
	if f.smtp == nil {
		return checks.Text{}
	}
	quote := strings.TrimRight(fmt.Sprintf("%d %s %s", f.smtp.Code, f.enhanced(), f.smtp.Message), " ")
	return checks.T("smtp.server-said", " (the server said: %s)", quote)
}

// rule turns a kind of failure into words. The first rule that matches
// wins, so specific rules come before general ones. temporary says
// whether trying again may succeed: it is decided here, with the words,
// and nowhere else.
type rule struct {
	code      string
	temporary bool
	match     func(f *failure) bool
	words     func(f *failure) (message, fix checks.Text)
}

func certErr(f *failure) bool {
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var roots x509.SystemRootsError
	return errors.As(f.err, &invalid) || errors.As(f.err, &host) || errors.As(f.err, &unknown) || errors.As(f.err, &roots)
}

func certWords(f *failure) (checks.Text, checks.Text) {
	return certProblem(f.err, f.tls, f.s.Host), certFix(f.err, f.tls, f.s.Host)
}

var rules = []rule{
	{code: "smtp.stopped", temporary: true, match: func(f *failure) bool { return errors.Is(f.err, context.Canceled) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.stopped", "the test was stopped during %s, before the server's answer", string(f.phase)),
				checks.T("smtp.stopped.fix", "Run it again when you are ready.")
		}},
	{code: "smtp.m365-not-authenticated", match: func(f *failure) bool { return f.enhanced() == "5.7.57" },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.m365-not-authenticated", "Microsoft 365 refuses mail from a client that has not logged in%s", f.serverSaid()),
				checks.T("smtp.m365-not-authenticated.fix", "Give the mailbox's username and password, or add a connector for the service's IP ranges. %s", m365Connector())
		}},
	{code: "smtp.send-as-denied", match: func(f *failure) bool {
		return f.enhanced() == "5.7.60" || f.said("SendAsDenied", "not allowed to send as", "permissions to send as")
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.send-as-denied", "the account %s may not send as this sender%s", f.s.Username, f.serverSaid()),
				checks.T("smtp.send-as-denied.fix", "Grant it 'Send as' on the sender's mailbox: Exchange admin center > Recipients > Mailboxes > the sender > Delegation > Send as. Each new sender needs this right.")
		}},
	{code: "smtp.app-password-required", match: func(f *failure) bool {
		return f.code(534) && (f.enhanced() == "5.7.9" || f.said("application-specific password"))
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.app-password-required", "the account needs an app password, not its normal password%s", f.serverSaid()),
				checks.T("smtp.app-password-required.fix", "Turn on 2-Step Verification for the account, create an app password (Google: myaccount.google.com/apppasswords; Microsoft: Security info > Add method > App password) and enter that here.")
		}},
	{code: "smtp.auth-failed", match: func(f *failure) bool { return f.phase == PhaseAuth && f.code(535) },
		words: func(f *failure) (checks.Text, checks.Text) {
			msg := checks.T("smtp.auth-failed", "the server rejected the username or password%s", f.serverSaid())
			if f.said("BadCredentials", "Username and Password not accepted") {
				return msg, checks.T("smtp.auth-failed.fix.google", "Check the address and password. For Google accounts with 2-Step Verification, use an app password.")
			}
			return msg, checks.T("smtp.auth-failed.fix", "Check the username (often the full mail address) and the password; sign in to webmail with them to be sure.")
		}},
	{code: "smtp.starttls-required", match: func(f *failure) bool { return f.code(530) && (f.enhanced() == "5.7.0" || f.said("STARTTLS")) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.starttls-required", "the server wants STARTTLS before this command%s", f.serverSaid()),
				checks.T("smtp.starttls-required.fix", "Choose encryption 'starttls'.")
		}},
	{code: "smtp.encryption-required", match: func(f *failure) bool { return f.code(538) || f.enhanced() == "5.7.11" },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.encryption-required", "the server requires encryption for this way of logging in%s", f.serverSaid()),
				checks.T("smtp.encryption-required.fix", "Choose encryption 'starttls' or 'tls'.")
		}},
	{code: "smtp.auth-temporary", temporary: true, match: func(f *failure) bool { return f.phase == PhaseAuth && f.smtp != nil && f.smtp.Code/100 == 4 },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.auth-temporary", "the server could not check the login just now%s", f.serverSaid()),
				checks.T("smtp.auth-temporary.fix", "Try again in a few minutes. If it persists, the account may be locked after failed attempts: ask the mail administrator.")
		}},
	{code: "smtp.starttls-on-tls-port", match: func(f *failure) bool {
		return f.phase == PhaseSTARTTLS && f.said("already", "TLS active", "TLS is active")
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.starttls-on-tls-port", "the connection is already encrypted, so STARTTLS is refused%s", f.serverSaid()),
				checks.T("smtp.starttls-on-tls-port.fix", "Choose encryption 'tls' for this port.")
		}},
	{code: "smtp.starttls-unavailable", temporary: true, match: func(f *failure) bool { return f.phase == PhaseSTARTTLS && f.code(454) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.starttls-unavailable", "the server offers STARTTLS but could not start it%s", f.serverSaid()),
				checks.T("smtp.starttls-unavailable.fix", "The server is misconfigured: Postfix says this when it cannot read its certificate or key. Ask the mail administrator to check its TLS settings; the server may recover on its own, so try again later too.")
		}},
	// Postfix's default relay restriction (defer_unauth_destination)
	// answers 454 4.7.1 on purpose, so that a configuration mistake does
	// not bounce mail: the words are definite and only a change on the
	// server ends it, so it is not temporary for us.
	{code: "smtp.relay-denied", match: func(f *failure) bool {
		return (f.phase == PhaseRcpt || f.phase == PhaseMail) &&
			(f.code(550, 554, 551) && (f.enhanced() == "5.7.1" || f.said("relay")) || f.code(454) && f.said("relay access denied"))
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			msg := checks.T("smtp.relay-denied", "the server refuses to send this mail for this sender or recipient (no relay rights)%s", f.serverSaid())
			if f.code(454) {
				msg = checks.T("smtp.relay-denied.postfix", "the server refuses to send this mail for this sender or recipient (no relay rights)%s; Postfix gives this as a temporary refusal so that mail is not lost while it is misconfigured, but it stays until the server's settings change", f.serverSaid())
			}
			return msg, checks.T("smtp.relay-denied.fix", "Allow the account (or the service's IP ranges) to relay for the domain on the mail server (Postfix: add them to mynetworks, or permit them in smtpd_relay_restrictions), or log in with an account that may send as this sender.")
		}},
	{code: "smtp.no-starttls", match: func(f *failure) bool { return errors.Is(f.err, errNoSTARTTLS) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.no-starttls", "the server does not offer STARTTLS, so the connection cannot be encrypted"),
				checks.T("smtp.no-starttls.fix", "Try port 465 with encryption 'tls', or ask the mail administrator to enable TLS. Choose 'none' only for a server on a trusted network, with IP allow-listing.")
		}},
	{code: "smtp.starttls-injection", match: func(f *failure) bool { return errors.Is(f.err, errInjection) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.starttls-injection", "the server sent more text right after agreeing to STARTTLS, before encryption began: that is how an attacker on the network path injects commands (CVE-2011-0411), so mailwizard stopped"),
				checks.T("smtp.starttls-injection.fix", "Ask the mail administrator to check the server and the network in between (a faulty firewall or proxy can cause it too).")
		}},
	{code: "smtp.reply-too-long", match: func(f *failure) bool { return errors.Is(f.err, errReplyTooLong) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.reply-too-long", "the server sent a reply line longer than %d characters during %s, the limit of RFC 5321 section 4.5.3.1.5: it is misbehaving, or it is not a mail server", maxReplyLine, string(f.phase)),
				checks.T("smtp.reply-too-long.fix", "Check the host and port; if they are right, ask the mail administrator to look at the server.")
		}},
	{code: "smtp.auth-without-tls", match: func(f *failure) bool { return errors.Is(f.err, errAuthWithoutTLS) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.auth-without-tls", "the connection is not encrypted, so the password was not sent: anyone on the network path could read it"),
				checks.T("smtp.auth-without-tls.fix", "Choose encryption 'starttls' or 'tls', or use IP allow-listing instead of a password.")
		}},
	{code: "smtp.no-auth-mechanism", match: func(f *failure) bool { var e *noMechanismError; return errors.As(f.err, &e) },
		words: func(f *failure) (checks.Text, checks.Text) {
			var e *noMechanismError
			errors.As(f.err, &e)
			if strings.Contains(strings.Join(e.offered, " "), "XOAUTH2") {
				return e.text(), checks.T("smtp.no-auth-mechanism.fix.oauth", "The server allows only modern (OAuth) sign-in for this account. Use a connector or relay with IP allow-listing, or an account with SMTP AUTH enabled.")
			}
			return e.text(), checks.T("smtp.no-auth-mechanism.fix", "Ask the mail administrator to enable password authentication (AUTH PLAIN or LOGIN over TLS), or use IP allow-listing.")
		}},
	{code: "smtp.cert-expired", match: func(f *failure) bool {
		var e x509.CertificateInvalidError
		return errors.As(f.err, &e) && e.Reason == x509.Expired
	}, words: certWords},
	{code: "smtp.cert-name-mismatch", match: func(f *failure) bool { var e x509.HostnameError; return errors.As(f.err, &e) }, words: certWords},
	{code: "smtp.cert-self-signed", match: func(f *failure) bool {
		var e x509.UnknownAuthorityError
		return errors.As(f.err, &e) && e.Cert != nil && e.Cert.Subject.String() == e.Cert.Issuer.String()
	}, words: certWords},
	{code: "smtp.cert-unknown-authority", match: func(f *failure) bool { var e x509.UnknownAuthorityError; return errors.As(f.err, &e) }, words: certWords},
	{code: "smtp.cert-invalid", match: certErr, words: certWords},
	{code: "smtp.tls-on-starttls-port", match: func(f *failure) bool {
		var rh tls.RecordHeaderError
		return f.phase == PhaseTLS && f.s.Encryption == transports.EncryptTLS &&
			(errors.As(f.err, &rh) || strings.Contains(f.err.Error(), "first record does not look like a TLS handshake") || strings.Contains(f.err.Error(), "wrong version number"))
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.tls-on-starttls-port", "port %d answered in plain text (an SMTP greeting) while encryption 'tls' expects TLS from the first byte", f.s.Port),
				checks.T("smtp.tls-on-starttls-port.fix", "Choose encryption 'starttls' for port %d, or use port 465 with 'tls'.", f.s.Port)
		}},
	{code: "smtp.plaintext-on-tls-port", match: func(f *failure) bool {
		return f.phase == PhaseGreeting && f.s.Port == 465 && f.s.Encryption != transports.EncryptTLS && (f.timeout() || errors.Is(f.err, io.EOF))
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.plaintext-on-tls-port", "port 465 waited for TLS and sent no greeting: it speaks TLS from the first byte (implicit TLS)"),
				checks.T("smtp.plaintext-on-tls-port.fix", "Choose encryption 'tls' for port 465.")
		}},
	{code: "smtp.tls-old-version", match: func(f *failure) bool {
		return f.phase == PhaseTLS && (strings.Contains(f.err.Error(), "protocol version") || strings.Contains(f.err.Error(), "no supported versions"))
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.tls-old-version", "the server and mailwizard share no TLS version: the server offers only TLS 1.0 or 1.1, which are no longer safe (RFC 8996)"),
				checks.T("smtp.tls-old-version.fix", "Ask the mail administrator to enable TLS 1.2 or 1.3 on the server.")
		}},
	{code: "smtp.tls-failed", match: func(f *failure) bool { return f.phase == PhaseTLS },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.tls-failed", "the TLS handshake with the server failed"),
				checks.T("smtp.tls-failed.fix", "The server may offer only old TLS versions or ciphers, or be misconfigured: ask the mail administrator, and show them the transcript.")
		}},
	{code: "smtp.host-lookup-failed", temporary: true, match: func(f *failure) bool { var e *dnsq.Error; return errors.As(f.err, &e) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.host-lookup-failed", "the address of %s could not be looked up: the DNS server did not answer or failed, so whether the name exists is unknown", f.s.Host),
				checks.T("smtp.host-lookup-failed.fix", "Check the network, or give another resolver with --resolver, and try again.")
		}},
	{code: "smtp.host-not-found", match: func(f *failure) bool { var e *net.DNSError; return errors.As(f.err, &e) && e.IsNotFound },
		words: func(f *failure) (checks.Text, checks.Text) {
			var e *net.DNSError
			errors.As(f.err, &e)
			if e.Err == errNoAddress {
				return checks.T("smtp.host-not-found.no-address", "the host name %s exists in DNS but has no IPv4 or IPv6 address", f.s.Host),
					checks.T("smtp.host-not-found.fix.no-address", "Check the server name: it may be a mail domain rather than the server's own name.")
			}
			return checks.T("smtp.host-not-found", "the host name %s does not exist in DNS", f.s.Host), checks.T("smtp.host-not-found.fix", "Check the spelling of the server name.")
		}},
	{code: "smtp.connection-refused", temporary: true, match: func(f *failure) bool { return errors.Is(f.err, syscall.ECONNREFUSED) },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.connection-refused", "%s refused the connection on port %d: nothing listens there now", f.s.Host, f.s.Port),
				checks.T("smtp.connection-refused.fix", "Check the port (587 for STARTTLS, 465 for TLS) and that the server accepts connections from outside.")
		}},
	{code: "smtp.port25-blocked", temporary: true, match: func(f *failure) bool { return f.phase == PhaseConnect && f.timeout() && f.s.Port == 25 },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.port25-blocked", "no answer from %s on port 25: many internet providers and networks block port 25", f.s.Host),
				checks.T("smtp.port25-blocked.fix", "Try port 587 with STARTTLS. Note that the service's own servers may reach port 25 even if this computer cannot.")
		}},
	{code: "smtp.connect-timeout", temporary: true, match: func(f *failure) bool { return f.phase == PhaseConnect && f.timeout() },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.connect-timeout", "no answer from %s on port %d (a firewall drops the connection, or the server is down)", f.s.Host, f.s.Port),
				checks.T("smtp.connect-timeout.fix", "Check the host and port, and that a firewall allows this computer to connect.")
		}},
	{code: "smtp.greeting-rejected", match: func(f *failure) bool { return f.phase == PhaseGreeting && f.smtp != nil && f.smtp.Code/100 == 5 },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.greeting-rejected", "the server refuses connections from this address%s", f.serverSaid()),
				checks.T("smtp.greeting-rejected.fix", "This computer's address may be on a block list or outside the server's allowed networks: ask the mail administrator. The service's servers may be treated differently.")
		}},
	{code: "smtp.greeting-timeout", temporary: true, match: func(f *failure) bool { return f.phase == PhaseGreeting && f.smtp == nil },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.greeting-timeout", "the server accepted the connection but never sent its greeting"),
				checks.T("smtp.greeting-timeout.fix", "The server may be overloaded, or this port expects TLS from the first byte (port 465: choose 'tls').")
		}},
	{code: "smtp.server-hung", temporary: true, match: func(f *failure) bool { return f.timeout() },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.server-hung", "the server stopped answering during %s", string(f.phase)),
				checks.T("smtp.server-hung.fix", "Try again; if it persists, ask the mail administrator to check the server.")
		}},
	{code: "smtp.connection-dropped", temporary: true, match: func(f *failure) bool {
		return errors.Is(f.err, io.EOF) || errors.Is(f.err, io.ErrUnexpectedEOF) || errors.Is(f.err, syscall.ECONNRESET) || errors.Is(f.err, net.ErrClosed)
	},
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.connection-dropped", "the server closed the connection during %s", string(f.phase)),
				checks.T("smtp.connection-dropped.fix", "The server may limit connections or message size; try again, then ask the mail administrator.")
		}},
	{code: "smtp.temporary", temporary: true, match: func(f *failure) bool { return f.smtp != nil && f.smtp.Code/100 == 4 },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.temporary", "the server refused %s for now%s", string(f.phase), f.serverSaid()),
				checks.T("smtp.temporary.fix", "Try again later.")
		}},
	{code: "smtp.rejected", match: func(f *failure) bool { return f.smtp != nil && f.smtp.Code/100 == 5 },
		words: func(f *failure) (checks.Text, checks.Text) {
			return checks.T("smtp.rejected", "the server rejected %s%s", string(f.phase), f.serverSaid()),
				checks.T("smtp.rejected.fix", "Read the server's words above; ask the mail administrator if they are unclear.")
		}},
}

// Explain turns an error from Connect, Authenticate, TryMailFrom or Send
// into a finding. tlsInfo may be nil. The error's own text goes to Detail,
// never to Message.
func Explain(err error, s Settings, tlsInfo *TLSInfo) checks.Finding {
	f := &failure{err: err, s: s, tls: tlsInfo, phase: failedPhase(err)}
	if f.tls == nil {
		f.tls = &TLSInfo{}
	}
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		f.smtp = se
	}
	found := checks.Finding{Check: "smtp", Severity: checks.Error, Code: "smtp.failed", Detail: err.Error()}.Say(
		checks.T("smtp.failed", "the conversation with the server failed during %s%s", string(f.phase), f.serverSaid()),
		checks.T("smtp.failed.fix", "Show the transcript to the mail administrator."))
	r, ok := explainM365(f)
	for i := 0; !ok && i < len(rules); i++ {
		r, ok = rules[i], rules[i].match(f)
	}
	if ok {
		found.Code, found.Temporary = r.code, r.temporary
		found = found.Say(r.words(f))
	}
	return found
}
