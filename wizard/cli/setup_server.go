package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// The questions of the own-server steps: where the server is and how the
// service logs in, then a test, then the verification code.

func (r *setupRun) server() error {
	s := r.flow.State
	t := s.Current()
	sm := t.SMTP
	p, err := s.Profile()
	if err != nil {
		return err
	}
	changing := r.changing
	r.changing = false
	if r.asking("smtp.host", sm.Host) || changing {
		if strings.TrimSpace(sm.Host) == "" {
			if err := r.detect(); err != nil {
				return err
			}
		}
		host, err := r.ask.ask("smtp.host", r.e.tr.X("setup.host", "Mail server (host name or IP address)"), sm.Host)
		if err != nil {
			return err
		}
		sm.Host = host
		enc := []string{string(transports.EncryptSTARTTLS), string(transports.EncryptTLS), string(transports.EncryptSTARTTLSOptional), string(transports.EncryptNone)}
		i, err := r.ask.choose("smtp.encryption", r.e.tr.X("setup.encryption", "Encryption (tls is what manuals call SSL, on port 465)"), enc, index(enc, string(sm.Encryption)))
		if err != nil {
			return err
		}
		sm.Encryption = transports.Encryption(enc[i])
		port, err := r.ask.ask("smtp.port", r.e.tr.X("setup.port", "Port"), strconv.Itoa(portFor(sm)))
		if err != nil {
			return err
		}
		if sm.Port, err = strconv.Atoi(port); err != nil {
			return transports.FieldErrors{{Field: "smtp.port", Err: fmt.Errorf("%q is not a number", port)}}
		}
	}
	if changing && sm.CertCheck == transports.CertSkip {
		check, err := r.ask.confirm("smtp.cert_check", r.e.tr.X("setup.check_cert", "The certificate is not checked now. Check it again (recommended)?"), true)
		if err != nil {
			return err
		}
		if check {
			sm.CertCheck = transports.CertStrict
		}
	}
	if sm.Auth == transports.AuthPassword && sm.Username == "" || changing || r.bad["smtp.auth"] || r.bad["smtp.username"] || r.bad["smtp.mode"] {
		if err := r.login(p); err != nil {
			return err
		}
	}
	if sm.Auth == transports.AuthPassword && (sm.PasswordRef == "" || r.bad["smtp.password_ref"] || r.f.passwordEnv != "" || changing && r.newPassword(sm)) {
		pw := os.Getenv(r.f.passwordEnv)
		if r.f.passwordEnv == "" {
			if pw, err = r.ask.secret("smtp.password", r.e.tr.X("setup.password", "Password of %s", sm.Username)); err != nil {
				return err
			}
		}
		if err := wizard.SetSMTPPassword(r.env, s, pw); err != nil {
			return err
		}
	}
	return r.testServer()
}

// newPassword asks, when settings are changed, whether the stored
// password is still the right one; a password missing from this
// computer's keychain (the export was made elsewhere) must be given.
func (r *setupRun) newPassword(sm *transports.SMTPSettings) bool {
	if !wizard.PasswordStored(r.env, r.flow.State) {
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.password_missing", "The password of %s is not in this computer's keychain: give it again.", sm.Username))
		return true
	}
	keep, err := r.ask.confirm("smtp.password", r.e.tr.X("setup.keep_password", "Keep the stored password of %s?", sm.Username), true)
	return err != nil || !keep
}

// detect offers to look for the server when the admin does not know it.
func (r *setupRun) detect() error {
	s := r.flow.State
	look, err := r.ask.confirm("smtp.detect", r.e.tr.X("setup.detect", "Look for the mail server of %s?", s.Domain), true)
	if err != nil || !look {
		return err
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, time.Minute)
	defer cancel()
	det := wizard.DetectSMTP(ctx, r.env, s, 10*time.Second)
	for _, pr := range det.Probes {
		state := r.e.tr.X("setup.works", "works")
		if !pr.Works {
			state = r.e.tr.TextOr(pr.ProblemText, pr.Problem)
		}
		fmt.Fprintf(r.e.Out, "  %-40s %s\n", pr.Candidate.String(), state)
	}
	r.printFindings(det.Findings)
	if det.Best != nil {
		return wizard.UseDetected(s, *det.Best)
	}
	return nil
}

// login asks how the service proves itself and whose rights it uses.
func (r *setupRun) login(p *transports.Provider) error {
	sm := r.flow.State.Current().SMTP
	auth := []string{r.e.tr.X("setup.auth.password", "a username and password"),
		r.e.tr.X("setup.auth.allowlist", "no login: the service's addresses are allowed on the server")}
	def := 0
	if sm.Auth == transports.AuthIPAllowlist {
		def = 1
	}
	i, err := r.ask.choose("smtp.auth", r.e.tr.X("setup.auth", "How does the service log in?"), auth, def)
	if err != nil {
		return err
	}
	if i == 1 {
		sm.Auth, sm.Username, sm.PasswordRef, sm.Mode = transports.AuthIPAllowlist, "", "", transports.ModeRelay
		for _, line := range wizard.ConnectorSteps(r.e.tr, p) {
			fmt.Fprintln(r.e.Out, "  "+line)
		}
		return nil
	}
	sm.Auth = transports.AuthPassword
	user, err := r.ask.ask("smtp.username", r.e.tr.X("setup.username", "Username (often the full address)"), sm.Username)
	if err != nil {
		return err
	}
	sm.Username = user
	modes := []string{r.e.tr.X("setup.mode.relay", "a relay account that may send for every address of the domain"),
		r.e.tr.X("setup.mode.mailbox", "one mailbox, with send-as rights for the other senders")}
	def = 0
	if sm.Mode == transports.ModeMailbox {
		def = 1
	}
	m, err := r.ask.choose("smtp.mode", r.e.tr.X("setup.mode", "Whose rights does it send with?"), modes, def)
	if err != nil {
		return err
	}
	sm.Mode = []transports.SendMode{transports.ModeRelay, transports.ModeMailbox}[m]
	return nil
}

