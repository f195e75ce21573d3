package wizard

import (
	"context"
	"errors"
	"strings"

	"mailwizard/checks/smtp"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The verification step: a mail with a one-time code goes through the
// admin's server from a sender of the domain to a mailbox the admin reads,
// and the code is typed back. That proves the whole path, which a test of
// the connection alone does not. In mailbox mode a second code goes out
// as another sender than the login: only a delivered message proves the
// send-as right (Exchange checks it after the message, not at MAIL FROM).

// Evidence check names the verification step records.
const (
	CheckSMTPVerify = "smtp.verify"  // a code sent as the first sender came back
	CheckSMTPSendAs = "smtp.send-as" // a code sent as another sender than the login came back
)

// VerifySenders are the senders the step must send a code as: the first
// sender, and in mailbox mode also another sender than the login (the
// send-as right). The second is "" when the admin named no other sender.
func VerifySenders(s *State) (first, sendAs string) {
	t := s.Current()
	if t == nil || t.SMTP == nil {
		return "", ""
	}
	first = s.firstSender(t)
	if t.SMTP.Mode == transports.ModeMailbox {
		for _, snd := range s.Senders {
			if !strings.EqualFold(snd, t.SMTP.Username) {
				return first, snd
			}
		}
	}
	return first, ""
}

// SendStepCode sends a code through the transport being edited, as from,
// to the mailbox in s.CodeTo.
func SendStepCode(ctx context.Context, env *Env, s *State, from string) (*PendingCode, error) {
	t, err := s.smtpTransport()
	if err != nil {
		return nil, err
	}
	to, err := transports.ParseAddress(s.CodeTo)
	if err != nil {
		return nil, transports.FieldErrors{{Field: "code_to", Err: err}}
	}
	fromAddr, err := transports.ParseAddress(from)
	if err != nil {
		return nil, transports.FieldErrors{{Field: "from", Err: err}}
	}
	st, err := s.smtpServer(env, t)
	if err != nil {
		return nil, err
	}
	return SendCode(ctx, env, CodeRequest{Settings: st, Auth: t.SMTP.Auth, From: fromAddr.String(), To: to.String(), Lang: s.Lang,
		Transport: t.Name, Fingerprint: t.SMTP.Fingerprint()})
}

// ConfirmStepCode checks a typed code and records the evidence: the
// send-as proof when the code went out as another sender than the login.
func ConfirmStepCode(env *Env, s *State, p *PendingCode, typed string) error {
	ev, err := p.Confirm(env, typed)
	if err != nil {
		return err
	}
	ev.Check = CodeCheck(s, p.v.From)
	s.addEvidence(ev)
	return nil
}

// CodeCheck is what a code sent as from proves once it comes back: the
// send-as right when it went out as another sender than a mailbox login,
// else that mail goes through the server.
func CodeCheck(s *State, from string) string {
	if t := s.Current(); t != nil && t.SMTP != nil && t.SMTP.Mode == transports.ModeMailbox && !strings.EqualFold(from, t.SMTP.Username) {
		return CheckSMTPSendAs
	}
	return CheckSMTPVerify
}

// CodeWords says why a typed code was not accepted, in tr's language:
// the same words on the terminal and in the window.
func CodeWords(tr *i18n.Translator, err error) string {
	switch {
	case errors.Is(err, smtp.ErrCodeExpired):
		return tr.X("cmd.code.expired", "the code is older than 30 minutes; send a new one")
	case errors.Is(err, smtp.ErrTooManyAttempts):
		return tr.X("cmd.code.too_many", "too many wrong codes; send a new one")
	case errors.Is(err, smtp.ErrWrongCode):
		return tr.X("cmd.code.wrong", "that is not the code")
	}
	return strings.TrimPrefix(err.Error(), "smtp: ")
}

// HasEvidence reports whether a passed check of name is recorded for the
// transport, taken with the settings the transport has now.
func (s *State) HasEvidence(check, transport string) bool {
	for _, ev := range s.Evidence {
		if ev.Check == check && ev.Passed && strings.EqualFold(ev.Transport, transport) && s.applies(ev) {
			return true
		}
	}
	return false
}

// applies reports whether evidence still proves what it names: the
// transport exists and, for an smtp check, still has the settings the
// check ran with (a changed host, port, encryption, certificate check,
// login or mode needs a new test and a new code). Changing the settings
// deletes nothing: set back, the evidence counts again, unless a newer
// result of the same check has replaced it meanwhile.
func (s *State) applies(ev transports.Evidence) bool {
	if ev.Transport == "" {
		return true
	}
	t := transports.List(s.Transports).Find(ev.Transport)
	if t == nil {
		return false
	}
	if strings.HasPrefix(ev.Check, "smtp.") {
		return t.SMTP != nil && ev.Settings == t.SMTP.Fingerprint()
	}
	return true
}

func checkVerify(s *State) error {
	t, err := s.smtpTransport()
	if err != nil {
		return err
	}
	if !s.HasEvidence(CheckSMTPVerify, t.Name) && !s.HasEvidence(CheckSMTPSendAs, t.Name) {
		msg := texts.T("wizard.verify.no-code", "no code has come back yet: send one and type it here")
		if s.verifiedBefore(t.Name) {
			msg = texts.T("wizard.verify.settings-changed", "the server settings changed after the code came back: send a new one and type it here")
		}
		return transports.FieldErrors{{Field: "code", Err: texts.Err(transports.ErrEmpty, msg)}}
	}
	if _, sendAs := VerifySenders(s); sendAs != "" && !s.HasEvidence(CheckSMTPSendAs, t.Name) {
		return transports.FieldErrors{{Field: "code", Err: texts.Err(transports.ErrEmpty,
			texts.T("wizard.verify.send-as", "in mailbox mode the send-as right must be proven too: send a code as %s", sendAs))}}
	}
	return nil
}

// verifiedBefore reports whether a code came back for the transport with
// settings it no longer has.
func (s *State) verifiedBefore(transport string) bool {
	for _, ev := range s.Evidence {
		if (ev.Check == CheckSMTPVerify || ev.Check == CheckSMTPSendAs) && ev.Passed && strings.EqualFold(ev.Transport, transport) {
			return true
		}
	}
	return false
}
