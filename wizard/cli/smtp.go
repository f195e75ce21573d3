package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/smtp"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// smtpFlags are shared by smtp test and smtp verify.
type smtpFlags struct {
	host, encryption, certCheck, user, passwordEnv string
	port                                           int
	timeout                                        time.Duration
	asJSON                                         bool
}

func (s *smtpFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.host, "host", "", "SMTP server `name` or IP address")
	fs.IntVar(&s.port, "port", 0, "TCP `port`: 587, 465 or 25")
	fs.StringVar(&s.encryption, "encryption", "", "none, tls, starttls or starttls-optional")
	fs.StringVar(&s.certCheck, "cert-check", "strict", "strict or skip")
	fs.StringVar(&s.user, "user", "", "`username` for SMTP AUTH; without it, no login (IP allow-listing)")
	fs.StringVar(&s.passwordEnv, "password-env", "", "environment `VAR` holding the password (never a flag: it would show in ps)")
	fs.DurationVar(&s.timeout, "timeout", 60*time.Second, "bound for the whole test")
	fs.BoolVar(&s.asJSON, "json", false, "print JSON")
}

func (s *smtpFlags) validate() error {
	err := firstError(required("host", s.host), required("encryption", s.encryption))
	if err != nil {
		return err
	}
	if _, herr := transports.NormalizeHost(s.host); herr != nil {
		return named("--host", herr)
	}
	if s.port == 0 {
		return fmt.Errorf("--port is required (587 for STARTTLS, 465 for implicit TLS)")
	}
	if strings.EqualFold(s.encryption, "ssl") || strings.EqualFold(s.encryption, "ssl/tls") {
		return fmt.Errorf(`--encryption: %q is not one of none, tls, starttls, starttls-optional: what most manuals call SSL is implicit TLS, --encryption tls (usually port 465)`, s.encryption)
	}
	return firstError(named("--port", transports.CheckPort(s.port)),
		checkEnum("encryption", s.encryption, "none", "tls", "starttls", "starttls-optional"),
		checkEnum("cert-check", s.certCheck, "strict", "skip"),
		noControl("user", s.user), positiveDuration("timeout", s.timeout, time.Hour))
}

// testRoots lets this package's tests trust their own CA (WithRootCAs is
// the way from outside); nil means the system's roots.
var testRoots *x509.CertPool

