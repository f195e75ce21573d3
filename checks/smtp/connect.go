// Package smtp tests the admin's own mail server the way the service will
// use it: connect with the chosen encryption, check the certificate,
// authenticate, try a sender address, and, to prove the transport, send a
// mail with a one-time code. Every failure becomes a finding with words a
// person can act on (explain.go), and a transcript shows the conversation
// with passwords and the code left out.
package smtp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks"
	"mailwizard/transports"
)

// Dialer opens connections; *net.Dialer is one, tests and proxies inject
// others.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Settings describe the server and how to talk to it.
type Settings struct {
	Host       string
	Port       int
	Encryption transports.Encryption
	CertCheck  transports.CertCheck
	Username   string
	Password   string // never logged, never in a transcript
	LocalName  string // EHLO name; default: our address as a literal
	// RootCAs verifies certificates; nil means the system's roots.
	RootCAs *x509.CertPool
}

// Timeouts bound the steps; the caller's context bounds the whole.
type Timeouts struct {
	Connect time.Duration // 10 s
	Command time.Duration // 30 s for each command and the TLS handshake
}

// DefaultTimeouts are those of the issue: 10 s to connect, 30 s a command.
var DefaultTimeouts = Timeouts{Connect: 10 * time.Second, Command: 30 * time.Second}

// Phase names where a session failed.
type Phase string

const (
	PhaseConnect  Phase = "connect"
	PhaseGreeting Phase = "greeting"
	PhaseEHLO     Phase = "ehlo"
	PhaseSTARTTLS Phase = "starttls"
	PhaseTLS      Phase = "tls"
	PhaseAuth     Phase = "auth"
	PhaseMail     Phase = "mail"
	PhaseRcpt     Phase = "rcpt"
	PhaseData     Phase = "data"
)

// Failure is an error in one phase of the session.
type Failure struct {
	Phase Phase
	Err   error
}

func (f *Failure) Error() string { return fmt.Sprintf("smtp %s: %v", f.Phase, f.Err) }
func (f *Failure) Unwrap() error { return f.Err }

var (
	errNoSTARTTLS     = errors.New("the server does not offer STARTTLS")
	errAuthWithoutTLS = errors.New("refusing to send a password over an unencrypted connection")
	errInjection      = errors.New("the server sent data right after agreeing to STARTTLS (a known attack): stopping")
)

// TLSInfo describes the encrypted connection and the server's certificate.
type TLSInfo struct {
	Version     string    `json:"version"`
	Cipher      string    `json:"cipher"`
	Subject     string    `json:"subject,omitempty"`
	Issuer      string    `json:"issuer,omitempty"`
	Names       []string  `json:"names,omitempty"` // DNS names and IPs the certificate is for
	NotBefore   time.Time `json:"not_before,omitzero"`
	NotAfter    time.Time `json:"not_after,omitzero"`
	MatchesHost bool      `json:"matches_host"`
	Verified    bool      `json:"verified"`
	// VerifyProblem says in words why the certificate did not verify;
	// VerifyError is Go's own text of it, for --json and bug reports.
	VerifyProblem string `json:"verify_problem,omitempty"`
	VerifyError   string `json:"verify_error,omitempty"`
	// VerifyProblemText is VerifyProblem for the faces to translate.
	VerifyProblemText checks.Text `json:"-"`
	verifyErr         error
}

// Session is an open, greeted (and, as configured, encrypted) connection.
type Session struct {
	Client     *gosmtp.Client
	TLS        *TLSInfo // nil when the connection is not encrypted
	PreTLS     []string // EHLO extensions before STARTTLS
	Transcript *Transcript
	Addr       string
	conn       net.Conn
	stop       func() bool
	encrypted  bool
}

// Greeting is the server's first line, from the transcript.
func (s *Session) Greeting() string {
	for _, l := range s.Transcript.Lines() {
		if l.Dir == "S" {
			return l.Text
		}
	}
	return ""
}

// Extensions lists what the server offers now (after STARTTLS, if any).
func (s *Session) Extensions() []string {
	var out []string
	for _, ext := range []string{"STARTTLS", "AUTH", "SIZE", "8BITMIME", "SMTPUTF8", "PIPELINING", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", "REQUIRETLS"} {
		if ok, param := s.Client.Extension(ext); ok {
			out = append(out, strings.TrimSpace(ext+" "+param))
		}
	}
	return out
}

