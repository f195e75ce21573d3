package cli

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports/secrets"
)

// Global flags go anywhere, help included.
func TestGlobalFlagsAfterHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "--lang", "nl"}, {"help", "smtp", "test", "--lang", "nl"}, {"--lang", "nl", "help", "check"}} {
		if code, out, errOut := runCLI(t, nil, args...); code != ExitOK || out == "" {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, nil, "help", "--lang", "fr"); code != ExitUsage || !strings.Contains(errOut, "--lang") {
		t.Errorf("help --lang fr: exit %d, %s", code, errOut)
	}
}

// A DNS server given by something that is not an address is bad input
// (exit 2, the flag named), not a string of DNS failures (exit 3).
func TestDNSServerFlagsNeedAddresses(t *testing.T) {
	test := func(says string, args ...string) {
		t.Helper()
		code, _, errOut := runCLI(t, nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, says) {
			t.Errorf("%v: exit %d, %q; want 2 saying %q", args, code, errOut, says)
		}
	}
	test("--dns-server: \"not-an-address\" is not an IP address", "check", "example.nl", "--dns-server", "not-an-address")
	test("--resolver: \"dns.google\" is not an IP address", "--resolver", "dns.google", "check", "example.nl")
	test("--resolver: \"resolver.example\" is not an IP address", "spf", "eval", "--ip", "192.0.2.1", "--helo", "a.example", "--resolver", "192.0.2.53,resolver.example:53")
	if code, _, errOut := runCLI(t, nil, "providers", "--resolver", "[2001:db8::53]:5353,192.0.2.53"); code != ExitOK {
		t.Errorf("addresses with and without ports: exit %d, %s", code, errOut)
	}
}

// "SSL" in most manuals is implicit TLS: the refusal says which value to use.
func TestEncryptionSSLSaysTLS(t *testing.T) {
	code, _, errOut := runCLI(t, nil, "smtp", "test", "--host", "smtp.example.nl", "--port", "465", "--encryption", "ssl")
	if code != ExitUsage || !strings.Contains(errOut, "--encryption tls") || !strings.Contains(errOut, "465") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

// Text from servers reaches the terminal with its escape sequences made
// visible; JSON keeps the data, escaped by the encoder.
func TestServerTextIsMadeHarmless(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN evil.nl.
@ 300 IN SOA ns hostmaster 1 7200 3600 1209600 300
@ 300 IN TXT "v=spf1 -all \027]0;owned\007\027[2J"
`)
	code, out, _ := runCLI(t, nil, "check", "evil.nl", "--dns-server", srv.Addr)
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("exit %d; the terminal got raw control characters or lost the visible form:\n%q", code, out)
	}
	_, out, _ = runCLI(t, nil, "check", "evil.nl", "--dns-server", srv.Addr, "--json")
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\u001b[2J`) {
		t.Errorf("JSON output: %q", out)
	}
}

// Every prompt reads from one reader: a prompt that gives up leaves the
// next line for the next prompt, and no goroutine stays behind per prompt.
func TestPromptsShareOneReader(t *testing.T) {
	pr, pw := io.Pipe()
	l := newLineReader(pr)
	defer l.Close()
	before := runtime.NumGoroutine()
	for range 50 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		if _, err := l.ReadLine(ctx); err == nil {
			t.Fatal("a line came from an empty pipe")
		}
		cancel()
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Errorf("%d goroutines after 50 prompts that gave up, %d before", n, before)
	}
	go io.WriteString(pw, "ABCD-EFGH\nsecond\n")
	for _, want := range []string{"ABCD-EFGH", "second"} {
		if got, err := l.ReadLine(context.Background()); got != want || err != nil {
			t.Errorf("read %q, %v; want %q", got, err, want)
		}
	}
	pw.Close()
	if _, err := l.ReadLine(context.Background()); err != io.EOF {
		t.Errorf("after the input ends: %v", err)
	}
}

