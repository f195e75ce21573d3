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

// A server whose certificate does not verify (its CA is not trusted
// here): setup says why and offers to connect without checking, which
// the admin must accept explicitly; the document then says so.
func TestSetupUntrustedCertificate(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	ca := smtptest.NewCA(t) // not in testRoots: untrusted
	cert := ca.Valid(t, "127.0.0.1")
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"relay@example.nl": smtpPassword}})
	t.Setenv("MW_SMTP_PASSWORD", smtpPassword)
	out := filepath.Join(dir, "example.json")
	in := newScript("2", "example.nl", "facturen", "", "n", "127.0.0.1", "", strconv.Itoa(srv.Port), "", "relay@example.nl", "",
		"y", // connect without checking the certificate
		"it@example.org", codeFrom(srv, 1), "", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "The server's certificate does not verify (") || !strings.Contains(stdout, "login       PLAIN accepted") {
		t.Errorf("the certificate problem was not explained, or the retest did not log in:\n%s\n%s", stdout, stderr)
	}
	doc, err := transports.ReadFile(out)
	if err != nil || doc.Transports[0].SMTP.CertCheck != transports.CertSkip {
		t.Errorf("document %+v, %v", doc, err)
	}
}
