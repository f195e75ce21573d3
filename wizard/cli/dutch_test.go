package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsonFindings reads the findings of a --json report.
func jsonFindings(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return rep.Findings
}

// inDutch runs a command with --lang nl twice, as text and as --json: the
// JSON keeps the English words and the codes (the CLI contract), the text
// shows every finding's code with words other than the English ones, and
// the wanted Dutch sentences.
func inDutch(t *testing.T, wantCode int, args []string, wantDutch ...string) {
	t.Helper()
	args = append(args, "--lang", "nl")
	code, text, errOut := runCLI(t, nil, args...)
	if code != wantCode {
		t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, wantCode, text, errOut)
	}
	_, out, _ := runCLI(t, nil, append(args, "--json")...)
	findings := jsonFindings(t, out)
	if len(findings) == 0 {
		t.Fatalf("%v --json: no findings\n%s", args, out)
	}
	for _, f := range findings {
		code, msg, fix := f["code"].(string), f["message"].(string), f["fix"]
		if !strings.Contains(text, code+": ") {
			t.Errorf("the text lacks code %s:\n%s", code, text)
		}
		if strings.Contains(text, msg) {
			t.Errorf("%s is in English in the Dutch text: %q", code, msg)
		}
		if fix, ok := fix.(string); ok && fix != "" && strings.Contains(text, fix) {
			t.Errorf("the fix of %s is in English in the Dutch text: %q", code, fix)
		}
	}
	for _, want := range wantDutch {
		if !strings.Contains(text, want) {
			t.Errorf("the Dutch text lacks %q:\n%s", want, text)
		}
	}
}

func TestCheckInDutch(t *testing.T) {
	addr, _ := dnsServer(t)
	args := []string{"check", "example.nl", "--provider", "clockwise", "--dns-server", addr}
	inDutch(t, ExitFindings, args,
		"FOUT     spf.include-missing: het SPF-record van example.nl bevat geen include van _spf.clockwise.info",
		"oplossing: Voeg include:_spf.clockwise.info toe vóór de all aan het eind van het record. Publiceer op example.nl, in plaats van het huidige SPF-record: v=spf1",
		"dkim.missing: geen DKIM-record op clockwise._domainkey.example.nl",
		"Te publiceren SPF-record (TXT op example.nl):")
	_, out, _ := runCLI(t, nil, append(args, "--lang", "nl", "--json")...)
	if !strings.Contains(out, `"message": "the SPF record of example.nl does not include _spf.clockwise.info`) {
		t.Errorf("--json with --lang nl does not keep the English message:\n%s", out)
	}
}

func TestSMTPTestInDutch(t *testing.T) {
	_, flags := smtpServer(t)
	args := append([]string{"smtp", "test", "--password-env", "MW_WRONG_PASSWORD"}, flags...)
	inDutch(t, ExitFindings, args,
		"smtp.auth-failed: de server weigerde de gebruikersnaam of het wachtwoord (de server zei: 535 5.7.8 Authentication credentials invalid)",
		"oplossing: Controleer de gebruikersnaam (vaak het volledige mailadres) en het wachtwoord",
		"login       PLAIN mislukt",
		"smtp.desk-test: deze test liep vanaf uw computer")
	_, out, _ := runCLI(t, nil, append(args, "--lang", "nl", "--json")...)
	if !strings.Contains(out, `"message": "the server rejected the username or password (the server said: 535 5.7.8`) {
		t.Errorf("--json with --lang nl does not keep the English message:\n%s", out)
	}
}