// testServer connects as the service will and shows each phase; on a
// failure the admin may change the settings.
func (r *setupRun) testServer() error {
	// Only the transport being edited: others (a preset's, still to come)
	// may lack their password yet.
	if err := r.flow.State.Current().Validate(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, time.Minute)
	defer cancel()
	rep, err := wizard.TestSMTP(ctx, r.env, r.flow.State)
	if err != nil {
		return err
	}
	writeSMTPReport(r.e.Out, r.e.tr, rep)
	if checks.OutcomeOf(rep.Findings) == checks.Passed {
		return nil
	}
	sm := r.flow.State.Current().SMTP
	if tl := rep.TLS; tl != nil && !tl.Verified && sm.CertCheck == transports.CertStrict {
		skip, err := r.ask.confirm("smtp.cert_check", r.e.tr.X("setup.skip_cert", "The server's certificate does not verify (%s). Connect without checking it? Only for a server you run yourself: anyone on the path could then pose as it and read the password.", tl.VerifyProblem), false)
		if err != nil {
			return err
		}
		if skip {
			sm.CertCheck = transports.CertSkip
			return r.testServer()
		}
	}
	change, err := r.ask.confirm("smtp", r.e.tr.X("setup.change_settings", "The test failed. Change the settings?"), true)
	switch {
	case err != nil:
		return err
	case !change:
		return errors.New(r.e.tr.X("setup.test_failed", "the mail server test failed"))
	}
	for _, f := range []string{"smtp.host", "smtp.auth"} {
		r.bad[f] = true
	}
	return r.server()
}

func (r *setupRun) verify() error {
	s := r.flow.State
	first, sendAs := wizard.VerifySenders(s)
	t := s.Current()
	if r.asking("code_to", s.CodeTo) {
		to, err := r.ask.ask("code_to", r.e.tr.X("setup.code_to", "A mailbox you can read, for the verification code"), s.CodeTo)
		if err != nil {
			return err
		}
		s.CodeTo = to
	}
	for _, from := range []string{first, sendAs} {
		check := wizard.CheckSMTPVerify
		if from == sendAs {
			check = wizard.CheckSMTPSendAs
		}
		if from == "" || s.HasEvidence(check, t.Name) {
			continue
		}
		if err := r.sendAndConfirm(from); err != nil {
			return err
		}
	}
	return r.offerVerdict(t.Name, r.e.tr.X("setup.verdict.code", "Paste the code mail as you received it, to see how the receiving server judged SPF, DKIM and DMARC?"))
}

// sendAndConfirm sends a code as from and reads it back; "resend" (or an
// expired code) sends a new one.
func (r *setupRun) sendAndConfirm(from string) error {
	s := r.flow.State
	for {
		ctx, cancel := context.WithTimeout(r.e.ctx, time.Minute)
		pending, err := wizard.SendStepCode(ctx, r.env, s, from)
		cancel()
		var sendErr *wizard.SendError
		if errors.As(err, &sendErr) {
			r.printFindings([]checks.Finding{sendErr.Finding})
			return errors.New(r.e.tr.X("setup.send_failed", "the verification mail could not be sent"))
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.code_sent", "A code was sent from %s to %s.", from, pending.To()))
		for {
			code, err := r.ask.ask("code", r.e.tr.X("setup.code", "Code from the mail (%d attempts left; 'resend' for a new one)", pending.AttemptsLeft()), "")
			if err != nil {
				return err
			}
			if strings.EqualFold(code, "resend") || strings.EqualFold(code, r.e.tr.X("setup.resend", "resend")) {
				break
			}
			err = wizard.ConfirmStepCode(r.env, s, pending, code)
			switch {
			case err == nil:
				fmt.Fprintln(r.e.Out, r.e.tr.X("setup.code_ok", "Confirmed: mail from %s goes through this server.", from))
				return nil
			case wizard.IsFinal(err):
				fmt.Fprintln(r.e.Err, codeWords(r.e.tr, err))
			default:
				fmt.Fprintln(r.e.Err, r.e.tr.X("setup.code_wrong", "That is not the code."))
				continue
			}
			break
		}
	}
}

func portFor(sm *transports.SMTPSettings) int {
	if sm.Port != 0 && !(sm.Port == 587 && sm.Encryption == transports.EncryptTLS) {
		return sm.Port
	}
	return transports.DefaultPort(sm.Encryption)
}

func index(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}
