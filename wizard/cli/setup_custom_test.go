package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
)

// A service without a profile: setup asks what the profile would say
// (name, SPF include, ranges, no-reply address) and goes on with it; a
// preset may answer the same fields.
func TestSetupCustomService(t *testing.T) {
	addr, srv, _, dir := setupWorld(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	publishZoneFile(t, srv, zone, make(chan time.Time, 1))
	in := newScript(
		"5",                   // a service without a profile
		"Acme Mail",           // its name
		"_spf.clockwise.info", // its include (served by the test DNS)
		"-", "-",              // no ranges, no no-reply address
		"example.nl", "facturen",
		"",     // DNS access
		"",     // hosted, as recommended
		"",     // no import: make a key
		"", "", // RSA-2048, the dated selector
		"", "", // export, write
	)
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "include:_spf.clockwise.info") || !strings.Contains(stderr, "How should Acme Mail send?") {
		t.Errorf("the custom service's answers were not used:\n%s\n%s", stdout, stderr)
	}
	doc, err := transports.ReadFile(out)
	if err != nil || doc.Provider != "custom" || doc.Transports[0].Type != transports.Hosted {
		t.Errorf("document %+v, %v", doc, err)
	}

	// The same answers in a preset; a bad include is named by its field.
	p := filepath.Join(dir, "custom.mwpreset")
	os.WriteFile(p, []byte(`{"provider": "custom", "custom": {"name": "Acme Mail", "spf_include": "_spf..acme.example"}}`), 0o600)
	code, _, stderr = runSetup(t, context.Background(), strings.NewReader(""), "--preset", p, "--dns-server", addr)
	if code != ExitUsage || !strings.Contains(stderr, "custom.spf_include") {
		t.Errorf("bad custom preset: exit %d\n%s", code, stderr)
	}
}
