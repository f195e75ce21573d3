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

// Re-opening an export to rotate the DKIM key: a new dated selector, both
// keys in the document while the new record propagates, the advice when
// the old one may go, and, a week later, the old key dropped.
func TestSetupRotatesKeyFromExport(t *testing.T) {
	addr, srv, _, dir := setupWorld(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	published := make(chan time.Time, 2)
	publishZoneFile(t, srv, zone, published)
	in := newScript("1", "example.nl", "facturen", "", "", "", "", "", "")
	if code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms"); code != ExitOK {
		t.Fatalf("first run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	first, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	oldSel := first.Transports[0].Hosted.DKIM.Selector

	// The menu with one hosted transport: 1 export, 2 add, 3 settings,
	// 4 rule, 5 remove, 6 rotate.
	os.Remove(zone)
	publishZoneFile(t, srv, zone, published)
	in = newScript("6", "", "", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--from-export", out, "--dns-server", addr, "--zone-out", zone, "--poll-interval", "100ms")
	if code != ExitOK {
		t.Fatalf("rotation: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"New key under selector " + oldSel + "b", "The old key (" + oldSel + ") stays in the document",
		"Every record is on every name server", "Keep the old DKIM record (" + oldSel + ") published for a week after the service signs with the new key"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("rotation did not say %q:\n%s", want, stdout)
		}
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if sel := doc.Transports[0].Hosted.DKIM.Selector; sel != oldSel+"b" || len(doc.DKIM) != 2 {
		t.Fatalf("after rotation: selector %s, keys %+v", sel, doc.DKIM)
	}

	// A week later: drop the old key (menu: ... 6 rotate, 7 drop).
	in = newScript("7", "", "")
	code, stdout, stderr = runSetup(t, context.Background(), in.r, "--from-export", out, "--dns-server", addr)
	if code != ExitOK || !strings.Contains(stdout, "Delete their records from the DNS too: TXT "+oldSel+"._domainkey.example.nl") {
		t.Fatalf("drop: exit %d\n%s\n%s", code, stdout, stderr)
	}
	doc, err = transports.ReadFile(out)
	if err != nil || len(doc.DKIM) != 1 || doc.DKIM[0].Selector != oldSel+"b" {
		t.Errorf("after dropping: %+v, %v", doc, err)
	}
}
