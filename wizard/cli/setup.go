package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// setup is the wizard on the terminal: the same flow, steps and checks as
// the window (package wizard), asked as questions. It asks only what the
// draft and the preset do not answer, saves the draft after every answer,
// and resumes where it stopped.

type setupFlags struct {
	fromExport, out, zoneOut, passwordEnv string
	pollTimeout, pollInterval             time.Duration
	yes, plaintext                        bool
	publish                               publishFlags // "Publish for me" (setup_publish.go)
}

func buildSetup(fs *flag.FlagSet, e *env) func([]string) int {
	var f setupFlags
	fs.StringVar(&f.fromExport, "from-export", "", "change an exported configuration `FILE`: add a transport, change settings, rotate a DKIM key")
	fs.StringVar(&f.out, "out", "", "write the configuration document to `FILE` (default DOMAIN.mailwizard.json)")
	fs.StringVar(&f.zoneOut, "zone-out", "", "also write the DNS records to publish to `FILE`, as BIND zone lines")
	fs.StringVar(&f.passwordEnv, "password-env", "", "environment `VAR` holding the SMTP password")
	fs.DurationVar(&f.pollTimeout, "poll-timeout", 30*time.Minute, "stop waiting for the DNS records after this long")
	fs.DurationVar(&f.pollInterval, "poll-interval", 5*time.Second, "time between rounds of asking the name servers")
	fs.BoolVar(&f.yes, "yes", false, "take every default without asking")
	fs.BoolVar(&f.plaintext, "include-secrets-plaintext", false, "put the secrets in the export unsealed when the service has no sealing key (the file is then a secret)")
	f.publish.register(fs, "tsig-server")
	return func(args []string) int {
		err := firstError(argCount(args, 0, ""), outPath(f.out), noControl("zone-out", f.zoneOut), noControl("from-export", f.fromExport),
			positiveDuration("poll-timeout", f.pollTimeout, 48*time.Hour), positiveDuration("poll-interval", f.pollInterval, time.Hour),
			f.publish.checkOptional("tsig-server"))
		if err == nil && f.passwordEnv != "" {
			_, err = envSecret("--password-env", f.passwordEnv)
		}
		if err != nil {
			return e.usage("setup", err)
		}
		return e.runSetup(f)
	}
}

// setupRun is one run of setup.
type setupRun struct {
	e     *env
	f     setupFlags
	sess  *wizard.Session
	flow  *wizard.Flow
	env   *wizard.Env
	ask   *prompter
	disc  *wizard.Discovery
	bg    *background     // discovery started as soon as the domain is known
	bad   map[string]bool // fields the last check refused: asked again
	saver func()
	// pendingRule is the rule asked for a transport being added, set on
	// it once its type is chosen.
	pendingRule *transports.Match
	// changing is set when the admin chose to change a transport's
	// settings: every setting is asked again, with its value as default.
	changing bool
	// published follows the name servers after "Publish for me" sent the
	// records: which has them, which lags.
	published *arrivals
}

func (e *env) runSetup(f setupFlags) int {
	sess, err := wizard.Start(wizard.Options{PresetFile: e.preset, FromExport: f.fromExport, Lang: e.globals.lang})
	if err != nil {
		return e.usage("setup", err)
	}
	store, err := e.openStore()
	if err != nil {
		return e.fail("setup", ExitTemporary, err)
	}
	c, err := e.resolver()
	if err != nil {
		return e.fail("setup", ExitTemporary, err)
	}
	r := &setupRun{e: e, f: f, sess: sess, flow: sess.Flow, bad: map[string]bool{},
		env: &wizard.Env{DNS: c, Secrets: store, RootCAs: e.roots}}
	e.tr = i18n.New(sess.Flow.State.Lang)
	r.ask = &prompter{e: e, tr: e.tr, yes: f.yes}
	r.saver = func() {
		if err := sess.Drafts.Save(sess.Flow.State); err != nil {
			fmt.Fprintln(e.Err, e.tr.X("setup.save_failed", "Your answers could not be saved: %v", err))
		}
	}
	for _, n := range sess.Notices {
		fmt.Fprintln(e.Err, n)
	}
	if sess.Resumed {
		fmt.Fprintln(e.Out, e.tr.X("setup.resumed", "Continuing where you stopped (draft %s).", sess.Drafts.Path))
	}
	return r.loop()
}