// settings reads the password (from the environment variable, or the
// terminal) and returns the settings and the auth mode.
func (s *smtpFlags) settings(e *env) (smtp.Settings, transports.AuthMode, error) {
	host, _ := transports.NormalizeHost(s.host)
	t := transports.SMTPSettings{Host: host, Port: s.port, Encryption: transports.Encryption(s.encryption),
		CertCheck: transports.CertCheck(s.certCheck), Auth: transports.AuthIPAllowlist}
	if s.user == "" {
		if s.passwordEnv != "" {
			return smtp.Settings{}, "", errors.New("--password-env: a password needs --user")
		}
		return wizard.ServerSettings(&t, "", e.roots), t.Auth, nil
	}
	t.Auth, t.Username = transports.AuthPassword, s.user
	var password string
	switch {
	case s.passwordEnv != "":
		var err error
		if password, err = envSecret("--password-env", s.passwordEnv); err != nil {
			return smtp.Settings{}, "", err
		}
	case isTerminal(e.In):
		pw, err := e.readPassword(e.tr.X("cmd.smtp.password_prompt", "Password for %s: ", s.user))
		if err != nil {
			return smtp.Settings{}, "", err
		}
		password = string(pw)
	default:
		return smtp.Settings{}, "", errors.New("--password-env VAR is required with --user when standard input is not a terminal")
	}
	return wizard.ServerSettings(&t, password, e.roots), t.Auth, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func buildSMTPTest(fs *flag.FlagSet, e *env) func([]string) int {
	var f smtpFlags
	f.register(fs)
	from := fs.String("from", "", "also try this sender `ADDR` (MAIL FROM); default: the --user address")
	providerFlag := fs.String("provider", "", "provider profile `P`, to name the IP ranges to allow on the server")
	return func(args []string) int {
		if err := firstError(argCount(args, 0, ""), f.validate(), optionalProvider(*providerFlag)); err != nil {
			return e.usage("smtp test", err)
		}
		opts := smtp.TestOptions{}
		if *providerFlag != "" {
			p, _ := transports.LoadProvider(*providerFlag)
			opts.Provider = p.Name
			for _, r := range p.AllowlistRanges() {
				opts.AllowList = append(opts.AllowList, e.tr.Text(r.DisplayText()))
			}
		}
		sender := *from
		if sender == "" && strings.Contains(f.user, "@") {
			sender = f.user
		}
		if sender != "" {
			if _, err := transports.ParseAddress(sender); err != nil {
				return e.usage("smtp test", named("--from", err))
			}
		}
		st, auth, err := f.settings(e)
		if err != nil {
			return e.usage("smtp test", err)
		}
		r, err := e.resolver()
		if err != nil {
			return e.fail("smtp test", ExitTemporary, err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, f.timeout)
		defer cancel()
		opts.Auth, opts.From, opts.Resolver = auth, sender, r
		rep := smtp.Test(ctx, &smtp.ResolvingDialer{Resolver: r}, st, smtp.DefaultTimeouts, opts)
		if f.asJSON {
			e.writeJSON(rep)
		} else {
			writeSMTPReport(e.Out, e.tr, rep)
			if rep.MailFrom != nil && rep.MailFrom.OK && f.user != "" && !strings.EqualFold(rep.MailFrom.Address, f.user) {
				fmt.Fprintf(e.Out, "\n%s\n  %s\n", e.tr.X("cmd.smtp.prove_send_as", "To prove that %s may send as %s, send a verification code to a mailbox you read:",
					orDash(f.user), rep.MailFrom.Address), f.verifyCommand(rep.MailFrom.Address))
			}
		}
		return exitFor(rep.Findings)
	}
}

// verifyCommand is the smtp verify command line for the same server.
func (s *smtpFlags) verifyCommand(from string) string {
	cmd := fmt.Sprintf("mailwizard smtp verify --host %s --port %d --encryption %s", s.host, s.port, s.encryption)
	if s.certCheck != "strict" {
		cmd += " --cert-check " + s.certCheck
	}
	if s.user != "" {
		cmd += " --user " + s.user
		if s.passwordEnv != "" {
			cmd += " --password-env " + s.passwordEnv
		}
	}
	return cmd + " --from " + from + " --to YOUR-MAILBOX"
}

// writeSMTPReport prints what smtp test found in tr's language.
func writeSMTPReport(w io.Writer, tr *i18n.Translator, r *smtp.Report) {
	fmt.Fprintln(w, r.Server)
	line := func(label, value string) { fmt.Fprintf(w, "  %-11s %s\n", label, value) }
	if len(r.Addresses) > 0 {
		line(tr.X("cmd.smtp.report.addresses", "addresses"), strings.Join(r.Addresses, ", "))
	}
	if r.Greeting != "" {
		line(tr.X("cmd.smtp.report.greeting", "greeting"), r.Greeting)
	}
	if t := r.TLS; t != nil && t.Version != "" {
		line("tls", t.Version+", "+t.Cipher)
	}
	if t := r.TLS; t != nil && t.Subject != "" {
		state := tr.X("cmd.smtp.report.cert_verified", "verified")
		if !t.Verified {
			state = tr.X("cmd.smtp.report.cert_not_verified", "NOT verified: %s", tr.TextOr(t.VerifyProblemText, t.VerifyProblem))
		}
		names := tr.X("cmd.smtp.report.no_names", "no host names")
		if len(t.Names) > 0 {
			names = strings.Join(t.Names, ", ")
		}
		line(tr.X("cmd.smtp.report.certificate", "certificate"), tr.X("cmd.smtp.report.cert", "%s, issued by %s, valid until %s, for %s (%s)",
			t.Subject, t.Issuer, t.NotAfter.Format("2006-01-02"), names, state))
	}
	if len(r.Extensions) > 0 {
		line(tr.X("cmd.smtp.report.offers", "offers"), strings.Join(r.Extensions, "; "))
	}
	if a := r.Auth; a != nil {
		line(tr.X("cmd.smtp.report.login", "login"), a.Mechanism+" "+okWord(a.OK, tr.X("cmd.smtp.report.accepted", "accepted"), tr.X("cmd.smtp.report.failed", "failed")))
	}
	if m := r.MailFrom; m != nil {
		line(tr.X("cmd.smtp.report.sender", "sender"), m.Address+" "+okWord(m.OK,
			tr.X("cmd.smtp.report.sender_accepted", "accepted at MAIL FROM (not yet proof of a send-as right)"), tr.X("cmd.smtp.report.refused", "refused")))
	}
	writeFindings(w, tr, r.Findings)
	fmt.Fprintf(w, "\n  %s\n", tr.X("cmd.smtp.report.transcript", "transcript (passwords and message bodies left out):"))
	for _, l := range r.Transcript {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

func okWord(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func buildSMTPDetect(fs *flag.FlagSet, e *env) func([]string) int {
	timeout := fs.Duration("timeout", 60*time.Second, "bound for the whole detection")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argCount(args, 1, "DOMAIN"), positiveDuration("timeout", *timeout, time.Hour))
		var domain string
		if err == nil {
			domain, err = transports.NormalizeDomain(args[0])
			err = named("DOMAIN", err)
		}
		if err != nil {
			return e.usage("smtp detect", err)
		}
		r, err := e.resolver()
		if err != nil {
			return e.fail("smtp detect", ExitTemporary, err)
		}
		ctx, cancel := context.WithTimeout(e.ctx, *timeout)
		defer cancel()
		det := smtp.Detect(ctx, &smtp.ResolvingDialer{Resolver: r}, r, domain, min(10*time.Second, *timeout), e.roots)
		if *asJSON {
			e.writeJSON(det)
		} else {
			fmt.Fprintln(e.Out, e.tr.X("cmd.smtp.detect.title", "Mail servers for %s, best first:", domain))
			for _, p := range det.Probes {
				state := e.tr.X("cmd.smtp.detect.works", "works")
				problem := e.tr.TextOr(p.ProblemText, p.Problem)
				switch {
				case !p.Works:
					state = e.tr.X("cmd.smtp.detect.fails", "no: %s", problem)
				case !p.Encrypted:
					state = e.tr.X("cmd.smtp.detect.unencrypted", "works, but without encryption")
				case !p.CertValid:
					state = e.tr.X("cmd.smtp.detect.cert", "works, but %s", problem)
				}
				fmt.Fprintf(e.Out, "  %-40s %s  [%s]\n", p.Candidate.String(), state, p.Source)
			}
			e.printFindings(e.Out, det.Findings)
		}
		return exitFor(det.Findings)
	}
}

func buildSMTPVerify(fs *flag.FlagSet, e *env) func([]string) int {
	var f smtpFlags
	f.register(fs)
	from := fs.String("from", "", "sender `ADDR`, an address of the domain")
	to := fs.String("to", "", "recipient `ADDR`: a mailbox you can read")
	selector := fs.String("dkim-selector", "", "sign with the DKIM key of this `selector` from the keychain")
	return func(args []string) int {
		err := firstError(argCount(args, 0, ""), f.validate(), required("from", *from), required("to", *to))
		var fromAddr transports.Address
		if err == nil {
			var terr error
			fromAddr, err = transports.ParseAddress(*from)
			_, terr = transports.ParseAddress(*to)
			err = firstError(named("--from", err), named("--to", terr), optionalSelector("dkim-selector", *selector))
		}
		if err != nil {
			return e.usage("smtp verify", err)
		}
		st, auth, err := f.settings(e)
		if err != nil {
			return e.usage("smtp verify", err)
		}
		var signer *smtp.DKIMSigner
		if *selector != "" {
			store, err := e.openStore()
			if err == nil {
				signer, err = wizard.Signer(store, fromAddr.Domain, strings.ToLower(*selector))
			}
			if err != nil {
				return e.fail("smtp verify", ExitUsage, named("--dkim-selector", err))
			}
		}
		r, err := e.resolver()
		if err != nil {
			return e.fail("smtp verify", ExitTemporary, err)
		}
		env := &wizard.Env{DNS: r}
		ctx, cancel := context.WithTimeout(e.ctx, f.timeout)
		pending, err := wizard.SendCode(ctx, env, wizard.CodeRequest{Settings: st, Auth: auth, From: fromAddr.String(), To: *to, Signer: signer, Lang: e.tr.Lang()})
		cancel()
		var sendErr *wizard.SendError
		switch {
		case errors.As(err, &sendErr):
			e.printFindings(e.Err, []checks.Finding{sendErr.Finding})
			return exitFor([]checks.Finding{sendErr.Finding})
		case err != nil:
			return e.fail("smtp verify", ExitFindings, err)
		}
		return e.readCode(env, pending, f.asJSON)
	}
}

// readCode asks for the code on standard input: 5 attempts, 30 minutes.
// Lines come from the run's one line reader, so a prompt that ends early
// leaves nothing reading behind it.
func (e *env) readCode(env *wizard.Env, p *wizard.PendingCode, asJSON bool) int {
	fmt.Fprintln(e.Err, e.tr.X("cmd.smtp.code_sent", "A mail with a verification code was sent to %s. Type the code (%d attempts, valid %s):", p.To(), p.AttemptsLeft(), smtp.CodeLifetime))
	ctx, cancel := context.WithTimeout(e.ctx, smtp.CodeLifetime)
	defer cancel()
	for {
		line, err := e.lines.ReadLine(ctx)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintln(e.Err, codeWords(e.tr, smtp.ErrCodeExpired))
			return ExitFindings
		case errors.Is(err, context.Canceled):
			return ExitFindings
		case errors.Is(err, errLineTooLong):
			fmt.Fprintln(e.Err, e.tr.X("cmd.smtp.code_too_long", "That line is too long to be the code; %d attempt(s) left:", p.AttemptsLeft()))
			continue
		case err != nil:
			fmt.Fprintln(e.Err, e.tr.X("cmd.smtp.code_none", "no code was typed; the transport is not verified"))
			return ExitFindings
		}
		switch ev, err := p.Confirm(env, line); {
		case err == nil:
			if asJSON {
				e.writeJSON(ev)
			} else {
				fmt.Fprintln(e.Out, e.tr.X("cmd.smtp.verified", "Verified: %s.", ev.Detail))
			}
			return ExitOK
		case errors.Is(err, wizard.ErrWrongCode):
			fmt.Fprintln(e.Err, e.tr.X("cmd.smtp.code_wrong", "That is not the code; %d attempt(s) left:", p.AttemptsLeft()))
		default:
			fmt.Fprintln(e.Err, codeWords(e.tr, err))
			return ExitFindings
		}
	}
}
