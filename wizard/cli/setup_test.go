package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
)

// Scripted runs of `mailwizard setup`: the answers come one line per
// question on standard input, as a script (or a support desk) gives them,
// against the loopback DNS and SMTP servers.

// script feeds answers to setup. Lines are written as setup asks; a line
// that is a func is called when reached (to wait for a mail, say) and its
// result written.
type script struct {
	r     *io.PipeReader
	w     *io.PipeWriter
	lines []any
}

func newScript(lines ...any) *script {
	r, w := io.Pipe()
	s := &script{r: r, w: w, lines: lines}
	go func() {
		defer w.Close()
		for _, l := range s.lines {
			text := ""
			switch v := l.(type) {
			case string:
				text = v
			case func() string:
				text = v()
			}
			if _, err := io.WriteString(w, text+"\n"); err != nil {
				return
			}
		}
	}()
	return s
}

// setupWorld is a customer domain and the provider includes on a DNS
// server, a keychain in memory and a fresh place for the draft.
func setupWorld(t testing.TB) (dnsAddr string, srv *dnstest.Server, store secrets.Store, dir string) {
	t.Helper()
	dnsAddr, srv = dnsServer(t)
	store = secrets.NewMemory()
	withStore(t, store, nil)
	dir = t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	return dnsAddr, srv, store, dir
}

// runSetup runs setup with the script on stdin.
func runSetup(t *testing.T, ctx context.Context, in io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	code := run(ctx, append([]string{"setup"}, args...), Stdio{In: in, Out: &out, Err: &errOut}, nil)
	return code, out.String(), errOut.String()
}

// syncBuffer is a buffer the test may read while setup writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// publishZoneFile plays the admin who pastes the zone fragment into the
// DNS: once setup has written it, its records go onto the server.
func publishZoneFile(t testing.TB, srv *dnstest.Server, path string, published chan<- time.Time) {
	t.Helper()
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			raw, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			zp := dns.NewZoneParser(bytes.NewReader(raw), "", "")
			for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
				if rr.Header().Rrtype == dns.TypeTXT && strings.HasPrefix(strings.Join(rr.(*dns.TXT).Txt, ""), "v=spf1") {
					srv.Remove(rr.Header().Name, dns.TypeTXT) // the SPF record is replaced, not added
				}
				srv.AddRR(rr)
			}
			published <- time.Now()
			return
		}
	}()
}

func TestSetupHostedScripted(t *testing.T) {
	addr, srv, store, dir := setupWorld(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	published := make(chan time.Time, 1)
	publishZoneFile(t, srv, zone, published)
	in := newScript(
		"1",          // ClockWise
		"example.nl", // the domain
		"facturen",   // its sender
		"",           // yes, DNS access
		"",           // the recommended type: hosted
		"",           // RSA-2048
		"",           // the dated selector
		"",           // no other transport
		"",           // write the export
	)
	start := time.Now()
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms")
	took := time.Since(start)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	noticed := time.Now()
	if os.Getenv("MW_SHOW") != "" {
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	select {
	case at := <-published:
		t.Logf("scripted hosted run: %v; published to noticed: under %v", took.Round(time.Millisecond), noticed.Sub(at).Round(time.Millisecond))
	default:
		t.Fatal("the zone fragment was never published")
	}
	for _, want := range []string{"include:_spf.clockwise.info", "added:   include:_spf.clockwise.info",
		"clockwise-20", "Every record is on every name server", "Written: " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout)
		}
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.DKIM) != 1 || len(doc.DNS) != 2 || doc.Transports[0].Type != transports.Hosted {
		t.Errorf("document %+v", doc)
	}
	if ref := doc.DKIM[0].PrivateKeyRef; ref == "" {
		t.Error("no keychain reference for the key")
	} else if _, err := store.Get(ref); err != nil {
		t.Errorf("the key is not in the keychain: %v", err)
	}
	if code, vout, _ := runCLI(t, nil, "export", "validate", out); code != ExitOK {
		t.Errorf("export validate: exit %d %s", code, vout)
	}
}

// codeFrom is an answer that waits for the n-th mail at srv and gives the
// code in it, as the admin reads it and types it.
func codeFrom(srv *smtptest.Server, n int) func() string {
	return func() string {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if msgs := srv.Messages(); len(msgs) >= n {
				if m := mailCode.FindStringSubmatch(string(msgs[n-1].Data)); m != nil {
					return m[1]
				}
			}
		}
		return "NO-MAIL"
	}
}