// The exit code says what the finding is: 1 for what a retry cannot fix,
// 3 for what it may.
func TestSMTPTestExitCodesFollowTheFindings(t *testing.T) {
	ca := smtptest.NewCA(t)
	old := testRoots
	testRoots = ca.Pool
	t.Cleanup(func() { testRoots = old })
	cert := ca.Valid(t, "127.0.0.1")
	self := smtptest.Issue(t, nil, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	users := map[string]string{"relay@example.nl": smtpPassword}
	t.Setenv("MW_SMTP_PASSWORD", smtpPassword)
	port := func(s *smtptest.Server) string { return strconv.Itoa(s.Port) }
	starttls := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users})
	selfSigned := smtptest.Start(t, smtptest.Options{Cert: &self, Users: users})
	busy := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: users,
		AuthError: &gosmtp.SMTPError{Code: 454, EnhancedCode: gosmtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure"}})
	greet554 := smtptest.Scripted(t, func(p *smtptest.Peer) { p.Say("554 5.7.1 not from your network") })
	_, greetPort, _ := strings.Cut(greet554, ":")
	dns := dnstest.Start(t, "127.0.0.1:0")
	dns.MustAddZone(t, dnstest.SOA("slow.nl", 300))
	dns.Drop("smtp.slow.nl")
	test := func(want int, code string, args ...string) {
		t.Helper()
		got, out, errOut := runCLI(t, nil, append([]string{"smtp", "test", "--json", "--timeout", "5s"}, args...)...)
		if got != want || !strings.Contains(out, `"code": "`+code+`"`) {
			t.Errorf("%v: exit %d, want %d with %s\n%s%s", args, got, want, code, out, errOut)
		}
	}
	login := []string{"--user", "relay@example.nl", "--password-env", "MW_SMTP_PASSWORD"}
	test(ExitFindings, "smtp.cert-self-signed", append([]string{"--host", "127.0.0.1", "--port", port(selfSigned), "--encryption", "starttls"}, login...)...)
	test(ExitFindings, "smtp.tls-on-starttls-port", append([]string{"--host", "127.0.0.1", "--port", port(starttls), "--encryption", "tls"}, login...)...)
	test(ExitFindings, "smtp.greeting-rejected", "--host", "127.0.0.1", "--port", greetPort, "--encryption", "starttls")
	test(ExitTemporary, "smtp.auth-temporary", append([]string{"--host", "127.0.0.1", "--port", port(busy), "--encryption", "starttls"}, login...)...)
	test(ExitTemporary, "smtp.host-lookup-failed", "--host", "smtp.slow.nl", "--port", "587", "--encryption", "starttls", "--dns-server", dns.Addr, "--dns-timeout", "200ms")
}

// Accepting a sender at MAIL FROM is not a send-as right: the report says
// so and gives the command that proves it.
func TestSMTPTestOffersTheProofOfSendAs(t *testing.T) {
	_, flags := smtpServer(t)
	code, out, errOut := runCLI(t, nil, append([]string{"smtp", "test", "--password-env", "MW_SMTP_PASSWORD", "--from", "directie@example.nl"}, flags...)...)
	if code != ExitOK || !strings.Contains(out, "smtp.send-as-unproven") ||
		!strings.Contains(out, "mailwizard smtp verify --host 127.0.0.1") || !strings.Contains(out, "--from directie@example.nl --to YOUR-MAILBOX") ||
		strings.Contains(out, "proves the credentials, TLS and send-as") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// Spacewell takes RSA-2048 keys only: a 1024-bit key is refused for it.
func TestDKIMKeysMustFitTheProvider(t *testing.T) {
	withStore(t, secrets.NewMemory(), nil)
	dir := t.TempDir()
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	path := filepath.Join(dir, "old.pem")
	os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	code, _, errOut := runCLI(t, nil, "dkim", "import", path, "--domain", "example.nl", "--selector", "sw1", "--provider", "spacewell")
	if code != ExitUsage || !strings.Contains(errOut, "FILE: Spacewell Workplace Management signs only with rsa2048 keys; this key is rsa1024") {
		t.Errorf("1024-bit key for Spacewell: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "cw", "--algo", "ed25519", "--provider", "clockwise")
	if code != ExitUsage || !strings.Contains(errOut, "--algo: ClockWise signs only with rsa2048") {
		t.Errorf("Ed25519 for ClockWise: exit %d, %s", code, errOut)
	}
}
