package cli

import (
	"flag"
	"fmt"

	"mailwizard/transports"
	"mailwizard/transports/secrets"
)

func buildSecretsForget(fs *flag.FlagSet, e *env) func([]string) int {
	return func(args []string) int {
		if err := argCount(args, 1, "DOMAIN"); err != nil {
			return e.usage("secrets forget", err)
		}
		domain, err := transports.NormalizeDomain(args[0])
		if err != nil {
			return e.usage("secrets forget", named("DOMAIN", err))
		}
		store, err := e.openStore()
		if err != nil {
			return e.fail("secrets forget", ExitTemporary, err)
		}
		n, err := store.Forget(domain)
		if err != nil {
			return e.fail("secrets forget", ExitTemporary, err)
		}
		switch n {
		case 0:
			fmt.Fprintf(e.Out, "The keychain held no mailwizard secrets for %s.\n", domain)
		default:
			fmt.Fprintf(e.Out, "Deleted %d secret(s) of %s from the keychain (service %s).\n", n, domain, secrets.Service)
		}
		return ExitOK
	}
}
