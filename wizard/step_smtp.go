package wizard

import (
	"context"
	"strings"
	"time"

	"mailwizard/checks/smtp"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard/i18n"
)

// The own-server step: find the server (detect), fill in how to reach it
// (host, port, the four encryption modes, certificate checking), how the
// service proves itself (a password, or its addresses allowed on the
// server) and whose rights it sends with (a relay account, or a mailbox
// with send-as rights), then test it as the service will connect.

// DetectSMTP looks for the domain's submission server (SRV records, the
// mailbox provider, smtp. and mail. names), every candidate at once.
func DetectSMTP(ctx context.Context, env *Env, s *State, timeout time.Duration) *smtp.Detection {
	return smtp.Detect(ctx, env.dialer(), env.DNS, s.Domain, timeout, env.RootCAs)
}

// UseDetected fills the transport being edited with a detected server.
func UseDetected(s *State, p smtp.Probe) error {
	t, err := s.smtpTransport()
	if err != nil {
		return err
	}
	t.SMTP.Host, t.SMTP.Port, t.SMTP.Encryption = p.Host, p.Port, p.Encryption
	return nil
}

// PasswordStored reports whether this computer's keychain holds the
// password of the transport being edited: a re-opened export made on
// another computer refers to a password that is not here.
func PasswordStored(env *Env, s *State) bool {
	t := s.Current()
	if t == nil || t.SMTP == nil || t.SMTP.PasswordRef == "" {
		return false
	}
	_, err := env.Secrets.Get(t.SMTP.PasswordRef)
	return err == nil
}

// SetSMTPPassword keeps the password in the keychain and its reference in
// the transport: the draft never holds it.
func SetSMTPPassword(env *Env, s *State, password string) error {
	t, err := s.smtpTransport()
	if err != nil {
		return err
	}
	if err := transports.CheckText(password); err != nil {
		return transports.FieldErrors{{Field: "smtp.password", Err: err}}
	}
	ref := secrets.SMTPPasswordRef(s.Domain, t.Name)
	if err := env.Secrets.Set(ref, password); err != nil {
		return err
	}
	t.SMTP.PasswordRef = ref
	return nil
}

// smtpServer is the transport's settings with the password read from the
// keychain, as checks/smtp connects.
func (s *State) smtpServer(env *Env, t *transports.Transport) (smtp.Settings, error) {
	password := ""
	if t.SMTP.Auth == transports.AuthPassword {
		if t.SMTP.PasswordRef == "" {
			return smtp.Settings{}, transports.FieldErrors{{Field: "smtp.password", Err: texts.Err(transports.ErrEmpty, texts.T("wizard.smtp.no-password", "no password given yet"))}}
		}
		pw, err := env.Secrets.Get(t.SMTP.PasswordRef)
		if err != nil {
			return smtp.Settings{}, texts.Err(err, texts.T("wizard.smtp.keychain", "reading the SMTP password from the keychain: %v", err))
		}
		password = pw
	}
	return ServerSettings(t.SMTP, password, env.RootCAs), nil
}

// CheckSMTPTest is the evidence of a passed test of the connection.
const CheckSMTPTest = "smtp.test"

// TestSMTP connects as the service will: TLS and the certificate, the
// login, and a sender of the domain at MAIL FROM. Each phase is in the
// report; failures come with their explanation. A passed test is kept as
// evidence of what it saw, tied to the settings it ran with; a failed one
// takes the transport's earlier test evidence away.
func TestSMTP(ctx context.Context, env *Env, s *State) (*smtp.Report, error) {
	t, err := s.smtpTransport()
	if err != nil {
		return nil, err
	}
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	st, err := s.smtpServer(env, t)
	if err != nil {
		return nil, err
	}
	opts := smtp.TestOptions{Auth: t.SMTP.Auth, From: s.firstSender(t), Resolver: env.DNS, Provider: p.Name}
	for _, r := range p.AllowlistRanges() {
		opts.AllowList = append(opts.AllowList, i18n.New(s.Lang).Text(r.DisplayText()))
	}
	rep := smtp.Test(ctx, env.dialer(), st, env.smtpTimeouts(), opts)
	s.dropEvidence(CheckSMTPTest, t.Name)
	if rep.OK() && t.Name != "" {
		ev := rep.Evidence(t.Name, env.now())
		ev.Settings = t.SMTP.Fingerprint()
		s.addEvidence(ev)
	}
	return rep, nil
}

// dropEvidence forgets every result of check for the transport.
func (s *State) dropEvidence(check, transport string) {
	keep := s.Evidence[:0]
	for _, ev := range s.Evidence {
		if ev.Check != check || !strings.EqualFold(ev.Transport, transport) {
			keep = append(keep, ev)
		}
	}
	s.Evidence = keep
}

// firstSender is the sender a test or a code mail uses: the login in
// mailbox mode (its own address); else the first sender this transport's
// rule takes (a billing relay proves itself with a billing address);
// else an address its rule names, the first sender, or postmaster.
func (s *State) firstSender(t *transports.Transport) string {
	if t.SMTP != nil && t.SMTP.Mode == transports.ModeMailbox && strings.Contains(t.SMTP.Username, "@") {
		return t.SMTP.Username
	}
	for _, snd := range s.Senders {
		if a, err := transports.ParseAddress(snd); err == nil && t.Match.Matches(a, t.Match.Subsystem) {
			return snd
		}
	}
	domain := strings.TrimPrefix(t.Match.Domain, ".")
	if domain == "" {
		domain = s.Domain
	}
	if t.Match.LocalPart != "" {
		return t.Match.LocalPart + "@" + domain
	}
	if len(s.Senders) > 0 {
		return s.Senders[0]
	}
	return "postmaster@" + domain
}

// ConnectorSteps is how to let the service send through Microsoft 365
// without a password: a connector that knows the service by its
// addresses, the way Microsoft recommends now that SMTP AUTH with a
// password is being switched off.
func ConnectorSteps(tr *i18n.Translator, p *transports.Provider) []string {
	var ranges []string
	for _, r := range p.AllowlistRanges() {
		ranges = append(ranges, r.String())
	}
	return []string{
		tr.X("connector.1", "Open the Exchange admin center and go to Mail flow > Connectors; choose Add a connector."),
		tr.X("connector.2", "Connection from: Partner organization; connection to: Office 365."),
		tr.X("connector.3", "Give it a name such as \"%s\".", p.Name),
		tr.X("connector.4", "Identify the partner by its IP addresses and add: %s.", orText(strings.Join(ranges, ", "), tr.X("connector.ask", "the addresses the service gives you"))),
		tr.X("connector.5", "Save. Then choose 'the service's addresses are allowed' as authentication here, with no username or password."),
	}
}

func (s *State) smtpTransport() (*transports.Transport, error) {
	t := s.Current()
	if t == nil || t.Type != transports.SMTP || t.SMTP == nil {
		return nil, transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrConflict, texts.T("wizard.smtp.not-editing", "no own-server transport is being edited"))}}
	}
	return t, nil
}

func checkSMTP(s *State) error {
	t, err := s.smtpTransport()
	if err != nil {
		return err
	}
	if host, err := transports.NormalizeHost(t.SMTP.Host); err == nil {
		t.SMTP.Host = host
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return nil
}