// Close ends the session politely, then for sure.
func (s *Session) Close() {
	if s.Client != nil {
		s.conn.SetDeadline(time.Now().Add(2 * time.Second))
		s.Client.Quit()
	}
	s.stop()
	s.conn.Close()
}

// Connect opens a session: dial, greeting, EHLO, and the encryption the
// settings ask for. A certificate that does not verify ends the session
// under strict checking; its details are kept either way for the report.
// On failure after the dial, the closed session is returned too, with the
// transcript and TLS details learned so far.
func Connect(ctx context.Context, d Dialer, s Settings, to Timeouts) (*Session, error) {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	dctx, cancel := context.WithTimeout(ctx, to.Connect)
	conn, err := d.DialContext(dctx, "tcp", addr)
	cancel()
	if err != nil {
		return nil, &Failure{PhaseConnect, err}
	}
	sess := &Session{Transcript: NewTranscript(), Addr: addr, conn: conn}
	// The context ends the session at any point, also inside a blocked read.
	sess.stop = context.AfterFunc(ctx, func() { conn.Close() })
	sess.Transcript.Note("connected to %s (%s)", addr, conn.RemoteAddr())
	if s.LocalName == "" {
		s.LocalName = addressLiteral(conn.LocalAddr())
	}
	if err := sess.open(ctx, s, to); err != nil {
		sess.stop()
		conn.Close()
		if ctx.Err() != nil {
			return sess, &Failure{failedPhase(err), fmt.Errorf("%w (%v)", context.Cause(ctx), err)}
		}
		return sess, err
	}
	return sess, nil
}

func failedPhase(err error) Phase {
	var f *Failure
	if errors.As(err, &f) {
		return f.Phase
	}
	return PhaseConnect
}

func (sess *Session) open(ctx context.Context, s Settings, to Timeouts) error {
	conn := sess.conn
	switch s.Encryption {
	case transports.EncryptTLS:
		tlsConn, err := sess.handshake(ctx, conn, s, to)
		if err != nil {
			return err
		}
		return sess.startClient(tlsConn, nil, s, to)
	case transports.EncryptNone:
		return sess.startClient(conn, nil, s, to)
	}
	// STARTTLS, required or optional: the plaintext part is ours, so that
	// we see what the server offers before TLS and handshake explicitly.
	rc := &recordingConn{Conn: conn, t: sess.Transcript}
	tp := textproto.NewConn(rc)
	conn.SetDeadline(time.Now().Add(to.Command))
	if _, _, err := tp.ReadResponse(220); err != nil {
		return &Failure{PhaseGreeting, smtpError(err)}
	}
	id, err := tp.Cmd("EHLO %s", s.LocalName)
	if err != nil {
		return &Failure{PhaseEHLO, err}
	}
	tp.StartResponse(id)
	_, msg, err := tp.ReadResponse(250)
	tp.EndResponse(id)
	if err != nil {
		return &Failure{PhaseEHLO, smtpError(err)}
	}
	lines := strings.Split(msg, "\n")
	sess.PreTLS = lines[1:]
	if !offers(sess.PreTLS, "STARTTLS") {
		if s.Encryption == transports.EncryptSTARTTLS {
			return &Failure{PhaseSTARTTLS, errNoSTARTTLS}
		}
		sess.Transcript.Note("STARTTLS not offered: continuing without encryption, as starttls-optional allows")
		conn.SetDeadline(time.Time{})
		return sess.startClient(conn, []byte("220 (plaintext)\r\n"), s, to)
	}
	id, err = tp.Cmd("STARTTLS")
	if err != nil {
		return &Failure{PhaseSTARTTLS, err}
	}
	tp.StartResponse(id)
	_, _, err = tp.ReadResponse(220)
	tp.EndResponse(id)
	if err != nil {
		return &Failure{PhaseSTARTTLS, smtpError(err)}
	}
	if tp.R.Buffered() > 0 {
		return &Failure{PhaseSTARTTLS, errInjection}
	}
	conn.SetDeadline(time.Time{}) // the handshake has its own deadline
	tlsConn, err := sess.handshake(ctx, conn, s, to)
	if err != nil {
		return err
	}
	return sess.startClient(tlsConn, []byte("220 (TLS established)\r\n"), s, to)
}

// smtpError turns a reply read by net/textproto (our plaintext phase)
// into the *SMTPError go-smtp gives for the rest, with the enhanced status
// code (RFC 3463) split off the text.
func smtpError(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return err
	}
	se := &gosmtp.SMTPError{Code: te.Code, Message: te.Msg}
	if f := strings.Fields(te.Msg); len(f) > 0 {
		var a, b, c int
		if n, _ := fmt.Sscanf(f[0], "%d.%d.%d", &a, &b, &c); n == 3 {
			se.EnhancedCode = gosmtp.EnhancedCode{a, b, c}
			se.Message = strings.TrimSpace(strings.TrimPrefix(te.Msg, f[0]))
		}
	}
	return se
}

