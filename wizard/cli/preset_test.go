package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwizard/wizard"
)

// What a support desk writes with preset write is what the admin's wizard
// starts with: the same service, domain (an IDN name converted), senders,
// language and DNS answer, and preset check says so.
func TestPresetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "customer.mwpreset")
	code, out, errOut := runCLI(t, nil, "preset", "write", "--out", file, "--provider", "spinoffice",
		"--domain", "Bücher.example", "--senders", "facturen, info@bücher.example", "--admin-lang", "nl", "--dns-access", "no",
		"--code-to", "it@bücher.example")
	if code != ExitOK {
		t.Fatalf("preset write: exit %d, %s", code, errOut)
	}
	if !strings.Contains(out, "Wrote "+file) {
		t.Errorf("preset write says %q", out)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("the preset: %v, %v", fi, err)
	}
	code, out, errOut = runCLI(t, nil, "preset", "check", file)
	if code != ExitOK || !strings.Contains(out, "a valid preset for SpinOffice, domain xn--bcher-kva.example, 2 sender(s), 0 transport(s)") {
		t.Fatalf("preset check: exit %d, %q %q", code, out, errOut)
	}

	sess, err := wizard.Start(wizard.Options{DraftPath: filepath.Join(dir, "draft.json"), PresetFile: file})
	if err != nil {
		t.Fatal(err)
	}
	st := sess.Flow.State
	if st.Provider != "spinoffice" || st.Domain != "xn--bcher-kva.example" || len(st.Senders) != 2 || st.Lang != "nl" ||
		st.DNSAccess == nil || *st.DNSAccess || st.CodeTo != "it@xn--bcher-kva.example" {
		t.Errorf("the wizard starts with %+v", st)
	}
}

// A profile file the preset names is written relative to the preset, so
// the two can be mailed together and opened from any folder.
func TestPresetWriteKeepsTheProfileBesideIt(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("../../resources/providers/clockwise.json")
	if err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "acme.json")
	if err := os.WriteFile(profile, []byte(strings.Replace(string(raw), `"id": "clockwise"`, `"id": "acme"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "customer.mwpreset")
	if code, _, errOut := runCLI(t, nil, "preset", "write", "--out", file, "--provider", profile); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), `"provider": "acme.json"`) {
		t.Errorf("the preset names the profile as %s", b)
	}
	t.Chdir(t.TempDir())
	if code, out, errOut := runCLI(t, nil, "preset", "check", file); code != ExitOK || !strings.Contains(out, "for ClockWise") {
		t.Errorf("checked from elsewhere: exit %d, %q %q", code, out, errOut)
	}
}

// A bad value is refused naming the flag, and nothing is written; a bad
// preset file is refused naming its field, exit 2 as any bad input.
func TestBadPresetsAreRefusedNamingTheField(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "customer.mwpreset")
	for _, c := range []struct {
		says string
		args []string
	}{
		{"--senders: a@other.nl is not an address of example.nl", []string{"--provider", "spinoffice", "--domain", "example.nl", "--senders", "a@other.nl"}},
		{"--domain: label \"exa mple\"", []string{"--provider", "spinoffice", "--domain", "exa mple"}},
		{`--provider: unknown provider "nope"`, []string{"--provider", "nope"}},
		{"--code-to:", []string{"--provider", "spinoffice", "--code-to", "it@"}},
		{"--provider is required", nil},
		{"--domain", []string{"--provider", "spinoffice", "--domain", "example.nl\r\nBcc: x"}},
		{"--dns-access", []string{"--provider", "spinoffice", "--dns-access", "maybe"}},
	} {
		code, _, errOut := runCLI(t, nil, append([]string{"preset", "write", "--out", file}, c.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d, stderr %q; want 2 saying %q", c.args, code, errOut, c.says)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatalf("%v: a refused preset was written", c.args)
		}
	}

	for _, c := range []struct{ body, says string }{
		{`{"version": 1, "domain": "exa mple"}`, "domain: label"},
		{`{"version": 7}`, "version: is 7: this preset was written for a newer mailwizard"},
		{`{"version": 1, "provider": "spinoffice", "transports": [{"type": "smtp"}]}`, "transports[0]"},
		{`{"version": 1, "password": "Geheim2026"}`, "password"},
		{`{"version": 1, "colour": "red"}`, "colour"},
		{`not json`, "customer.mwpreset"},
	} {
		if err := os.WriteFile(file, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, nil, "preset", "check", file)
		if code != ExitUsage || !strings.Contains(errOut, c.says) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2 saying %q", c.body, code, out, errOut, c.says)
		}
		if strings.Contains(errOut, "Geheim2026") {
			t.Errorf("preset check echoed the password: %q", errOut)
		}
	}
}
