package verdict

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/taglist"
	"mailwizard/transports/dkimkey"
)

// The corpus (testdata/corpus, see its README) is signed when the tests
// run, with keys made for the run: go-msgauth signs with one RSA and one
// Ed25519 key, Debian's dkimpy with another RSA key, so that the DKIM
// check is tested against a signer that is not its own library.

type testKeys struct {
	rsa, ed, py *dkimkey.Key
	pyFile      string // the dkimpy key as PKCS#1 PEM, in a temporary directory
}

var (
	keysOnce sync.Once
	keys     testKeys
	keysErr  error
	keysDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if keysDir != "" {
		os.RemoveAll(keysDir)
	}
	os.Exit(code)
}

func corpusKeys(t testing.TB) testKeys {
	t.Helper()
	keysOnce.Do(func() {
		ctx := context.Background()
		if keys.rsa, keysErr = dkimkey.Generate(ctx, dkimkey.RSA2048); keysErr != nil {
			return
		}
		if keys.ed, keysErr = dkimkey.Generate(ctx, dkimkey.Ed25519); keysErr != nil {
			return
		}
		if keys.py, keysErr = dkimkey.Generate(ctx, dkimkey.RSA2048); keysErr != nil {
			return
		}
		if keysDir, keysErr = os.MkdirTemp("", "mailwizard-verdict-keys-"); keysErr != nil {
			return
		}
		keys.pyFile = filepath.Join(keysDir, "dkimpy.pem")
		der := x509.MarshalPKCS1PrivateKey(keys.py.Signer.(*rsa.PrivateKey))
		keysErr = os.WriteFile(keys.pyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600)
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return keys
}

// record is the key's DNS record value, as the wizard shows it.
func record(t testing.TB, k *dkimkey.Key, domain, selector string) *dkimkey.Record {
	t.Helper()
	r, err := dkimkey.NewRecord(k, domain, selector)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// corpusDNS serves the corpus's domains: SPF, DMARC and the run's keys.
func corpusDNS(t testing.TB) (*dnstest.Server, dnsq.Resolver) {
	t.Helper()
	k := corpusKeys(t)
	srv := dnstest.Start(t, "127.0.0.1:0")
	zone := dnstest.SOA("example.nl", 300) + `
example.nl.                  300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_dmarc.example.nl.           300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.nl"
` + dnstest.SOA("strict.nl", 300) + `
_dmarc.strict.nl.            300 IN TXT "v=DMARC1; p=quarantine; adkim=s; aspf=s"
bounce.strict.nl.            300 IN TXT "v=spf1 ip6:2001:db8:25::/64 -all"
` + dnstest.SOA("relaxed.nl", 300) + `
_dmarc.relaxed.nl.           300 IN TXT "v=DMARC1; p=quarantine"
bounce.relaxed.nl.           300 IN TXT "v=spf1 ip6:2001:db8:25::/64 -all"
` + dnstest.SOA("pct.nl", 300) + `
pct.nl.                      300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_dmarc.pct.nl.               300 IN TXT "v=DMARC1; p=reject; pct=50"
` + dnstest.SOA("pctq.nl", 300) + `
pctq.nl.                     300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_dmarc.pctq.nl.              300 IN TXT "v=DMARC1; p=quarantine; pct=10"
` + dnstest.SOA("nopolicy.nl", 300) + `
nopolicy.nl.                 300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
` + dnstest.SOA("twice.nl", 300) + `
twice.nl.                    300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_dmarc.twice.nl.             300 IN TXT "v=DMARC1; p=reject"
_dmarc.twice.nl.             300 IN TXT "v=DMARC1; p=none"
` + dnstest.SOA("slow.nl", 300) + `
slow.nl.                     300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
` + dnstest.SOA("service.test", 300) + `
bounces.service.test.        300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
`
	for _, r := range []*dkimkey.Record{record(t, k.rsa, "example.nl", "mw"), record(t, k.py, "example.nl", "py"),
		record(t, k.ed, "example.nl", "ed"), record(t, k.rsa, "mail.strict.nl", "mw"), record(t, k.rsa, "mail.relaxed.nl", "mw")} {
		zone += r.ZoneLine + "\n"
	}
	srv.MustAddZone(t, zone)
	srv.Drop("_dmarc.slow.nl")
	return srv, &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 500 * time.Millisecond}
}

var signMarker = regexp.MustCompile(`^@@SIGN (go|go-ed25519|dkimpy) d=(\S+) s=(\S+)@@$`)

// render makes a corpus file into the text an admin pastes: each @@SIGN
// marker, bottom first, becomes the signature over everything below it,
// @@B:s@@ the start of that signature's b=, and @@AFTER@@ lines stay out
// of what is signed. Lines end in CRLF, as mail travels.
func render(t testing.TB, name string, repl ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(repl...).Replace(string(raw))
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	bPrefix := map[string]string{}
	for i := len(lines) - 1; i >= 0; i-- {
		m := signMarker.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		var sent []string
		for _, l := range lines[i+1:] {
			if !strings.HasPrefix(l, "@@AFTER@@") {
				sent = append(sent, l)
			}
		}
		sig := sign(t, m[1], m[2], m[3], []byte(strings.Join(sent, "\r\n")+"\r\n"))
		b := tagValue(taglist.ParseLenient(strings.SplitN(sig, ":", 2)[1]), "b")
		bPrefix[m[3]] = b[:8]
		sigLines := strings.Split(strings.TrimSuffix(sig, "\r\n"), "\r\n")
		lines = append(lines[:i], append(sigLines, lines[i+1:]...)...)
	}
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "@@AFTER@@"); ok {
			l = strings.TrimPrefix(rest, " ")
		}
		for sel, b := range bPrefix {
			l = strings.ReplaceAll(l, "@@B:"+sel+"@@", b)
		}
		lines[i] = l
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// sign returns the DKIM-Signature field (folded, CRLF-ended) for msg.
func sign(t testing.TB, signer, domain, selector string, msg []byte) string {
	t.Helper()
	k := corpusKeys(t)
	if signer == "dkimpy" {
		py := dkimpy(t)
		cmd := exec.Command(py, filepath.Join("testdata", "dkimpy_sign.py"), k.pyFile, domain, selector)
		cmd.Stdin = bytes.NewReader(msg)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("dkimpy: %v: %s", err, errOut.String())
		}
		return string(out)
	}
	key := k.rsa
	if signer == "go-ed25519" {
		key = k.ed
	}
	var out bytes.Buffer
	err := msgdkim.Sign(&out, bytes.NewReader(msg), &msgdkim.SignOptions{Domain: domain, Selector: selector, Signer: key.Signer,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed, BodyCanonicalization: msgdkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}})
	if err != nil || !bytes.HasSuffix(out.Bytes(), msg) {
		t.Fatalf("go-msgauth did not sign: %v", err)
	}
	return out.String()[:out.Len()-len(msg)]
}

var (
	pythonOnce sync.Once
	python     string
)

// dkimpy finds a python3 that has Debian's dkimpy, or skips the test.
func dkimpy(t testing.TB) string {
	t.Helper()
	pythonOnce.Do(func() {
		for _, p := range []string{"/usr/bin/python3", "python3"} {
			if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import dkim").Run() == nil {
				python = path
				return
			}
		}
	})
	if python == "" {
		t.Skip("dkimpy is missing: install python3-dkim (Debian: apt-get install python3-dkim, or scripts/deps.sh test) to test against an independent DKIM signer")
	}
	return python
}

func check(t testing.TB, r dnsq.Resolver, text []byte, opts Options) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep, err := Check(ctx, r, text, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

func codes(rep *Report) string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Code)
	}
	return strings.Join(out, " ")
}

func describe(rep *Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "\n  %s %s: %s", f.Severity, f.Code, f.Message)
	}
	return b.String()
}
