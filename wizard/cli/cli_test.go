package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// runCLI runs the command line in-process and returns exit code, stdout
// and stderr.
func runCLI(t *testing.T, window OpenWindow, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, window)
	return code, out.String(), errOut.String()
}

func TestNoArgumentsOpensTheWindow(t *testing.T) {
	t.Setenv("DISPLAY", ":99") // the window itself is the stand-in below
	var got *wizard.Options
	window := func(o wizard.Options, _ *wizard.Env) int { got = &o; return 0 }
	if code, _, _ := runCLI(t, window); code != 0 || got == nil {
		t.Fatalf("no arguments: code %d, window opened %v", code, got != nil)
	}
	got = nil
	code, _, _ := runCLI(t, window, "--preset", "p.json", "--lang", "nl")
	if code != 0 || got == nil || got.PresetFile != "p.json" || got.Lang != i18n.Dutch {
		t.Errorf("--preset/--lang: code %d, options %+v", code, got)
	}
}

func TestUsageErrorsExit2NamingTheField(t *testing.T) {
	test := func(says string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, nil, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (stdout %q)", args, code, out)
		}
		if !strings.Contains(errOut, says) {
			t.Errorf("%v: stderr %q does not say %q", args, errOut, says)
		}
	}
	test(`unknown command "frobnicate"`, "frobnicate")
	test("spf needs one of: eval, suggest", "spf")
	test(`unknown command "dkim rotate"`, "dkim", "rotate")
	test("unknown flag --colour", "providers", "--colour")
	test("--port: 70000 is not a TCP port", "smtp", "test", "--host", "smtp.example.nl", "--port", "70000", "--encryption", "starttls")
	test("--port is required", "smtp", "test", "--host", "smtp.example.nl", "--encryption", "tls")
	test(`--encryption: "ssl" is not one of none, tls, starttls, starttls-optional`, "smtp", "test", "--host", "smtp.example.nl", "--port", "465", "--encryption", "ssl")
	test("--host: ", "smtp", "test", "--host", "smtp.example.nl:587", "--port", "587", "--encryption", "tls")
	test("--from: ", "smtp", "verify", "--host", "smtp.example.nl", "--port", "587", "--encryption", "starttls", "--from", "noreply", "--to", "a@example.nl")
	test("DOMAIN: ", "check", "exa mple.nl")
	test("DOMAIN: ", "check", "example.nl\r\n")
	test("missing DOMAIN", "check")
	test("not both", "check", "example.nl", "--domains", "list.txt")
	test("--provider: unknown provider", "check", "example.nl", "--provider", "nope")
	test("--selector: ", "check", "example.nl", "--selector", "s1._domainkey")
	test("--ip: ", "spf", "eval", "--ip", "300.1.1.1", "--helo", "mail.example.nl")
	test("--provider is required", "spf", "suggest", "example.nl")
	test(`--algo: "rsa1024" is not one of`, "dkim", "gen", "--domain", "example.nl", "--selector", "s1", "--algo", "rsa1024")
	test("--interval: ", "poll", "example.nl", "--provider", "clockwise", "--interval", "-5s")
	test("--resolver: ", "--resolver", "1.1.1.1:99999", "providers")
	test("--dns-server: ", "providers", "--dns-server", "dns server")
	test("--lang: language \"fr\" is not available", "--lang", "fr", "providers")
	test("--dns-timeout: ", "providers", "--dns-timeout", "0s")
	test("--preset: only the window and setup", "--preset", "p.json", "providers")
	test("unexpected argument", "providers", "extra")
	test("missing FILE", "export", "validate")
}

func TestProviders(t *testing.T) {
	code, out, _ := runCLI(t, nil, "providers", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var ps []struct {
		ID         string `json:"id"`
		SPFInclude string `json:"spf_include"`
	}
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	includes := map[string]string{}
	for _, p := range ps {
		includes[p.ID] = p.SPFInclude
	}
	want := map[string]string{"clockwise": "_spf.clockwise.info", "spacewell": "_spf.axxerion.com", "spinoffice": "spf.spinoffice-crm.com", "perfectview": "", "custom": ""}
	for id, inc := range want {
		if got, ok := includes[id]; !ok || got != inc {
			t.Errorf("provider %s: include %q (listed %v), want %q", id, got, ok, inc)
		}
	}
	code, out, _ = runCLI(t, nil, "providers")
	// The text listing gives what the window shows for each service.
	if code != 0 || !strings.Contains(out, "_spf.clockwise.info") || !strings.Contains(out, "mrsel1._domainkey") ||
		!strings.Contains(out, "Pro edition") || !strings.Contains(out, "212.61.168.0/27 (the manual writes 212.61.168.1/27") {
		t.Errorf("text listing (exit %d):\n%s", code, out)
	}
}

func TestExportValidate(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "..", "transports", "testdata", "config.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	good := write("good.json", string(golden))
	code, out, _ := runCLI(t, nil, "export", "validate", good)
	if code != 0 || !strings.Contains(out, "valid mailwizard configuration (version 1) for example.nl") {
		t.Errorf("valid file: exit %d, %q", code, out)
	}

	// A file that is not a document this mailwizard reads is bad input
	// (2); a document that was read and breaks a rule is what the command
	// looks for (1), like any check that finds an error.
	test := func(name, body string, want int, says string) {
		t.Helper()
		p := write(name, body)
		code, _, errOut := runCLI(t, nil, "export", "validate", p)
		if code != want || !strings.Contains(errOut, says) {
			t.Errorf("%s: exit %d, stderr %q, want %d saying %q", name, code, errOut, want, says)
		}
		code, out, _ := runCLI(t, nil, "export", "validate", "--json", p)
		var rep validationReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != want || rep.Valid || len(rep.Errors) == 0 {
			t.Errorf("%s --json: exit %d, %q", name, code, out)
		}
	}
	g := string(golden)
	test("v99.json", strings.Replace(g, `"version": 1`, `"version": 99`, 1), ExitUsage, "version: is 99: this file was written by a newer mailwizard")
	test("port.json", strings.Replace(g, `"port": 587`, `"port": 70000`, 1), ExitFindings, "transports[1].smtp.port: 70000 is not a TCP port")
	test("broken.json", g[:len(g)/2], ExitUsage, "cut off")
	test("empty.json", "", ExitUsage, "empty")
	code, _, errOut := runCLI(t, nil, "export", "validate", filepath.Join(dir, "missing.json"))
	if code != ExitUsage || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, nil, "help")
	if code != 0 || !strings.Contains(out, "smtp verify") || !strings.Contains(out, "Exit codes") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "smtp", "test", "--help")
	if code != 0 || !strings.Contains(out, "--password-env VAR") || !strings.Contains(out, "(default strict)") {
		t.Errorf("smtp test --help: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "help", "dkim", "gen")
	if code != 0 || !strings.Contains(out, "--algo algorithm") {
		t.Errorf("help dkim gen: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "--version"); code != 0 || !strings.HasPrefix(out, "mailwizard ") {
		t.Errorf("--version: exit %d %q", code, out)
	}
}
