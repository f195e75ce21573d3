// Package cli is the headless face of the wizard: the subcommands of the
// command-line contract in DESIGN.md over the same flow and checks as the
// window. Exit codes: 0 done, 1 a check found an error, 2 bad input or
// usage, 3 a network or temporary failure.
package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/texts"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// Exit codes of the command-line contract.
const (
	ExitOK        = 0
	ExitFindings  = 1
	ExitUsage     = 2
	ExitTemporary = 3
)

// Stdio are the streams a run reads and writes; tests pass buffers.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// OSStdio is the process's own streams.
func OSStdio() Stdio { return Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// OpenWindow starts the graphical wizard; main passes it in so this
// package, and its tests, never link Fyne.
type OpenWindow func(wizard.Options, *wizard.Env) int

// Main runs mailwizard with args (without the program name) and returns
// the exit code. With no subcommand it opens the window.
func Main(args []string, stdio Stdio, openWindow OpenWindow) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return run(ctx, args, stdio, openWindow)
}

// An Option changes what a run reaches the world through. Main takes
// none; a program that embeds mailwizard, or a test that runs both faces
// on the same loopback servers, passes its own.
type Option func(*env)

// WithSecrets keeps the run's secrets in store instead of the OS keychain.
func WithSecrets(store secrets.Store) Option {
	return func(e *env) { e.openStore = func() (secrets.Store, error) { return store, nil } }
}

// WithRootCAs makes the run trust roots, instead of the system's, for the
// certificates of SMTP servers.
func WithRootCAs(roots *x509.CertPool) Option {
	return func(e *env) { e.roots = roots }
}

// WithAuthAddrs asks each name server, by its NS name, at this host:port
// instead of its addresses on port 53: for name servers that share one
// address on different ports, as BIND servers started by tests do.
func WithAuthAddrs(addrs map[string]string) Option {
	return func(e *env) { e.authAddrs = addrs }
}

// Run is Main with the caller's context (Ctrl+C is the caller's to catch)
// and options.
func Run(ctx context.Context, args []string, stdio Stdio, openWindow OpenWindow, opts ...Option) int {
	return run(ctx, args, stdio, openWindow, opts...)
}

func run(ctx context.Context, args []string, stdio Stdio, openWindow OpenWindow, opts ...Option) int {
	// Everything printed for people passes through a filter that makes
	// text from servers harmless to a terminal (escape sequences, control
	// characters); JSON goes out as it is, since the encoder escapes.
	e := &env{ctx: ctx, Stdio: Stdio{In: stdio.In, Out: printableWriter{stdio.Out}, Err: printableWriter{stdio.Err}},
		json: stdio.Out, openStore: openKeychain, roots: testRoots, lines: newLineReader(stdio.In), terminal: isTerminal(stdio.In)}
	for _, o := range opts {
		o(e)
	}
	defer e.lines.Close()
	top := flag.NewFlagSet("mailwizard", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	e.globals.register(top)
	preset := top.String("preset", "", "")
	showVersion := top.Bool("version", false, "")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOverview(stdio.Out)
			return ExitOK
		}
		return e.usage("", flagError(err))
	}
	if err := e.globals.validate(); err != nil {
		return e.usage("", err)
	}
	if *showVersion {
		fmt.Fprintln(stdio.Out, "mailwizard", Version())
		return ExitOK
	}
	rest := top.Args()
	if len(rest) == 0 {
		if openWindow == nil {
			return e.usage("", texts.Err(nil, texts.T("cmd.err.no_window", "no command given and no window available")))
		}
		return e.openWindow(openWindow, wizard.Options{PresetFile: *preset, Lang: e.globals.lang})
	}
	if *preset != "" && rest[0] != "setup" {
		return e.usage("", texts.Err(nil, texts.T("cmd.err.preset_elsewhere", "--preset: only the window and setup take a preset")))
	}
	if rest[0] == "help" {
		// Global flags may follow help too ("help --lang nl").
		hfs := flag.NewFlagSet("mailwizard help", flag.ContinueOnError)
		hfs.SetOutput(io.Discard)
		e.globals.register(hfs)
		words, err := parseInterspersed(hfs, rest[1:])
		if err == nil {
			err = e.globals.validate()
		}
		if err != nil {
			return e.usage("help", flagError(err))
		}
		return e.help(words)
	}
	cmd, cmdArgs, err := findCommand(rest)
	if err != nil {
		return e.usage("", err)
	}
	fs := flag.NewFlagSet("mailwizard "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.globals.register(fs)
	if cmd.name == "setup" {
		fs.StringVar(preset, "preset", *preset, "")
	}
	runCmd := cmd.build(fs, e)
	positional, err := parseInterspersed(fs, cmdArgs)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdio.Out, cmd)
		return ExitOK
	}
	if err != nil {
		return e.usage(cmd.name, flagError(err))
	}
	if err := e.globals.validate(); err != nil {
		return e.usage(cmd.name, err)
	}
	e.preset = *preset
	e.tr = i18n.New(e.globals.lang)
	return runCmd(positional)
}

