package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// maxKeyFile bounds what dkim import reads, as in the window.
const maxKeyFile = wizard.MaxKeyFile

// dkimOutput is the --json form of dkim gen: the record and where the
// private key went. It never holds the private key itself.
type dkimOutput struct {
	*dkimkey.Record
	Stored    string               `json:"stored"` // keychain or file
	SecretRef transports.SecretRef `json:"secret_ref,omitempty"`
	File      string               `json:"file,omitempty"`
	Warnings  []string             `json:"warnings,omitempty"`
}

func buildDKIMGen(fs *flag.FlagSet, e *env) func([]string) int {
	domain := fs.String("domain", "", "the signing `domain`")
	selector := fs.String("selector", "", "the DKIM `selector`")
	algo := fs.String("algo", "rsa2048", "key `algorithm`: rsa2048, rsa3072, rsa4096 or ed25519")
	out := fs.String("out", "", "write the private key to `FILE` (0600) instead of the keychain")
	providerFlag := fs.String("provider", "", "the service `P` that will sign: the key must be of a kind it takes")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argCount(args, 0, ""), required("domain", *domain), required("selector", *selector),
			checkEnum("algo", *algo, "rsa2048", "rsa3072", "rsa4096", "ed25519"), outPath(*out))
		d, s, nerr := domainAndSelector(*domain, *selector)
		if err = firstError(err, nerr, keyFitsProvider("--algo", *providerFlag, *algo)); err != nil {
			return e.usage("dkim gen", err)
		}
		if *out != "" {
			if _, err := os.Lstat(*out); err == nil {
				return e.usage("dkim gen", fmt.Errorf("--out: %s exists; a key file is never overwritten: choose another name", *out))
			}
		}
		key, err := dkimkey.Generate(e.ctx, dkimkey.Algorithm(*algo))
		if err != nil {
			return e.fail("dkim gen", ExitTemporary, err)
		}
		rec, err := dkimkey.NewRecord(key, d, s)
		if err != nil {
			return e.usage("dkim gen", err)
		}
		res := dkimOutput{Record: rec}
		if *out != "" {
			if err := writeKeyFile(*out, key); err != nil {
				return e.fail("dkim gen", ExitTemporary, err)
			}
			res.Stored, res.File = "file", *out
		} else {
			ref, code := e.storeKey("dkim gen", d, s, key, false)
			if code != ExitOK {
				return code
			}
			res.Stored, res.SecretRef = "keychain", ref
		}
		if *asJSON {
			return e.writeJSON(res)
		}
		printRecord(e.Out, e.tr, res, e.tr.X("cmd.dkim.key_generated", "DKIM key generated: %s, fingerprint %s", res.Record.Algorithm, res.Record.Fingerprint))
		return ExitOK
	}
}

func buildDKIMImport(fs *flag.FlagSet, e *env) func([]string) int {
	domain := fs.String("domain", "", "the signing `domain`")
	selector := fs.String("selector", "", "the DKIM `selector`")
	providerFlag := fs.String("provider", "", "the service `P` that will sign: the key must be of a kind it takes")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(args []string) int {
		err := firstError(argCount(args, 1, "FILE (the private key in PEM)"), required("domain", *domain), required("selector", *selector),
			optionalProvider(*providerFlag))
		d, s, nerr := domainAndSelector(*domain, *selector)
		if err = firstError(err, nerr); err != nil {
			return e.usage("dkim import", err)
		}
		data, err := transports.ReadSmallFile(args[0], maxKeyFile)
		if err != nil {
			return e.usage("dkim import", fmt.Errorf("FILE: %w", err))
		}
		key, warns, err := dkimkey.Import(data, func() ([]byte, error) { return e.readPassword("Password of the encrypted key: ") })
		clear(data)
		if err != nil {
			return e.usage("dkim import", fmt.Errorf("%s: %w", args[0], err))
		}
		if err := keyFitsProvider("FILE", *providerFlag, string(key.Algorithm())); err != nil {
			return e.usage("dkim import", err)
		}
		rec, err := dkimkey.NewRecord(key, d, s)
		if err != nil {
			return e.usage("dkim import", err)
		}
		ref, code := e.storeKey("dkim import", d, s, key, true)
		if code != ExitOK {
			return code
		}
		res := dkimOutput{Record: rec, Stored: "keychain", SecretRef: ref, Warnings: warns}
		if *asJSON {
			return e.writeJSON(res)
		}
		printRecord(e.Out, e.tr, res, e.tr.X("cmd.dkim.key_imported", "DKIM key imported: %s, fingerprint %s", res.Record.Algorithm, res.Record.Fingerprint))
		return ExitOK
	}
}

