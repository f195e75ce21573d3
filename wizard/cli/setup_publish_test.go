package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
	"mailwizard/transports/secrets"
)

// setup with the key of the admin's own DNS server: the DNS step offers
// to publish, shows the update, asks for the secret without echo, sends
// on a yes and then waits as always, now for the update to reach both
// name servers. The draft keeps the key's name, never its secret. The
// admin reads the update for longer than reading the server may take:
// sending has a deadline of its own.
func TestSetupPublishesForMe(t *testing.T) {
	o := newOwnDNS(t)
	shortPublishTimeout(t, 2*time.Second)
	var stdout, stderr syncBuffer
	store := secrets.NewMemory()
	withStore(t, store, nil)
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	out := filepath.Join(dir, "example.json")
	sendLate := answerLate(&stderr, "Send this update to")
	in := newScript(
		"1",          // ClockWise
		"example.nl", // the domain
		"facturen",   // its sender
		"",           // yes, DNS access
		"",           // the recommended type: hosted
		"",           // RSA-2048: a key record of two strings
		"",           // the dated selector
		"",           // yes, publish them for me
		o.key.Secret, // the key's secret, typed
		sendLate,     // yes, send the update, after reading it a while
		"",           // no other transport
		"",           // write the export
	)
	args := []string{"setup", "--resolver", o.resolver.Addr, "--out", out, "--poll-interval", "50ms", "--poll-timeout", "20s", "--tsig-name", "mailwizard"}
	code := run(context.Background(), args, Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil, o.opts...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if os.Getenv("MW_SHOW") != "" {
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	for _, want := range []string{"Publish them for you on your DNS server, with the TSIG key mailwizard (RFC 2136)?",
		"Send this update to ns1.example.nl (" + o.primary.Addr + ")?"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("setup did not ask %q:\n%s", want, stderr.String())
		}
	}
	for _, want := range []string{"replace: TXT example.nl (SPF)", "update add clockwise-", "took the update: 2 record(s)",
		"ns2.example.nl has every record", "Every record is on every name server", "Written: " + out} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String()+stderr.String(), o.key.Secret) {
		t.Error("the secret was printed")
	}
	if spf := o.secondary.TXT(t, "example.nl"); len(spf) != 1 || !strings.Contains(spf[0][0], "include:_spf.clockwise.info") {
		t.Errorf("the secondary's SPF record: %q", spf)
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.DNS) != 2 || doc.DNS[0].Status != "ok" || doc.DNS[1].Status != "ok" {
		t.Errorf("the document's DNS facts: %+v", doc.DNS)
	}
	raw, _ := doc.Marshal()
	if bytes.Contains(raw, []byte("tsig")) || bytes.Contains(raw, []byte(o.key.Secret)) {
		t.Errorf("the export mentions the TSIG key:\n%s", raw)
	}
	if kept, err := store.Get(secrets.TSIGKeyRef("example.nl", "mailwizard")); err != nil || kept != o.key.Secret {
		t.Errorf("the keychain holds %q, %v", kept, err)
	}
}