// env is what every command runs with.
type env struct {
	Stdio
	json      io.Writer // the raw standard output, for JSON
	ctx       context.Context
	globals   globals
	preset    string
	tr        *i18n.Translator
	openStore func() (secrets.Store, error)
	roots     *x509.CertPool    // trusted for SMTP certificates; nil: the system's
	authAddrs map[string]string // dnsq.Client.AuthAddrs; nil: the name servers' own addresses
	lines     *lineReader       // standard input, one line at a time, shared by every prompt
	// terminal: a person answers on a terminal, not a script; only they
	// are offered setup's optional questions, so that a script's answers
	// keep their order.
	terminal bool
}

// printableWriter writes text for people with control characters and
// escape sequences made visible (checks.PrintableText).
type printableWriter struct{ w io.Writer }

func (p printableWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, checks.PrintableText(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// wizardEnv is what the window's steps reach the world through: the same
// DNS client and keychain as the commands. The keychain is opened in the
// background: the window need not wait for it (a D-Bus activation, or a
// locked keyring's unlock prompt that takes up to its probe's timeout),
// and a keychain that cannot be opened is said to be missing by the one
// step that needs it.
func (e *env) wizardEnv() *wizard.Env {
	c, err := e.resolver()
	if err != nil {
		c = &dnsq.Client{Timeout: e.globals.dnsTimeout}
	}
	return &wizard.Env{DNS: c, Secrets: secrets.OpenInBackground(e.openStore), RootCAs: e.roots}
}

// openKeychain is how commands reach the secret store; tests replace it.
var openKeychain = func() (secrets.Store, error) { return secrets.OpenKeychain() }

// translator is the run's, or, before the flags are read, one for the
// --lang read so far (English without it).
func (e *env) translator() *i18n.Translator {
	if e.tr != nil {
		return e.tr
	}
	return i18n.New(e.globals.lang)
}

// fail reports an error that is not the user's input and returns code.
func (e *env) fail(cmd string, code int, err error) int {
	fmt.Fprintf(e.Err, "mailwizard %s: %s\n", cmd, e.translator().Error(err))
	return code
}

// usage reports bad input or usage and returns ExitUsage. The message names
// the flag or argument at fault.
func (e *env) usage(cmd string, err error) int {
	tr := e.translator()
	prefix := "mailwizard"
	if cmd != "" {
		prefix += " " + cmd
	}
	fmt.Fprintf(e.Err, "%s: %s\n", prefix, tr.Error(err))
	if cmd != "" {
		fmt.Fprintln(e.Err, tr.X("cmd.usage.help_command", "Run 'mailwizard help %s' for its flags.", cmd))
	} else {
		fmt.Fprintln(e.Err, tr.X("cmd.usage.help", "Run 'mailwizard help' for the commands."))
	}
	return ExitUsage
}

// parseInterspersed lets flags follow positional arguments, as in
// "mailwizard check example.nl --json", which package flag alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// flagError rewrites package flag's messages to name flags with the two
// dashes the documentation uses.
func flagError(err error) error {
	msg := err.Error()
	msg = strings.Replace(msg, "flag provided but not defined: -", "unknown flag --", 1)
	msg = strings.Replace(msg, "flag needs an argument: -", "flag needs a value: --", 1)
	if strings.HasPrefix(msg, "invalid value ") {
		if i := strings.Index(msg, " for flag -"); i >= 0 {
			rest := msg[i+len(" for flag -"):]
			name, why, _ := strings.Cut(rest, ": ")
			msg = "--" + name + ": " + msg[len("invalid value "):i] + " " + why
		}
	}
	return errors.New(msg)
}