// keyFitsProvider checks a key kind against the service's profile (the
// same rule the window applies); no provider, no rule.
func keyFitsProvider(what, providerID, algo string) error {
	if providerID == "" {
		return nil
	}
	p, err := transports.LoadProvider(providerID)
	if err != nil {
		return named("--provider", err)
	}
	return named(what, p.DKIM.CheckKey(p.Name, algo))
}

func domainAndSelector(domain, selector string) (string, string, error) {
	if domain == "" || selector == "" {
		return "", "", nil // reported as required
	}
	d, err := transports.NormalizeDomain(domain)
	if err != nil {
		return "", "", named("--domain", err)
	}
	s, err := transports.NormalizeSelector(selector)
	if err != nil {
		return "", "", named("--selector", err)
	}
	return d, s, nil
}

// storeKey keeps the private key in the keychain through the wizard's one
// rule (wizard.KeepKey): a different key under the same selector is never
// replaced.
func (e *env) storeKey(cmd, domain, selector string, key *dkimkey.Key, sameKeyOK bool) (transports.SecretRef, int) {
	store, err := e.openStore()
	if err != nil {
		return "", e.fail(cmd, ExitTemporary, fmt.Errorf("%w\nTo keep the key in a file instead, use --out FILE (dkim gen)", err))
	}
	kept, err := wizard.KeepKey(store, domain, selector, key, sameKeyOK, time.Now())
	switch {
	case errors.Is(err, wizard.ErrSelectorTaken):
		return "", e.usage(cmd, named("--selector", errors.New(strings.TrimPrefix(err.Error(), wizard.ErrSelectorTaken.Error()+": "))))
	case err != nil:
		return "", e.fail(cmd, ExitTemporary, err)
	}
	return kept.PrivateKeyRef, ExitOK
}

// writeKeyFile creates path with mode 0600, failing if it exists (O_EXCL:
// no race between the check and the write).
func writeKeyFile(path string, key *dkimkey.Key) error {
	pemData, err := key.PEM()
	if err != nil {
		return err
	}
	defer clear(pemData)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing the key file: %w", err)
	}
	if _, err := f.Write(pemData); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("writing the key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing the key file: %w", err)
	}
	return f.Close()
}

// printRecord prints a new or imported key's record to publish, after
// the headline that says which.
func printRecord(w io.Writer, tr *i18n.Translator, res dkimOutput, headline string) {
	r := res.Record
	fmt.Fprintln(w, headline)
	for _, warn := range res.Warnings {
		printWarning(w, tr, warn)
	}
	if res.Stored == "file" {
		fmt.Fprintln(w, tr.X("cmd.dkim.stored_file", "Private key written to %s (readable by you only). Keep it secret; it is not in the keychain.", res.File))
	} else {
		fmt.Fprintln(w, tr.X("cmd.dkim.stored_keychain", "Private key stored in the system keychain (service %s, entry %s).", secrets.Service, res.SecretRef))
	}
	fmt.Fprintf(w, "\n%s\n", tr.X("cmd.dkim.publish", "Publish this TXT record in the DNS of %s:", r.Domain))
	labels := []string{tr.X("cmd.dkim.field.type", "Type:"), tr.X("cmd.dkim.field.name", "Name:"), tr.X("cmd.dkim.field.value", "Value:")}
	width := 0
	for _, l := range labels {
		width = max(width, utf8.RuneCountInString(l))
	}
	field := func(label, value string) {
		fmt.Fprintf(w, "  %s%s %s\n", label, strings.Repeat(" ", width-utf8.RuneCountInString(label)), value)
	}
	field(labels[0], "TXT")
	field(labels[1], r.Name)
	fmt.Fprintf(w, "  %s %s\n", strings.Repeat(" ", width), tr.X("cmd.dkim.relative_name", "(if your DNS panel adds the domain itself, enter only: %s)", r.RelativeName))
	field(labels[2], r.Value)
	if len(r.Strings) > 1 {
		fmt.Fprintf(w, "\n%s\n", tr.X("cmd.dkim.strings", "If the panel takes at most 255 characters per value, enter these %d strings in order:", len(r.Strings)))
		for i, s := range r.Strings {
			fmt.Fprintf(w, "  %d: %s\n", i+1, s)
		}
	}
	fmt.Fprintf(w, "\n%s\n  %s\n", tr.X("cmd.dkim.zone_line", "As a zone-file line:"), r.ZoneLine)
}

// readPassword asks on the terminal without echo, or reads one line from
// standard input when it is not a terminal (scripts).
func (e *env) readPassword(prompt string) ([]byte, error) {
	if f, ok := e.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if e.lines.Busy() {
			return nil, errors.New("standard input is still being read for an earlier prompt")
		}
		fmt.Fprint(e.Err, prompt)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.Err)
		return pw, err
	}
	line, err := e.lines.ReadLine(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("no password on standard input")
	}
	return []byte(line), nil
}
