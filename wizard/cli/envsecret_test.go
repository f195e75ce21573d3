package cli

import (
	"strings"
	"testing"
)

// A secret given where the flag wants the NAME of a variable that holds
// it is refused (exit 2, the flag named) without being repeated: the
// error would put it in the scrollback or the CI log the flag was meant
// to keep it out of. A name that is not set is named, as before.
func TestEnvFlagsTakeNamesNotSecrets(t *testing.T) {
	const secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=" // a TSIG secret, base64
	const password = "Winter2026!"
	test := func(flag, leaked string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, flag+": takes the NAME of an environment variable that holds the secret, not the secret itself") {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
		if strings.Contains(out+errOut, leaked) {
			t.Errorf("%v: the secret is repeated:\n%s%s", args, out, errOut)
		}
	}
	test("--tsig-secret-env", secret, "dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", secret)
	test("--tsig-secret-env", secret, "setup", "--tsig-name", "mailwizard", "--tsig-secret-env", secret)
	test("--password-env", password, "setup", "--password-env", password)
	test("--password-env", password, "smtp", "test", "--host", "127.0.0.1", "--port", "587", "--encryption", "starttls", "--user", "facturen", "--password-env", password)

	for _, args := range [][]string{
		{"smtp", "test", "--host", "127.0.0.1", "--port", "587", "--encryption", "starttls", "--user", "facturen", "--password-env", "MW_NOT_SET_ANYWHERE"},
		{"setup", "--password-env", "MW_NOT_SET_ANYWHERE"},
	} {
		if code, _, errOut := runCLI(t, nil, args...); code != ExitUsage || !strings.Contains(errOut, "--password-env: the environment variable MW_NOT_SET_ANYWHERE is empty or not set") {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
}

func TestIsEnvName(t *testing.T) {
	for s, want := range map[string]bool{"TSIG_SECRET": true, "_x1": true, "a": true, "": false, "1A": false, "A-B": false, "c2Vj=": false, "pass word": false, "é": false} {
		if got := isEnvName(s); got != want {
			t.Errorf("isEnvName(%q) = %v", s, got)
		}
	}
}