func TestSetupOwnServerScripted(t *testing.T) {
	addr, _, store, dir := setupWorld(t)
	srv, _ := smtpServer(t) // STARTTLS with AUTH for relay@example.nl; MW_SMTP_PASSWORD is set
	out := filepath.Join(dir, "example.json")
	in := newScript(
		"2",                    // PerfectView: own server only
		"example.nl",           // the domain
		"facturen, relay",      // its senders
		"",                     // the only type: own server
		"n",                    // do not look for the server
		"127.0.0.1",            // the host
		"",                     // STARTTLS
		strconv.Itoa(srv.Port), // the port
		"",                     // a username and password
		"relay@example.nl",     // the username
		"2",                    // a mailbox with send-as rights
		"it@example.org",       // where the codes go
		"WRONG-CODE",           // a typo first
		codeFrom(srv, 1),       // the code sent as the mailbox itself
		codeFrom(srv, 2),       // the code sent as another sender: send-as
		"",                     // no other transport
		"",                     // write the export
	)
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"login       PLAIN accepted", "Confirmed: mail from relay@example.nl", "Confirmed: mail from facturen@example.nl", "Written: "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "That is not the code.") || strings.Contains(stdout+stderr, smtpPassword) {
		t.Errorf("stderr:\n%s", stderr)
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sm := doc.Transports[0].SMTP
	if sm.Mode != transports.ModeMailbox || sm.PasswordRef == "" || len(doc.Evidence) != 3 {
		t.Errorf("document %+v, evidence %+v", sm, doc.Evidence)
	}
	if pw, err := store.Get(sm.PasswordRef); err != nil || pw != smtpPassword {
		t.Errorf("the password in the keychain: %q, %v", pw, err)
	}
}

func TestSetupNoReplyWithoutDNSAccess(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	out := filepath.Join(dir, "example.json")
	in := newScript("1", "example.nl", "", "n", "", "y", "", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Recommended: From ClockWise's own address") || strings.Contains(stdout, "Publish the DNS records") {
		t.Errorf("no DNS access should lead to no-reply without a DNS step:\n%s", stdout)
	}
	doc, err := transports.ReadFile(out)
	if err != nil || !doc.Transports[0].NoReply.ReplyToFrom {
		t.Errorf("document %+v, %v", doc, err)
	}
}

// Stopped while polling (Ctrl+C, or killed), setup saves what it has; the
// next run resumes at the DNS step and finishes once the records are there.
func TestSetupResumesAfterStoppingWhilePolling(t *testing.T) {
	addr, srv, _, dir := setupWorld(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	ctx, stop := context.WithCancel(context.Background())
	in := newScript("1", "example.nl", "facturen", "", "", "", "")
	go func() { // stop once setup waits for the records
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(zone); err == nil {
				time.Sleep(300 * time.Millisecond)
				stop()
				return
			}
		}
	}()
	code, stdout, stderr := runSetup(t, ctx, in.r, "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms")
	if code != ExitFindings || !strings.Contains(stderr, "run mailwizard setup again to continue") {
		t.Fatalf("stopped while polling: exit %d\n%s\n%s", code, stdout, stderr)
	}
	published := make(chan time.Time, 1)
	publishZoneFile(t, srv, zone, published)
	in = newScript("", "")
	code, stdout, stderr = runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--poll-interval", "100ms")
	if code != ExitOK || !strings.Contains(stdout, "Continuing where you stopped") || !strings.Contains(stdout, "Every record is on every name server") {
		t.Fatalf("resumed run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Making the key") {
		t.Error("the resumed run made a new key instead of keeping the first")
	}
}

// Bad answers are refused with the field named and asked again; nothing
// typed before is lost. Without anyone to answer (--yes), exit 2.
func TestSetupBadAnswers(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	in := newScript("1", "exa mple.nl", "facturen@other.nl", "example.nl", "facturen")
	code, _, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr)
	for _, want := range []string{"domain: label \"exa mple\"", "senders[0]: facturen@other.nl is not an address of example.nl"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if code != ExitUsage || !strings.Contains(stderr, "standard input ended") {
		t.Errorf("exit %d at the end of the script, want 2 naming the question:\n%s", code, stderr)
	}
	preset := filepath.Join(dir, "bad.mwpreset")
	os.WriteFile(preset, []byte(`{"provider": "clockwise", "domain": "exa mple.nl"}`), 0o600)
	code, _, stderr = runSetup(t, context.Background(), strings.NewReader(""), "--preset", preset, "--yes", "--dns-server", addr)
	if code != ExitUsage || !strings.Contains(stderr, "domain") {
		t.Errorf("a bad preset: exit %d\n%s", code, stderr)
	}
}
