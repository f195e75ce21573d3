package gui

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"testing/cryptotest"
)

// The DKIM keys the tests import are made when the tests run: no key file
// is kept in git, not even a test one. A fixed seed makes each the same
// key on every run, so the goldens that show its fingerprint and its DNS
// record stay put. The encrypted one is encrypted by openssl, the tool
// admins use (PBES2, AES-256-CBC), with the password the tests type.
const (
	plainTestKey     = "dkim_test_key.pem"
	encryptedTestKey = "dkim-rsa2048-encrypted.pem"
	testKeyPassword  = "Geheim2026"
)

var (
	testKeyDir  string
	testKeyOnce sync.Once
	testKeyMu   sync.Mutex
)

// TestMain removes the keys made for the run.
func TestMain(m *testing.M) {
	// A real system dialog (the portal's, Windows' or the Finder's)
	// cannot be clicked headless: the tests answer Fyne's. The portal's
	// own tests put it back.
	systemSaveDialog = func(*ui, chosenFile, string, []string, func(chosenFile), func()) bool { return false }
	code := m.Run()
	if testKeyDir != "" {
		os.RemoveAll(testKeyDir)
	}
	os.Exit(code)
}

// testKeyFile is the absolute path of the named test key, made on first use.
func testKeyFile(t *testing.T, name string) string {
	t.Helper()
	testKeyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailwizard-gui-keys-")
		if err != nil {
			t.Fatal(err)
		}
		testKeyDir = dir
	})
	testKeyMu.Lock()
	defer testKeyMu.Unlock()
	path := filepath.Join(testKeyDir, name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	seed := map[string]uint64{plainTestKey: 1, encryptedTestKey: 2}[name]
	// Deterministic randomness only inside this subtest: the test that
	// asked keeps crypto/rand's.
	t.Run("make "+name, func(t *testing.T) {
		cryptotest.SetGlobalRandom(t, seed)
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		plain := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if name == plainTestKey {
			writeKey(t, path, plain)
			return
		}
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Fatalf("the encrypted test key is made with openssl (apt-get install openssl): %v", err)
		}
		cmd := exec.Command("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:"+testKeyPassword)
		cmd.Stdin = bytes.NewReader(plain)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl pkcs8: %v", err)
		}
		writeKey(t, path, out)
	})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no test key %s: %v", name, err)
	}
	return path
}

func writeKey(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
