package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
)

// A support desk's preset answers everything but the secrets: setup then
// asks only for the codes (the password comes from --password-env) and
// takes the preset's transports one after the other.
func TestSetupFromPreset(t *testing.T) {
	addr, srv, _, dir := setupWorld(t)
	relay, _ := smtpServer(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	preset := filepath.Join(dir, "example.mwpreset")
	os.WriteFile(preset, []byte(fmt.Sprintf(`{
  "version": 1,
  "provider": "clockwise",
  "domain": "example.nl",
  "senders": ["facturen", "info@example.nl"],
  "dns_access": true,
  "code_to": "it@example.org",
  "transports": [
    {"name": "Billing via our relay", "match": {"domain": "example.nl", "subsystem": "billing"}, "type": "smtp",
     "smtp": {"host": "127.0.0.1", "port": %d, "encryption": "starttls", "username": "relay@example.nl"}},
    {"type": "hosted", "hosted": {"dkim": {"algorithm": "rsa2048", "selector": "cw2026"}}}
  ]
}`, relay.Port)), 0o600)
	published := make(chan time.Time, 1)
	publishZoneFile(t, srv, zone, published)
	in := newScript(
		codeFrom(relay, 1), // the code sent through the relay
		// Menu: 1 export, 2 add, 3 settings, 4 rule, 5 move up, 6 remove,
		// 7 rotate, 8 which transport sends for an address.
		"8", "info@example.nl", "billing",
		"", // export
		"", // write the export
	)
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--preset", preset, "--dns-server", addr,
		"--out", out, "--zone-out", zone, "--poll-interval", "100ms", "--poll-timeout", "5s", "--password-env", "MW_SMTP_PASSWORD")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{`Transport 2 of 2: "ClockWise servers" (hosted)`, "Confirmed: mail from facturen@example.nl", `info@example.nl is sent by "Billing via our relay".`, "cw2026._domainkey", "Every record is on every name server"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout)
		}
	}
	for _, asked := range []string{"Which service", "The domain the service", "How should", "Mail server (host", "Key type", "Selector"} {
		if strings.Contains(stdout, asked) {
			t.Errorf("setup asked %q although the preset answers it:\n%s", asked, stdout)
		}
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Transports) != 2 || doc.Transports[0].Match.Subsystem != "billing" || doc.Transports[1].Hosted.DKIM.Selector != "cw2026" ||
		len(doc.DKIM) != 1 || doc.DKIM[0].Algorithm != "rsa2048" {
		t.Errorf("document: %+v %+v", doc.Transports, doc.DKIM)
	}
}

// A preset is checked whole before anything is asked: each mistake is
// named by its field, and the admin's draft is left as it was.
func TestSetupRefusesBadPresets(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	// The admin has answered two questions already.
	runSetup(t, context.Background(), strings.NewReader("1\nexample.nl\n"), "--dns-server", addr)
	draft := filepath.Join(dir, "config", "mailwizard", "draft.json")
	before, err := os.ReadFile(draft)
	if err != nil || !strings.Contains(string(before), `"domain": "example.nl"`) {
		t.Fatalf("no draft after two answers: %v\n%s", err, before)
	}
	bad := map[string]string{
		`{"provider": "clockwise", "transports": [{"type": "smtp", "smtp": {"host": "mail.example.nl", "password": "hunter2"}}]}`:             "transports[0].smtp.password: a preset holds no password",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "smtp", "smtp": {"port": 70000}}]}`:                        "transports[0].smtp.port: 70000 is not a TCP port",
		`{"provider": "spinoffice", "domain": "example.nl", "transports": [{"type": "smtp"}]}`:                                                "transports[0].type: SpinOffice does not offer smtp transports",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "hosted", "hosted": {"dkim": {"algorithm": "ed25519"}}}]}`: "transports[0].hosted.dkim.algorithm",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "smtp", "smtp": {"hots": "x"}}]}`:                          "transports[0].smtp.hots: is not a field of this format",
		`{"version": 2, "provider": "clockwise"}`:                                            "version: is 2: this preset was written for a newer mailwizard",
		`{"provider": "clockwise", "domain": "example.nl", "senders": ["info@other.nl"]}`:    "senders[0]: info@other.nl is not an address of example.nl",
		`{"provider": "clockwise", "domain": "example.nl", "code_to": "it@exa\r\nmple.org"}`: "code_to",
	}
	for body, says := range bad {
		t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no draft: the preset alone is checked
		p := filepath.Join(dir, "bad.mwpreset")
		os.WriteFile(p, []byte(body), 0o600)
		code, stdout, stderr := runSetup(t, context.Background(), strings.NewReader(""), "--preset", p, "--dns-server", addr)
		if code != ExitUsage || !strings.Contains(stderr, says) {
			t.Errorf("preset %s: exit %d, want 2 saying %q\n%s%s", body, code, says, stdout, stderr)
		}
		if strings.Contains(stderr, "hunter2") {
			t.Errorf("the password in the preset was echoed: %s", stderr)
		}
	}
	// With the draft there, a bad preset is refused the same way and the
	// draft keeps every answer.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	p := filepath.Join(dir, "bad.mwpreset")
	os.WriteFile(p, []byte(`{"transports": [{"type": "smtp", "smtp": {"port": 70000}}]}`), 0o600)
	if code, _, stderr := runSetup(t, context.Background(), strings.NewReader(""), "--preset", p, "--dns-server", addr); code != ExitUsage || !strings.Contains(stderr, "transports[0].smtp.port") {
		t.Errorf("bad preset over a draft: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(draft); string(after) != string(before) {
		t.Errorf("a refused preset changed the draft:\n%s", after)
	}
}
