package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/publish"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
)

// dns publish: the provider's records sent to the domain's own DNS
// server as one dynamic update (RFC 2136) signed with a TSIG key, shown
// first and sent only on the admin's yes, then watched until every
// authoritative server has them.

// publishTimeout bounds each of the two parts of publishing that run
// without the admin: working out the records and reading the primary,
// then, after the yes, sending the update. The question between them
// takes the admin's time, not the network's. publishWait bounds the
// watch for the secondaries after. Variables: tests shorten them.
var (
	publishTimeout = time.Minute
	publishWait    = 2 * time.Minute
)

// publishFlags are the key and server flags dns publish and setup share.
type publishFlags struct {
	server, name, algorithm, secretEnv string
}

func (f *publishFlags) register(fs *flag.FlagSet, serverFlag string) {
	fs.StringVar(&f.server, serverFlag, "", "send the update to `HOST:PORT` instead of the zone's primary (the SOA's MNAME)")
	fs.StringVar(&f.name, "tsig-name", "", "the TSIG key's `NAME`, as the DNS server knows it")
	fs.StringVar(&f.algorithm, "tsig-algo", "", "the key's algorithm `A`: "+strings.Join(publish.Algorithms, ", ")+" (default "+publish.DefaultAlgorithm+")")
	fs.StringVar(&f.secretEnv, "tsig-secret-env", "", "environment `VAR` holding the key's secret (base64, or the whole key as tsig-keygen prints it); default: the keychain")
}

// keyFlagNames map the engine's fields to the flags that set them.
func (f *publishFlags) flagOf(field, serverFlag string) string {
	switch field {
	case publish.FieldKeyName:
		return "--tsig-name"
	case publish.FieldAlgorithm:
		return "--tsig-algo"
	case publish.FieldSecret:
		return "--tsig-secret-env"
	case publish.FieldServer:
		return "--" + serverFlag
	}
	return field
}

// check validates the flags that need no network: exit 2 naming the flag.
func (f *publishFlags) check(serverFlag string) error {
	if f.server != "" {
		if _, _, err := publish.ParseServer(f.server); err != nil {
			return f.named(err, serverFlag)
		}
	}
	if _, err := publish.KeyName(f.name); err != nil {
		return f.named(err, serverFlag)
	}
	if _, err := publish.Algorithm(f.algorithm); err != nil && f.algorithm != "" {
		return f.named(err, serverFlag)
	}
	if f.secretEnv != "" {
		_, err := envSecret("--tsig-secret-env", f.secretEnv)
		return err
	}
	return nil
}

// checkOptional is check for setup, where the key is optional: the
// flags given are checked, and the name only when given.
func (f *publishFlags) checkOptional(serverFlag string) error {
	if f.name != "" {
		return f.check(serverFlag)
	}
	g := *f
	g.name = "unnamed"
	return g.check(serverFlag)
}

// named renames an engine's field error after its flag.
func (f *publishFlags) named(err error, serverFlag string) error {
	var fe *transports.FieldError
	if errors.As(err, &fe) {
		return named(f.flagOf(fe.Field, serverFlag), fe.Err)
	}
	return err
}

// key is the TSIG key: the secret from --tsig-secret-env, else the
// keychain, else asked without echo on a terminal. need false (a dry
// run) takes the key without a secret when none is kept.
func (e *env) tsigKey(f *publishFlags, serverFlag string, store secrets.Store, domain string, need bool) (publish.Key, error) {
	secret := ""
	if f.secretEnv != "" {
		secret = os.Getenv(f.secretEnv)
	} else if kept, err := wizard.TSIGSecret(store, domain, f.name); err == nil {
		secret = kept
	} else if need && isTerminal(e.In) {
		typed, err := e.readPassword(e.tr.X("cmd.publish.ask_secret", "Secret of the TSIG key %s (not shown)", f.name) + ": ")
		if err != nil {
			return publish.Key{}, err
		}
		if strings.TrimSpace(string(typed)) == "" {
			// Not a key without a secret: that would be signed with an
			// empty HMAC key and refused as BADSIG, advice for the server.
			return publish.Key{}, named("--tsig-secret-env", texts.Err(transports.ErrEmpty, texts.T("cmd.publish.empty_secret",
				"no secret was typed for the key %s: type it when asked, or give it in an environment variable named with --tsig-secret-env", f.name)))
		}
		secret = string(typed)
	} else if need {
		return publish.Key{}, named("--tsig-secret-env", texts.Err(transports.ErrEmpty, texts.T("cmd.publish.no_secret",
			"the keychain holds no secret for the key %s of %s: give it in an environment variable named with --tsig-secret-env", f.name, domain)))
	}
	if secret == "" {
		name, err := publish.KeyName(f.name)
		if err != nil {
			return publish.Key{}, f.named(err, serverFlag)
		}
		alg, err := publish.Algorithm(f.algorithm)
		return publish.Key{Name: name, Algorithm: alg}, f.named(err, serverFlag)
	}
	k, err := publish.NewKey(f.name, f.algorithm, secret)
	return k, f.named(err, serverFlag)
}

