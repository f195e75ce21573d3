package cli

import (
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
)

const smtpPassword = "Zomer2026!relay"

// smtpServer starts a STARTTLS server with a certificate from a test CA
// the CLI is told to trust.
func smtpServer(t *testing.T) (*smtptest.Server, []string) {
	t.Helper()
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	old := testRoots
	testRoots = ca.Pool
	t.Cleanup(func() { testRoots = old })
	srv := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"relay@example.nl": smtpPassword}})
	t.Setenv("MW_SMTP_PASSWORD", smtpPassword)
	t.Setenv("MW_WRONG_PASSWORD", "nope")
	return srv, []string{"--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port), "--encryption", "starttls", "--user", "relay@example.nl"}
}

func TestSMTPTestCommand(t *testing.T) {
	srv, flags := smtpServer(t)
	code, out, errOut := runCLI(t, nil, append([]string{"smtp", "test", "--password-env", "MW_SMTP_PASSWORD"}, flags...)...)
	if code != ExitOK || !strings.Contains(out, "login       PLAIN accepted") || !strings.Contains(out, "sender      relay@example.nl accepted") ||
		!strings.Contains(out, "-> AUTH PLAIN ***") || strings.Contains(out+errOut, smtpPassword) {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, nil, append([]string{"smtp", "test", "--password-env", "MW_WRONG_PASSWORD", "--json"}, flags...)...)
	var rep map[string]any
	json.Unmarshal([]byte(out), &rep)
	if code != ExitFindings || !strings.Contains(out, `"code": "smtp.auth-failed"`) || rep["connected"] != true {
		t.Errorf("wrong password: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "smtp", "test", "--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port), "--encryption", "starttls", "--provider", "perfectview")
	if code != ExitOK || !strings.Contains(out, "smtp.allowlist-unproven") || !strings.Contains(out, "212.61.168.0/27") {
		t.Errorf("IP allow-listing: exit %d\n%s", code, out)
	}
	code, _, _ = runCLI(t, nil, "smtp", "test", "--host", "127.0.0.1", "--port", "1", "--encryption", "tls")
	if code != ExitTemporary {
		t.Errorf("nothing listening: exit %d, want 3", code)
	}
	code, _, errOut = runCLI(t, nil, append([]string{"smtp", "test"}, flags...)...)
	if code != ExitUsage || !strings.Contains(errOut, "--password-env VAR is required") {
		t.Errorf("no password source: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, append([]string{"smtp", "test", "--password-env", "MW_UNSET_VARIABLE"}, flags...)...)
	if code != ExitUsage || !strings.Contains(errOut, "MW_UNSET_VARIABLE is empty") {
		t.Errorf("unset variable: exit %d %s", code, errOut)
	}
}

var mailCode = regexp.MustCompile(`Verification code: ([A-Z0-9]{4}-[A-Z0-9]{4})`)

func TestSMTPVerifyCommand(t *testing.T) {
	srv, flags := smtpServer(t)
	store := secrets.NewMemory()
	withStore(t, store, nil)
	key, _ := dkimkey.Generate(context.Background(), dkimkey.Ed25519)
	pemData, _ := key.PEM()
	store.Set(secrets.DKIMKeyRef("example.nl", "clockwise-202611"), string(pemData))

	stdin, typing := io.Pipe()
	go func() { // the admin reads the mail and types: first a typo, then the code
		defer typing.Close()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if msgs := srv.Messages(); len(msgs) == 1 {
				m := mailCode.FindStringSubmatch(string(msgs[0].Data))
				if m == nil {
					return
				}
				io.WriteString(typing, "ABCD-EFGH\n"+strings.ToLower(m[1])+"\n")
				return
			}
		}
	}()
	var out, errOut strings.Builder
	args := append([]string{"smtp", "verify", "--password-env", "MW_SMTP_PASSWORD", "--from", "facturen@example.nl", "--to", "it@example.nl",
		"--dkim-selector", "clockwise-202611", "--lang", "nl", "--json"}, flags...)
	code := run(context.Background(), args, Stdio{In: stdin, Out: &out, Err: &errOut}, nil)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "Dat is niet de code; nog 4 poging(en)") { // --lang nl
		t.Errorf("the typo was not answered in Dutch: %s", errOut.String())
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(out.String()), &ev); err != nil || ev["passed"] != true || ev["origin"] != "admin-desk" || ev["check"] != "smtp.verify" {
		t.Errorf("evidence %s", out.String())
	}
	msg := string(srv.Messages()[0].Data)
	if !strings.Contains(msg, "DKIM-Signature:") || !strings.Contains(msg, "Subject: Verificatiecode") {
		t.Errorf("the mail is not signed or not in Dutch:\n%s", msg)
	}
	if code := mailCode.FindStringSubmatch(msg)[1]; strings.Contains(out.String()+errOut.String(), code) {
		t.Error("the code was printed")
	}

	// Five wrong codes end it.
	stdin2 := strings.NewReader(strings.Repeat("WRONG-CODE\n", 5))
	out.Reset()
	errOut.Reset()
	code = run(context.Background(), append([]string{"smtp", "verify", "--password-env", "MW_SMTP_PASSWORD", "--from", "facturen@example.nl", "--to", "it@example.nl"}, flags...),
		Stdio{In: stdin2, Out: &out, Err: &errOut}, nil)
	if code != ExitFindings || !strings.Contains(errOut.String(), "too many wrong codes") {
		t.Errorf("five wrong codes: exit %d\n%s", code, errOut.String())
	}
}

func TestSMTPDetectNothingToTry(t *testing.T) {
	addr, _ := dnsServer(t) // ready.nl has no MX, SRV, smtp. or mail.
	code, out, _ := runCLI(t, nil, "smtp", "detect", "ready.nl", "--dns-server", addr)
	if code != ExitFindings || !strings.Contains(out, "smtp.detect-nothing") || !strings.Contains(out, "Ask the mail administrator") {
		t.Errorf("exit %d\n%s", code, out)
	}
	// When DNS does not answer, nothing found means nothing known: exit 3.
	code, out, _ = runCLI(t, nil, "smtp", "detect", "slow.nl", "--dns-server", addr, "--dns-timeout", "200ms")
	if code != ExitTemporary || !strings.Contains(out, "remains unknown") {
		t.Errorf("DNS without answers: exit %d\n%s", code, out)
	}
}
