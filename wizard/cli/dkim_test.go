package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
)

// withStore makes the CLI use store instead of the OS keychain for one
// test (the keychain itself is tested in transports/secrets and below).
func withStore(t testing.TB, store secrets.Store, err error) {
	t.Helper()
	old := openKeychain
	openKeychain = func() (secrets.Store, error) { return store, err }
	t.Cleanup(func() { openKeychain = old })
}

// assertNoKeyMaterial fails if any base64 line of the PEM appears in out.
func assertNoKeyMaterial(t *testing.T, pemData, out string) {
	t.Helper()
	for _, line := range strings.Split(pemData, "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(out, line) {
			t.Fatalf("private key material in the output: %q", line)
		}
	}
}

func TestDKIMGenStoresKeyAndPrintsRecord(t *testing.T) {
	store := secrets.NewMemory()
	withStore(t, store, nil)
	code, out, errOut := runCLI(t, nil, "dkim", "gen", "--domain", "Bücher.de", "--selector", "clockwise-202611", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Name, Value, ZoneLine, Fingerprint, Algorithm, Stored, SecretRef string
		Strings                                                          []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if res.Name != "clockwise-202611._domainkey.xn--bcher-kva.de" || res.Algorithm != "rsa2048" || len(res.Strings) != 2 ||
		!strings.HasPrefix(res.Value, "v=DKIM1; k=rsa; p=") || res.Stored != "keychain" {
		t.Errorf("output %+v", res)
	}
	stored, err := store.Get(secrets.DKIMKeyRef("xn--bcher-kva.de", "clockwise-202611"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := dkimkey.Import([]byte(stored), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fp, _ := key.Fingerprint(); fp != res.Fingerprint {
		t.Errorf("the stored key (%s) is not the printed one (%s)", fp, res.Fingerprint)
	}
	assertNoKeyMaterial(t, stored, out+errOut)

	// Text output: the record to paste, and still no key.
	code, out, errOut = runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "s1", "--algo", "ed25519")
	if code != 0 || !strings.Contains(out, "Name:  s1._domainkey.example.nl") || !strings.Contains(out, "enter only: s1._domainkey") ||
		!strings.Contains(out, "v=DKIM1; k=ed25519; p=") {
		t.Errorf("text output (exit %d):\n%s%s", code, out, errOut)
	}
	ed, _ := store.Get(secrets.DKIMKeyRef("example.nl", "s1"))
	assertNoKeyMaterial(t, ed, out+errOut)

	// The same selector again would lose the key that may be published.
	code, _, errOut = runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "s1")
	if code != ExitUsage || !strings.Contains(errOut, "already holds a key for s1") {
		t.Errorf("second gen of s1: exit %d, %s", code, errOut)
	}
	if again, _ := store.Get(secrets.DKIMKeyRef("example.nl", "s1")); again != ed {
		t.Error("the existing key was replaced")
	}
}

func TestDKIMGenToFile(t *testing.T) {
	withStore(t, nil, errors.New("must not be used"))
	path := filepath.Join(t.TempDir(), "dkim.pem")
	code, out, errOut := runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "s1", "--out", path)
	if code != 0 || !strings.Contains(out, "written to "+path) {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	st, err := os.Stat(path)
	if err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 { // Windows reports 0666 for any writable file
		t.Fatalf("key file: %v, mode %v", err, st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if _, _, err := dkimkey.Import(data, nil); err != nil {
		t.Errorf("the key file does not import: %v", err)
	}
	assertNoKeyMaterial(t, string(data), out+errOut)
	code, _, errOut = runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "s2", "--out", path)
	if code != ExitUsage || !strings.Contains(errOut, "never overwritten") {
		t.Errorf("overwrite: exit %d, %s", code, errOut)
	}
	if again, _ := os.ReadFile(path); string(again) != string(data) {
		t.Error("the key file was overwritten")
	}
}

func TestDKIMImport(t *testing.T) {
	store := secrets.NewMemory()
	withStore(t, store, nil)
	dir := t.TempDir()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		return p
	}
	plain := write("plain.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	//lint:ignore SA1019 a key in the legacy format older tools write, to test reading it
	block, _ := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), []byte("s3cret"), x509.PEMCipherAES256)
	encrypted := write("enc.pem", pem.EncodeToMemory(block))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	ecFile := write("ec.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}))

	code, out, errOut := runCLI(t, nil, "dkim", "import", plain, "--domain", "example.nl", "--selector", "spacewell")
	if code != 0 || !strings.Contains(out, "DKIM key imported: rsa2048") || !strings.Contains(out, "spacewell._domainkey.example.nl") {
		t.Fatalf("plain import: exit %d\n%s%s", code, out, errOut)
	}
	// Importing the same key again is harmless; the password is read from
	// standard input when it is not a terminal.
	var o, eo strings.Builder
	code = run(t.Context(), []string{"dkim", "import", encrypted, "--domain", "example.nl", "--selector", "spacewell"},
		Stdio{In: strings.NewReader("s3cret\n"), Out: &o, Err: &eo}, nil)
	if code != 0 {
		t.Errorf("encrypted import: exit %d, %s", code, eo.String())
	}
	if strings.Contains(o.String()+eo.String(), "s3cret") {
		t.Error("the key's password was echoed")
	}
	eo.Reset()
	code = run(t.Context(), []string{"dkim", "import", encrypted, "--domain", "example.nl", "--selector", "other"},
		Stdio{In: strings.NewReader("wrong\n"), Out: &o, Err: &eo}, nil)
	if code != ExitUsage || !strings.Contains(eo.String(), "wrong password") {
		t.Errorf("wrong password: exit %d, %s", code, eo.String())
	}
	code, _, errOut = runCLI(t, nil, "dkim", "import", ecFile, "--domain", "example.nl", "--selector", "ec")
	if code != ExitUsage || !strings.Contains(errOut, "ECDSA") {
		t.Errorf("EC key: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, "dkim", "import", filepath.Join(dir, "missing.pem"), "--domain", "example.nl", "--selector", "x")
	if code != ExitUsage || !strings.Contains(errOut, "FILE: ") {
		t.Errorf("missing file: exit %d, %s", code, errOut)
	}
}

func TestSecretsForgetAndUnavailableKeychain(t *testing.T) {
	store := secrets.NewMemory()
	store.Set(secrets.SMTPPasswordRef("xn--bcher-kva.de", "relay"), "pw")
	store.Set(secrets.DKIMKeyRef("xn--bcher-kva.de", "s1"), "key")
	withStore(t, store, nil)
	code, out, _ := runCLI(t, nil, "secrets", "forget", "bücher.de")
	if code != 0 || !strings.Contains(out, "Deleted 2 secret(s) of xn--bcher-kva.de") {
		t.Errorf("forget: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, nil, "secrets", "forget", "bücher.de")
	if code != 0 || !strings.Contains(out, "held no mailwizard secrets") {
		t.Errorf("forget again: exit %d, %q", code, out)
	}
	withStore(t, nil, secrets.ErrUnavailable)
	code, _, errOut := runCLI(t, nil, "dkim", "gen", "--domain", "example.nl", "--selector", "s1")
	if code != ExitTemporary || !strings.Contains(errOut, "--out FILE") {
		t.Errorf("no keychain: exit %d, %s", code, errOut)
	}
}

// TestDKIMGenWithRealKeychain runs the command against the OS keychain:
// under make test, gnome-keyring in a private D-Bus session.
func TestDKIMGenWithRealKeychain(t *testing.T) {
	k, err := secrets.OpenKeychain()
	if err != nil {
		if os.Getenv("MAILWIZARD_REQUIRE_KEYCHAIN") != "" {
			t.Fatal(err)
		}
		t.Skipf("no keychain here (make test provides one): %v", err)
	}
	domain := "cli-test-" + strings.ToLower(rand.Text()[:8]) + ".example.nl"
	code, out, errOut := runCLI(t, nil, "dkim", "gen", "--domain", domain, "--selector", "big", "--algo", "rsa4096", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	stored, err := k.Get(secrets.DKIMKeyRef(domain, "big"))
	if err != nil {
		t.Fatalf("the key is not in the keychain: %v", err)
	}
	assertNoKeyMaterial(t, stored, out+errOut)
	code, out, _ = runCLI(t, nil, "secrets", "forget", domain)
	if code != 0 || !strings.Contains(out, "Deleted 1 secret(s)") {
		t.Errorf("forget: exit %d, %q", code, out)
	}
	if _, err := k.Get(secrets.DKIMKeyRef(domain, "big")); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("after forget: %v", err)
	}
}