func buildDNSPublish(fs *flag.FlagSet, e *env) func([]string) int {
	providerFlag := fs.String("provider", "", "provider profile `P`")
	selector := fs.String("selector", "", "the DKIM `selector` whose key (in the keychain) to publish; default: the profile's")
	var f publishFlags
	f.register(fs, "server")
	dryRun := fs.Bool("dry-run", false, "show the update, send nothing")
	yes := fs.Bool("yes", false, "send without asking")
	return func(args []string) int {
		const cmd = "dns publish"
		err := firstError(argCount(args, 1, "DOMAIN"), required("provider", *providerFlag), required("tsig-name", f.name),
			optionalSelector("selector", *selector), f.check("server"))
		var domain, sel string
		var provider *transports.Provider
		if err == nil {
			domain, err = transports.NormalizeDomain(args[0])
			err = named("DOMAIN", err)
		}
		if err == nil && *selector != "" {
			sel, _ = transports.NormalizeSelector(*selector)
		}
		if err == nil {
			provider, err = transports.LoadProvider(*providerFlag)
			err = named("--provider", err)
		}
		if err != nil {
			return e.usage(cmd, err)
		}
		store, err := e.publishStore(provider, sel, *dryRun)
		if err != nil {
			return e.fail(cmd, ExitTemporary, err)
		}
		key, err := e.tsigKey(&f, "server", store, domain, !*dryRun)
		if err != nil {
			return e.usage(cmd, err)
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail(cmd, ExitTemporary, err)
		}
		env := &wizard.Env{DNS: c, Secrets: store}
		ctx, cancel := context.WithTimeout(e.ctx, publishTimeout)
		defer cancel()
		records, err := wizard.PublishRecords(ctx, env, domain, provider, sel)
		if errors.Is(err, wizard.ErrNoKeyForSelector) {
			return e.usage(cmd, named("--selector", err))
		}
		if err != nil {
			return e.fail(cmd, ExitTemporary, err)
		}
		if len(records) == 0 {
			return e.usage(cmd, named("--provider", texts.Err(nil, texts.T("cmd.publish.no_records", "%s asks for no DNS records", provider.Name))))
		}
		plan, err := wizard.PreparePublish(ctx, env, domain, records, f.server)
		if err != nil {
			return e.publishFailed(cmd, err)
		}
		e.printPlan(plan, key)
		if plan.Windows != nil {
			writeFindings(e.Err, e.tr, []checks.Finding{publish.Explain(plan.Windows)})
		}
		if *dryRun {
			fmt.Fprintln(e.Out, e.tr.X("cmd.publish.dry_run", "Dry run: nothing was sent."))
			return ExitOK
		}
		if plan.Pending() {
			ask := &prompter{e: e, tr: e.tr, yes: *yes}
			ok, err := ask.confirm("--yes", e.tr.X("cmd.publish.confirm", "Send this update to %s?", plan.Primary), *yes)
			if err != nil {
				return e.usage(cmd, err)
			}
			if !ok {
				fmt.Fprintln(e.Out, e.tr.X("cmd.publish.declined", "Nothing was sent."))
				return ExitOK
			}
		}
		sctx, scancel := context.WithTimeout(e.ctx, publishTimeout)
		defer scancel()
		res, err := wizard.Publish(sctx, env, nil, domain, plan, key, f.server)
		wctx, wcancel := context.WithTimeout(e.ctx, publishWait)
		defer wcancel()
		if err != nil {
			code := e.publishFailed(cmd, err)
			if !publish.MayHaveArrived(err) || errors.Is(err, context.Canceled) {
				return code
			}
			// Sent, and no answer to trust: the name servers tell.
			fmt.Fprintln(e.Out, e.tr.X("cmd.publish.may_have_arrived", "Whether the update arrived shows on the name servers: they are asked now."))
			if e.watchPublished(wctx, env, plan, &publish.Result{Primary: plan.Primary}, records) {
				return ExitOK
			}
			return code
		}
		e.printPublished(&res.Result)
		if w := res.Warning(); !w.IsZero() {
			fmt.Fprintln(e.Err, e.tr.Text(w))
		}
		e.watchPublished(wctx, env, plan, &res.Result, records)
		return ExitOK
	}
}

// publishStore is the keychain, needed only where the DKIM key to
// publish is read from it. Elsewhere (a CNAME-only service, the secret
// from --tsig-secret-env on a DNS host over SSH) a keychain that cannot
// be opened leaves a memory store, with a warning that the TSIG secret
// will not be kept.
func (e *env) publishStore(p *transports.Provider, selector string, dryRun bool) (secrets.Store, error) {
	store, err := e.openStore()
	switch {
	case err == nil:
		return store, nil
	case wizard.PublishNeedsKeychain(p):
		if selector == "" {
			selector = p.DKIM.DefaultSelector
		}
		return nil, texts.Err(err, texts.T("cmd.publish.keychain_for_dkim", "the DKIM key of selector %s is read from the keychain, which cannot be opened: %v", selector, err))
	}
	if !dryRun {
		fmt.Fprintln(e.Err, e.tr.X("cmd.publish.no_keychain", "The keychain cannot be opened (%s): the TSIG key's secret will not be kept for the next time.", e.tr.Error(err)))
	}
	return secrets.NewMemory(), nil
}

// publishFailed prints why nothing was published and returns the exit
// code: 3 when trying again may work, 1 when the server must change.
func (e *env) publishFailed(cmd string, err error) int {
	if errors.Is(err, wizard.ErrNoValue) {
		return e.fail(cmd, ExitTemporary, err)
	}
	f := publish.Explain(err)
	fmt.Fprintf(e.Err, "mailwizard %s:\n", cmd)
	writeFindings(e.Err, e.tr, []checks.Finding{f})
	if f.Temporary {
		return ExitTemporary
	}
	return ExitFindings
}