func offers(ehlo []string, ext string) bool {
	for _, l := range ehlo {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], ext) {
			return true
		}
	}
	return false
}

// startClient hands the connection to go-smtp. After STARTTLS the server
// sends no new greeting, so a stand-in line is given to the client, which
// then sends EHLO again over TLS, as RFC 3207 section 4.2 requires.
func (sess *Session) startClient(conn net.Conn, greeting []byte, s Settings, to Timeouts) error {
	c := gosmtp.NewClient(&recordingConn{Conn: conn, t: sess.Transcript, greeting: greeting})
	c.CommandTimeout, c.SubmissionTimeout = to.Command, to.Command
	if err := c.Hello(s.LocalName); err != nil {
		phase := PhaseEHLO
		if greeting == nil && !sess.greeted() {
			phase = PhaseGreeting
		}
		return &Failure{phase, err}
	}
	sess.Client, sess.conn = c, conn
	return nil
}

func (sess *Session) greeted() bool {
	for _, l := range sess.Transcript.Lines() {
		if l.Dir == "S" {
			return true
		}
	}
	return false
}

// handshake runs TLS with the certificate checked by us, so that its
// details are known even when it does not verify.
func (sess *Session) handshake(ctx context.Context, conn net.Conn, s Settings, to Timeouts) (net.Conn, error) {
	info := &TLSInfo{}
	cfg := &tls.Config{
		ServerName:         s.Host,
		InsecureSkipVerify: true, // verified in VerifyConnection, below
		MinVersion:         tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			describeCert(info, cs, s.Host, s.RootCAs)
			if s.CertCheck != transports.CertSkip {
				return info.verifyErr
			}
			return nil
		},
	}
	if ip := net.ParseIP(s.Host); ip != nil {
		cfg.ServerName = "" // SNI carries names only (RFC 6066 section 3)
	}
	tlsConn := tls.Client(conn, cfg)
	hctx, cancel := context.WithTimeout(ctx, to.Command)
	defer cancel()
	err := tlsConn.HandshakeContext(hctx)
	sess.TLS = info
	if err != nil {
		if info.verifyErr != nil {
			err = info.verifyErr
		}
		sess.Transcript.Note("TLS handshake failed: %v", err)
		return nil, &Failure{PhaseTLS, err}
	}
	sess.encrypted = true
	cs := tlsConn.ConnectionState()
	info.Version, info.Cipher = tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite)
	sess.Transcript.Note("TLS established: %s, %s; certificate %s, issued by %s", info.Version, info.Cipher, info.Subject, info.Issuer)
	return tlsConn, nil
}

func describeCert(info *TLSInfo, cs tls.ConnectionState, host string, roots *x509.CertPool) {
	if len(cs.PeerCertificates) == 0 {
		info.verifyErr = errors.New("the server sent no certificate")
		info.VerifyProblemText = checks.T("smtp.cert-invalid.none", "the server sent no certificate")
		info.VerifyError, info.VerifyProblem = info.verifyErr.Error(), info.VerifyProblemText.String()
		return
	}
	leaf := cs.PeerCertificates[0]
	info.Subject, info.Issuer = leaf.Subject.CommonName, leaf.Issuer.CommonName
	if info.Subject == "" {
		info.Subject = leaf.Subject.String()
	}
	info.Names = append([]string(nil), leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		info.Names = append(info.Names, ip.String())
	}
	info.NotBefore, info.NotAfter = leaf.NotBefore, leaf.NotAfter
	info.MatchesHost = leaf.VerifyHostname(host) == nil
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter})
	info.Verified, info.verifyErr = err == nil, err
	if err != nil {
		info.VerifyError = err.Error()
		info.VerifyProblemText = certProblem(err, info, host)
		info.VerifyProblem = info.VerifyProblemText.String()
	}
}

// addressLiteral is our EHLO name when none is configured: the local
// address in brackets (RFC 5321 section 4.1.3), which is always true,
// unlike a guessed host name.
func addressLiteral(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return "[127.0.0.1]"
	}
	if strings.Contains(host, ":") {
		return "[IPv6:" + host + "]"
	}
	return "[" + host + "]"
}
