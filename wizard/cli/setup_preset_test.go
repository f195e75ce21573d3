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
		"",                 // no other transport
		"",                 // write the export
	)
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--preset", preset, "--dns-server", addr,
		"--out", out, "--zone-out", zone, "--poll-interval", "100ms", "--poll-timeout", "5s", "--password-env", "MW_SMTP_PASSWORD")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{`Transport 2 of 2: "ClockWise servers" (hosted)`, "Confirmed: mail from facturen@example.nl", "cw2026._domainkey", "Every record is on every name server"} {
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
	for body, says := range map[string]string{
		`{"provider": "clockwise", "transports": [{"type": "smtp", "smtp": {"host": "mail.example.nl", "password": "hunter2"}}]}`:             "transports[0].smtp.password: a preset holds no password",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "smtp", "smtp": {"port": 70000}}]}`:                        "transports[0].smtp.port: 70000 is not a TCP port",
		`{"provider": "spinoffice", "domain": "example.nl", "transports": [{"type": "smtp"}]}`:                                                "transports[0].type: SpinOffice does not offer smtp transports",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "hosted", "hosted": {"dkim": {"algorithm": "ed25519"}}}]}`: "transports[0].hosted.dkim.algorithm",
		`{"provider": "clockwise", "domain": "example.nl", "transports": [{"type": "smtp", "smtp": {"hots": "x"}}]}`:                          "transports[0].smtp.hots: is not a field of this format",
		`{"version": 2, "provider": "clockwise"}`:                                            "version: is 2: this preset was written for a newer mailwizard",
		`{"provider": "clockwise", "domain": "example.nl", "senders": ["info@other.nl"]}`:    "senders[0]: info@other.nl is not an address of example.nl",
		`{"provider": "clockwise", "domain": "example.nl", "code_to": "it@exa\r\nmple.org"}`: "code_to",
	} {
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
}
