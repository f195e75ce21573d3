package cli

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"mailwizard/transports/secrets"
	"mailwizard/wizard"
)

// Where no display is announced (an SSH session) the window is not
// tried: the admin reads why, in their language, and that setup is the
// same wizard; the exit code is 2.
func TestNoDisplaySaysUseSetup(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("Windows and macOS always have a desktop for the window: no DISPLAY to be without")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "C")
	window := func(wizard.Options, *wizard.Env) int {
		t.Error("the window was opened without a display")
		return 0
	}
	test := func(wantLines []string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, window, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want nothing", args, out)
		}
		for _, want := range wantLines {
			if !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
			}
		}
		if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
			t.Errorf("%v: stderr has a stack trace:\n%s", args, errOut)
		}
	}
	test([]string{"needs a desktop session", "DISPLAY", "mailwizard setup"})
	test([]string{"needs a desktop session"}, "--preset", "p.json")
	test([]string{"heeft een bureaubladsessie nodig", "mailwizard setup", "dezelfde wizard in de terminal"}, "--lang", "nl")
}

func TestDisplayAvailable(t *testing.T) {
	test := func(goos, display, wayland string, want bool) {
		t.Helper()
		env := map[string]string{"DISPLAY": display, "WAYLAND_DISPLAY": wayland}
		if got := displayAvailable(func(k string) string { return env[k] }, goos); got != want {
			t.Errorf("%s DISPLAY=%q WAYLAND_DISPLAY=%q: %v, want %v", goos, display, wayland, got, want)
		}
	}
	test("linux", "", "", false)
	test("freebsd", "", "", false)
	test("linux", ":0", "", true)
	test("linux", "localhost:10.0", "", true) // ssh -X
	test("linux", "", "wayland-0", true)
	test("darwin", "", "", true)
	test("windows", "", "", true)
}

// The window opens while the keychain is still answering (a locked
// keyring's unlock prompt can take as long as the admin takes), and the
// step that needs a secret waits for it: nothing is lost or refused.
func TestWindowOpensBeforeTheKeychainAnswers(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	release := make(chan struct{})
	mem := secrets.NewMemory()
	old := openKeychain
	openKeychain = func() (secrets.Store, error) { <-release; return mem, nil }
	t.Cleanup(func() { openKeychain = old })
	opened := make(chan *wizard.Env, 1)
	go runCLI(t, func(_ wizard.Options, env *wizard.Env) int { opened <- env; return 0 })
	var env *wizard.Env
	select {
	case env = <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the window waited for the keychain")
	}
	ref := secrets.SMTPPasswordRef("example.nl", "relay")
	stored := make(chan error, 1)
	go func() { stored <- env.Secrets.Set(ref, "Zomer2026!mail") }()
	close(release)
	if err := <-stored; err != nil {
		t.Fatal(err)
	}
	if got, _ := mem.Get(ref); got != "Zomer2026!mail" {
		t.Errorf("the keychain holds %q", got)
	}
}
