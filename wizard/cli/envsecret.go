package cli

import (
	"os"

	"mailwizard/texts"
	"mailwizard/transports"
)

// A secret reaches a command through an environment variable whose name
// a flag gives (--password-env, --tsig-secret-env): never the secret on
// the command line, where ps and the shell's history show it.

// envSecret is the value of the environment variable name, for flag.
// A name that cannot be a variable's ([A-Za-z_][A-Za-z0-9_]*) is most
// likely the secret itself, pasted in its place: it is not repeated in
// the error, which a terminal's scrollback or a CI log would keep.
func envSecret(flag, name string) (string, error) {
	if !isEnvName(name) {
		return "", named(flag, texts.Err(transports.ErrSyntax, texts.T("cmd.env_not_a_name", "takes the NAME of an environment variable that holds the secret, not the secret itself")))
	}
	v := os.Getenv(name)
	if v == "" {
		return "", named(flag, texts.Err(transports.ErrEmpty, texts.T("cmd.env_empty", "the environment variable %s is empty or not set", name)))
	}
	return v, nil
}

// isEnvName reports whether s is a name the shells give variables
// (POSIX, Base Definitions section 8.1): letters, digits and underscores,
// not starting with a digit.
func isEnvName(s string) bool {
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}