// loop runs the current step's questions and moves on, until the export is
// written or a step cannot go on.
func (r *setupRun) loop() int {
	for {
		step := r.flow.Current()
		n, total := r.flow.Position()
		fmt.Fprintf(r.e.Out, "\n== %s (%s)\n", step.Title(r.e.tr), r.e.tr.X("header.position", "Step %d of %d", n, total))
		done, code := r.step(step.ID)
		r.saver()
		if code >= 0 {
			return code
		}
		if done {
			continue // the step moved the flow itself (add a transport)
		}
		err := r.flow.Next()
		r.saver()
		if err == nil {
			r.bad = map[string]bool{}
			continue
		}
		if code := r.refused(err); code >= 0 {
			return code
		}
	}
}

// refused prints why a step's check refused the answers and marks the
// fields to ask again. With --yes nobody can answer again: exit 2.
func (r *setupRun) refused(err error) int {
	var fes transports.FieldErrors
	if !errors.As(err, &fes) {
		return r.e.fail("setup", ExitFindings, err)
	}
	for _, fe := range fes {
		fmt.Fprintln(r.e.Err, r.e.tr.Error(fe))
		r.bad[fe.Field] = true
	}
	if r.f.yes {
		return r.e.usage("setup", fes[0])
	}
	return -1
}

// step runs the questions of one step. done says the step moved the flow
// itself; a code >= 0 ends setup with that exit code.
func (r *setupRun) step(id wizard.StepID) (done bool, code int) {
	var err error
	switch id {
	case wizard.StepWelcome:
		err = r.welcome()
	case wizard.StepDomain:
		err = r.domain()
	case wizard.StepTransportType:
		err = r.transportType()
	case wizard.StepHosted:
		err = r.hosted()
	case wizard.StepNoReply:
		err = r.noReply()
	case wizard.StepSMTP:
		err = r.server()
	case wizard.StepVerify:
		err = r.verify()
	case wizard.StepDNS:
		return false, r.dns()
	case wizard.StepTransports:
		return r.transportList()
	case wizard.StepReview:
		return false, r.review()
	}
	return false, r.ended(err)
}

// ended turns an error of a step into setup's exit code, or -1 to go on.
func (r *setupRun) ended(err error) int {
	var ae *answerError
	var fes transports.FieldErrors
	switch {
	case err == nil:
		return -1
	case errors.As(err, &ae):
		return r.e.usage("setup", ae)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(r.e.Err, r.e.tr.X("setup.stopped", "Stopped. Your answers are saved: run mailwizard setup again to continue."))
		return ExitFindings
	case errors.As(err, &fes):
		if code := r.refused(err); code >= 0 {
			return code
		}
		return -1
	}
	return r.e.fail("setup", ExitFindings, err)
}

// asking reports whether a field needs a question: it is empty, or the
// last check refused it.
func (r *setupRun) asking(field, value string) bool {
	return strings.TrimSpace(value) == "" || r.bad[field]
}

// badUnder reports whether the last check refused field or any field
// under it ("senders" covers "senders[2]").
func (r *setupRun) badUnder(field string) bool {
	for f := range r.bad {
		if f == field || strings.HasPrefix(f, field+"[") || strings.HasPrefix(f, field+".") {
			return true
		}
	}
	return false
}

// printFindings prints findings with the class words the engines gave.
func (r *setupRun) printFindings(fs []checks.Finding) { r.e.printFindings(r.e.Out, fs) }
