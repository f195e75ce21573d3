package cli

import (
	"flag"
	"fmt"
	"strings"

	"mailwizard/transports"
)

// command is one subcommand of the contract. build registers its flags on
// fs and returns the function that runs it with the positional arguments.
type command struct {
	name    string // "spf eval"
	args    string // synopsis after the name
	summary string
	build   func(fs *flag.FlagSet, e *env) func(args []string) int
}

var commands = []command{
	{"setup", "[--preset FILE] [--from-export FILE] [--out FILE] [--zone-out FILE] [--password-env VAR] [--poll-timeout D] [--yes] [--include-secrets-plaintext] [--tsig-name NAME [--tsig-algo A] [--tsig-secret-env VAR] [--tsig-server HOST:PORT]]", "the wizard's flow on the terminal: prompts, checks, code, export", buildSetup},
	{"check", "DOMAIN | --domains FILE [--provider P] [--selector S] [--expect-dkim V] [--parallel N] [--json | --csv | --summary] [--changed-since FILE]", "check SPF, DKIM, DMARC and MX of a domain", buildCheck},
	{"spf eval", "--ip IP --sender ADDR --helo NAME [--json]", "evaluate SPF as a receiver would (RFC 7208)", buildSPFEval},
	{"spf suggest", "DOMAIN --provider P [--json]", "the SPF record to publish with the provider's include", buildSPFSuggest},
	{"dkim gen", "--domain D --selector S [--algo rsa2048|rsa3072|rsa4096|ed25519] [--provider P] [--out FILE] [--json]", "generate a DKIM key and print its DNS record", buildDKIMGen},
	{"dkim import", "FILE --domain D --selector S [--provider P] [--json]", "import an existing DKIM private key (PEM) into the keychain", buildDKIMImport},
	{"secrets forget", "DOMAIN", "delete every keychain entry of a domain", buildSecretsForget},
	{"smtp test", "--host H --port N --encryption none|tls|starttls|starttls-optional [--cert-check strict|skip] [--user U] [--password-env VAR] [--timeout D] [--json]", "test an SMTP server: TLS, certificate, authentication", buildSMTPTest},
	{"smtp detect", "DOMAIN [--timeout D] [--json]", "find the SMTP settings of a domain", buildSMTPDetect},
	{"smtp verify", "...smtp test flags... --from ADDR --to ADDR [--dkim-selector S]", "send a verification code through a server and read it back", buildSMTPVerify},
	{"poll", "DOMAIN --provider P [--selector S] [--expect-dkim V] [--interval D] [--timeout D] [--json]", "wait until the records are published on every authoritative server", buildPoll},
	{"dns publish", "DOMAIN --provider P [--selector S] [--server HOST:PORT] --tsig-name NAME [--tsig-algo A] [--tsig-secret-env VAR] [--dry-run] [--yes]", "publish the records on your own DNS server (RFC 2136 update signed with TSIG)", buildDNSPublish},
	{"export validate", "FILE [--json]", "check a configuration document before upload", buildExportValidate},
	{"export route", "FILE ADDRESS [--subsystem S] [--json]", "which transport of a document sends for ADDRESS", buildExportRoute},
	{"preset write", "--out FILE --provider P [--domain D] [--senders LIST] [--admin-lang en|nl] [--dns-access yes|no] [--code-to ADDR]", "write a preset a support desk sends to an admin", buildPresetWrite},
	{"preset check", "FILE [--json]", "check a preset as the wizard will read it", buildPresetCheck},
	{"verdict", "[FILE|-] [--domain D] [--expect-dkim V] [--json]", "SPF, DKIM and DMARC of a received message, as the receiver saw them, and why", buildVerdict},
	{"providers", "[--json]", "list the built-in provider profiles", buildProviders},
	{"version", "", "print the version", buildVersion},
}

// findCommand matches "spf eval ..." (two words) before "check ..." (one).
func findCommand(args []string) (command, []string, error) {
	if len(args) >= 2 {
		for _, c := range commands {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], nil
			}
		}
	}
	var verbs []string
	for _, c := range commands {
		if c.name == args[0] {
			return c, args[1:], nil
		}
		if group, verb, ok := strings.Cut(c.name, " "); ok && group == args[0] {
			verbs = append(verbs, verb)
		}
	}
	if len(verbs) > 0 {
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return command{}, nil, fmt.Errorf("%s needs one of: %s", args[0], strings.Join(verbs, ", "))
		}
		return command{}, nil, fmt.Errorf("unknown command %q: %s takes %s", args[0]+" "+args[1], args[0], strings.Join(verbs, ", "))
	}
	return command{}, nil, fmt.Errorf("unknown command %q", args[0])
}

func buildVersion(fs *flag.FlagSet, e *env) func([]string) int {
	return func(args []string) int {
		if err := argCount(args, 0, ""); err != nil {
			return e.usage("version", err)
		}
		fmt.Fprintln(e.Out, "mailwizard", Version())
		return ExitOK
	}
}

func optionalSelector(flagName, v string) error {
	if v == "" {
		return nil
	}
	_, err := transports.NormalizeSelector(v)
	return named("--"+flagName, err)
}

func optionalProvider(v string) error {
	if v == "" {
		return nil
	}
	_, err := transports.LoadProvider(v)
	return named("--provider", err)
}

func noControl(flagName, v string) error {
	return named("--"+flagName, transports.CheckText(v))
}

func outPath(v string) error {
	if v == "" {
		return nil
	}
	return named("--out", transports.CheckText(v))
}