// TestRefusalsInDutch: bad input is refused in Dutch with --lang nl, the
// flag or field named as it is.
func TestRefusalsInDutch(t *testing.T) {
	test := func(says string, args ...string) {
		t.Helper()
		code, _, errOut := runCLI(t, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, says) {
			t.Errorf("%v: exit %d, want 2 saying %q:\n%s", args, code, says, errOut)
		}
	}
	test("mailwizard smtp test: --port: 70000 is geen TCP-poort: gebruik 1-65535\nVoer 'mailwizard help smtp test' uit voor de opties.",
		"--lang", "nl", "smtp", "test", "--host", "smtp.example.nl", "--port", "70000", "--encryption", "starttls")
	test(`DOMAIN: "anna@example.nl" is een adres, geen domein`, "check", "anna@example.nl", "--lang", "nl")
	test(`--provider: onbekende provider "nope"`, "check", "example.nl", "--provider", "nope", "--lang", "nl")
	test("--preset: alleen het venster en setup nemen een preset", "--lang", "nl", "--preset", "p.json", "providers")
	// Before --lang is read, and without it, the words are English.
	test("--port: 70000 is not a TCP port", "smtp", "test", "--host", "smtp.example.nl", "--port", "70000", "--encryption", "starttls")
}

func TestExportValidateInDutch(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version": 2, "generator": "x", "created": "2026-01-01T00:00:00Z", "provider": "clockwise", "domain": "Example.nl", "transports": []}`), 0o600)
	code, _, errOut := runCLI(t, nil, "export", "validate", bad, "--lang", "nl")
	if code != ExitFindings || !strings.Contains(errOut, bad+`: domain: moet geschreven worden als "example.nl"`) ||
		!strings.Contains(errOut, "transports: is leeg: het document heeft minstens één transport nodig") {
		t.Errorf("exit %d, want 1 with Dutch field errors:\n%s", code, errOut)
	}
	_, out, _ := runCLI(t, nil, "export", "validate", bad, "--lang", "nl", "--json")
	if !strings.Contains(out, `"message": "must be written \"example.nl\""`) {
		t.Errorf("--json with --lang nl does not keep the English message:\n%s", out)
	}
}

// TestSetupRefusesInDutch: setup's refusals of a typed answer read in
// Dutch, each naming its field.
func TestSetupRefusesInDutch(t *testing.T) {
	addr, _, _, _ := setupWorld(t)
	in := newScript("1", "exa mple.nl", "facturen@other.nl", "example.nl", "facturen")
	code, _, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--lang", "nl")
	for _, want := range []string{
		`domain: label "exa mple" bevat ' ': een domeinnaam bevat alleen letters, cijfers en koppeltekens`,
		"senders[0]: facturen@other.nl is geen adres van example.nl: de dienst verstuurt alleen voor dat domein",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	for _, english := range []string{"a domain name has only", "is not an address of"} {
		if strings.Contains(stderr, english) {
			t.Errorf("stderr has English %q:\n%s", english, stderr)
		}
	}
	if code != ExitUsage {
		t.Errorf("exit %d at the end of the script, want 2", code)
	}
}

// `providers --lang nl` reads Dutch throughout: no line of the English
// listing is left in it but the lines that are only an ID and a name.
func TestProvidersInDutch(t *testing.T) {
	_, english, _ := runCLI(t, nil, "providers")
	code, dutch, errOut := runCLI(t, nil, "providers", "--lang", "nl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dutchLines := map[string]bool{}
	for _, l := range strings.Split(dutch, "\n") {
		dutchLines[l] = true
	}
	for _, l := range strings.Split(english, "\n") {
		if l == "" || !strings.HasPrefix(l, "    ") && len(strings.Fields(l)) <= 4 {
			continue // "clockwise  ClockWise": names stay names
		}
		if dutchLines[l] {
			t.Errorf("English line in the Dutch listing: %q", l)
		}
	}
	for _, want := range []string{"custom  Andere dienst", "Tijdregistratie en facturatie", "de Pro-versie van SpinOffice",
		"Een gebruikersnaam blijft verplicht", "Ondertekeningsdomeinen", "Gebruik een ID met --provider"} {
		if !strings.Contains(dutch, want) {
			t.Errorf("the Dutch listing lacks %q:\n%s", want, dutch)
		}
	}
}
