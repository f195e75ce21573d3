package wizard

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"

	"mailwizard/checks"
	"mailwizard/checks/smtp"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// CodeRequest is a verification mail to send through an SMTP server: the
// proof that the service can send this way (the verification step).
type CodeRequest struct {
	Settings  smtp.Settings // with the password, read from the keychain
	Auth      transports.AuthMode
	From, To  string
	Signer    *smtp.DKIMSigner // sign as the service will; nil: unsigned
	Lang      i18n.Lang
	Transport string // the transport's name, for the evidence
	// Fingerprint of the transport's settings as the code was sent: the
	// evidence proves those, not whatever they are when it is typed back.
	Fingerprint string
}

// PendingCode is a sent code waiting to be typed back. The code lives in
// memory only, never in the draft: a resumed wizard sends a new one.
type PendingCode struct {
	v                      *smtp.Verification
	transport, fingerprint string
	// Transcript of the sending session, with the code left out.
	Transcript []smtp.Line
}

// SendCode makes a code, writes the mail in the admin's language and sends
// it. A failure is a *SendError: the finding that explains it, with the
// transcript so far.
func SendCode(ctx context.Context, env *Env, req CodeRequest) (*PendingCode, error) {
	v, err := smtp.NewVerification()
	if err != nil {
		return nil, err
	}
	v.From, v.To = req.From, req.To
	tr := i18n.New(req.Lang)
	domain := req.From[strings.LastIndexByte(req.From, '@')+1:]
	msg, err := v.Message(smtp.MessageText{
		Subject: tr.X("verify.subject", "Verification code for sending mail as %s", domain),
		Body: tr.X("verify.body", "This message was sent through %s to prove that mail for %s can be sent this way. "+
			"Type the code below where mailwizard asks for it. If you did not expect this message, you can delete it.", req.Settings.Host, domain),
	}, req.Signer, env.now())
	if err != nil {
		return nil, err
	}
	sess, err := smtp.SendVerification(ctx, env.dialer(), req.Settings, env.smtpTimeouts(), req.Auth, v, msg)
	p := &PendingCode{v: v, transport: req.Transport, fingerprint: req.Fingerprint}
	if sess != nil {
		p.Transcript = sess.Transcript.Lines()
	}
	if err != nil {
		var info *smtp.TLSInfo
		if sess != nil {
			info = sess.TLS
		}
		return nil, &SendError{Finding: smtp.Explain(err, req.Settings, info), Transcript: p.Transcript}
	}
	return p, nil
}

// SendError is why a mail could not be sent: the finding that explains it
// (with its class: Temporary) and the conversation so far.
type SendError struct {
	Finding    checks.Finding
	Transcript []smtp.Line
}

func (e *SendError) Error() string { return e.Finding.Message }

// To is where the code was sent.
func (p *PendingCode) To() string { return p.v.To }

// AttemptsLeft is how many more codes may be typed.
func (p *PendingCode) AttemptsLeft() int { return p.v.AttemptsLeft() }

// Errors of Confirm, as smtp gives them.
var (
	ErrWrongCode       = smtp.ErrWrongCode
	ErrTooManyAttempts = smtp.ErrTooManyAttempts
	ErrCodeExpired     = smtp.ErrCodeExpired
)

// Confirm checks a typed code (constant time, attempts counted, 30
// minutes). On success it returns the evidence for the document, dated
// now: when the code was confirmed.
func (p *PendingCode) Confirm(env *Env, typed string) (transports.Evidence, error) {
	now := env.now()
	if err := p.v.Check(typed, now); err != nil {
		return transports.Evidence{}, err
	}
	ev := p.v.Evidence(p.transport, now)
	ev.Settings = p.fingerprint
	return ev, nil
}

// IsFinal reports whether a Confirm error ends this code: a new one must
// be sent.
func IsFinal(err error) bool {
	return errors.Is(err, ErrTooManyAttempts) || errors.Is(err, ErrCodeExpired)
}

// ServerSettings turns a transport's SMTP settings and its password
// (from the keychain; "" for IP allow-listing) into what checks/smtp
// connects with: one place that knows how the two line up.
func ServerSettings(s *transports.SMTPSettings, password string, roots *x509.CertPool) smtp.Settings {
	st := smtp.Settings{Host: s.Host, Port: s.Port, Encryption: s.Encryption, CertCheck: s.CertCheck, RootCAs: roots}
	if s.Auth == transports.AuthPassword {
		st.Username, st.Password = s.Username, password
	}
	return st
}
