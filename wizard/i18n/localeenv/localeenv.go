// Package localeenv rewrites the locale variables of this process into
// forms every locale reader understands, before any of them reads them.
//
// Fyne's lang package reads LANGUAGE, LC_ALL, LC_MESSAGES and LANG when it
// is initialised and logs three lines of "Error parsing user locale" for
// glibc locales that are not BCP 47 tags: those with a modifier
// (de_DE@euro, sr_RS@latin, ca_ES@valencia), or junk such as "UTF-8". That
// happens before main runs, so even `mailwizard version` printed it. The
// admin did not cause it and can do nothing with it.
//
// The rewrite must run before fyne.io/fyne/v2/lang's init. Go initialises
// packages in import-path order among those whose imports are done (the
// Go 1.21 spec, "Package initialization"); this package imports only the
// standard library and x/text, so it is ready before Fyne's lang package
// (which needs text/template, sorted after "mailwizard/") and is chosen
// first. scripts/smoke.sh proves it on the real binary with such locales.
package localeenv

import (
	"os"
	"strings"

	"golang.org/x/text/language"
)

func init() { Apply(os.Getenv, os.Setenv, os.Unsetenv) }

// Apply rewrites LC_ALL, LC_MESSAGES and LANG, and the list in LANGUAGE,
// through the given accessors (tests pass a map).
func Apply(get func(string) string, set func(string, string) error, unset func(string) error) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := get(name); v != "" {
			if c := Clean(v); c != v {
				set(name, c)
			}
		}
	}
	if v := get("LANGUAGE"); v != "" {
		var kept []string
		for _, entry := range strings.Split(v, ":") {
			if c := Clean(entry); c != "C" && c != "" {
				kept = append(kept, c)
			}
		}
		if len(kept) == 0 {
			unset("LANGUAGE")
		} else if joined := strings.Join(kept, ":"); joined != v {
			set("LANGUAGE", joined)
		}
	}
}

// Clean returns a glibc locale name without its @modifier when the rest
// reads as a language tag ("de_DE.UTF-8@euro" gives "de_DE.UTF-8"), "C"
// for a name that does not (the C locale is what glibc uses for a locale
// it cannot load), and C and POSIX unchanged.
func Clean(v string) string {
	if v == "C" || v == "POSIX" || v == "" {
		return v
	}
	v, _, _ = strings.Cut(v, "@")
	// The tag readers look at: the part before the codeset, with _ as -.
	tag, _, _ := strings.Cut(v, ".")
	if tag == "C" || tag == "POSIX" {
		return "C"
	}
	if _, err := language.Parse(strings.ReplaceAll(tag, "_", "-")); err != nil || tag == "" {
		return "C"
	}
	return v
}
