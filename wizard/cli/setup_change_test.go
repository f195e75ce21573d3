package cli

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

// Re-opening an export to change the own server's settings: the new
// settings are tested and proven with a new code before the export; the
// old proof does not count for them.
func TestSetupChangesServerFromExport(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	old := testRoots
	testRoots = ca.Pool
	t.Cleanup(func() { testRoots = old })
	t.Setenv("MW_SMTP_PASSWORD", smtpPassword)
	users := map[string]string{"relay@example.nl": smtpPassword}
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	out := filepath.Join(dir, "example.json")
	in := newScript("2", "example.nl", "facturen", "", "n", "127.0.0.1", "", strconv.Itoa(srv.Port), "", "relay@example.nl", "",
		"it@example.org", codeFrom(srv, 1), "", "")
	if code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD"); code != ExitOK {
		t.Fatalf("first run: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// The server moves to another port (a second server, the same CA).
	moved := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	// Menu: 1 export, 2 add, 3 settings. Then host, encryption, port,
	// login, username, mode, keep the password, where the code goes (not
	// in the document), the new code, export.
	in = newScript("3", "", "", strconv.Itoa(moved.Port), "", "", "", "", "it@example.org", codeFrom(moved, 1), "", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--from-export", out, "--dns-server", addr)
	if code != ExitOK {
		t.Fatalf("change: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "login       PLAIN accepted") || !strings.Contains(stdout, "Confirmed: mail from facturen@example.nl") {
		t.Errorf("the changed settings were not tested and proven:\n%s", stdout)
	}
	if len(moved.Messages()) != 1 {
		t.Errorf("the new server got %d code mails, want 1", len(moved.Messages()))
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Transports[0].SMTP.Port != moved.Port {
		t.Errorf("port %d, want %d", doc.Transports[0].SMTP.Port, moved.Port)
	}
	for _, ev := range doc.Evidence {
		if strings.Contains(ev.Server, ":"+strconv.Itoa(srv.Port)) {
			t.Errorf("evidence of the old server kept for the new settings: %+v", ev)
		}
	}
}
