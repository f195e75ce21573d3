package secrets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// realKeychain returns the OS keychain. `make test` runs under
// dbus-run-session with an unlocked gnome-keyring and sets
// MAILWIZARD_REQUIRE_KEYCHAIN, so there a missing keychain fails the test;
// a plain `go test` on a machine without one skips it, saying so.
func realKeychain(t *testing.T) *Keychain {
	t.Helper()
	k, err := OpenKeychain()
	if err != nil {
		if os.Getenv("MAILWIZARD_REQUIRE_KEYCHAIN") != "" {
			t.Fatalf("the keychain is required here: %v", err)
		}
		t.Skipf("no keychain on this machine (run make test for a real Secret Service): %v", err)
	}
	return k
}

// testDomain is unique per test so runs never see each other's entries.
func testDomain(t *testing.T) string {
	b := make([]byte, 4)
	rand.Read(b)
	d := "t" + hex.EncodeToString(b) + ".example.nl"
	t.Cleanup(func() {
		if k, err := OpenKeychain(); err == nil {
			k.Forget(d)
		}
	})
	return d
}

func TestKeychainRoundTrip(t *testing.T) {
	k := realKeychain(t)
	d := testDomain(t)
	ref := SMTPPasswordRef(d, "Relay via our server")
	if _, err := k.Get(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	if err := k.Set(ref, "c0rrect horse ✓"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(ref); err != nil || got != "c0rrect horse ✓" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	// Another process (go-keyring directly) sees the same entry: it really
	// is in the Secret Service, not in our memory.
	if raw, err := keyring.Get(Service, string(ref)); err != nil || raw != "c0rrect horse ✓" {
		t.Errorf("the Secret Service holds %q, %v", raw, err)
	}
	if err := k.Delete(ref); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ref); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := k.Delete(ref); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
}

// An RSA-4096 private key in PEM (about 3270 bytes) exceeds what one entry
// holds on Windows (2560) and macOS (~3000): it is stored in parts.
func TestKeychainChunksLargeSecrets(t *testing.T) {
	k := realKeychain(t)
	d := testDomain(t)
	key, err := dkimkey.Generate(context.Background(), dkimkey.RSA4096)
	if err != nil {
		t.Fatal(err)
	}
	pemData, _ := key.PEM()
	if len(pemData) <= 2560 {
		t.Fatalf("an RSA-4096 PEM is only %d bytes: the test proves nothing", len(pemData))
	}
	ref := DKIMKeyRef(d, "clockwise-202611")
	if err := k.Set(ref, string(pemData)); err != nil {
		t.Fatal(err)
	}
	names := storedEntries(t, ref)
	if len(names) != 3 {
		t.Fatalf("the keychain holds %q; want the main entry and two parts", names)
	}
	for _, name := range names {
		raw, err := keyring.Get(Service, name)
		if err != nil {
			t.Fatalf("entry %s: %v", name, err)
		}
		if len(raw) > 2560 {
			t.Errorf("entry %s holds %d bytes, more than Windows allows", name, len(raw))
		}
	}
	got, err := k.Get(ref)
	if err != nil || got != string(pemData) {
		t.Fatalf("Get of the chunked key: %d bytes, %v", len(got), err)
	}
	back, _, err := dkimkey.Import([]byte(got), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fp1, _ := key.Fingerprint(); func() string { fp2, _ := back.Fingerprint(); return fp2 }() != fp1 {
		t.Error("the key read back is another key")
	}

	// A part changed outside mailwizard is detected, not returned.
	keyring.Set(Service, names[2], "tampered")
	if _, err := k.Get(ref); !errors.Is(err, ErrCorrupt) {
		t.Errorf("tampered part: %v, want ErrCorrupt", err)
	}
	keyring.Delete(Service, names[2])
	if _, err := k.Get(ref); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "part 2 of 2") {
		t.Errorf("missing part: %v", err)
	}

	// Replacing it with a small secret removes the now stale parts.
	if err := k.Set(ref, "short"); err != nil {
		t.Fatal(err)
	}
	if got := storedEntries(t, ref); len(got) != 1 {
		t.Errorf("stale parts survived: the keychain holds %q", got)
	}
}

func TestKeychainForgetDomain(t *testing.T) {
	k := realKeychain(t)
	d, other := testDomain(t), testDomain(t)
	key, _ := dkimkey.Generate(context.Background(), dkimkey.RSA4096)
	pemData, _ := key.PEM()
	for _, transport := range []string{"relay", "mail/box"} { // a slash must not escape the domain
		if err := k.Set(SMTPPasswordRef(d, transport), "pw"); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Set(DKIMKeyRef(d, "s1"), string(pemData)); err != nil {
		t.Fatal(err)
	}
	// A key stored before v2, in v1 parts.
	writeV1(t, k, DKIMKeyRef(d, "v1"), string(pemData))
	// A key replaced while the keychain failed to delete the old parts:
	// the new one is stored, the old parts are left behind.
	if err := k.Set(DKIMKeyRef(d, "stray"), string(pemData)); err != nil {
		t.Fatal(err)
	}
	// The failing delete is faked (faultyRing): a real keychain cannot be
	// made to refuse one chosen call. Writes: two parts, the main entry,
	// then the first old part, which fails.
	ring := &faultyRing{failAt: 4}
	if err := (&Keychain{ring: ring}).Set(DKIMKeyRef(d, "stray"), string(pemData)+"\n"); err != nil {
		t.Fatal(err)
	}
	if got := storedEntries(t, DKIMKeyRef(d, "stray")); len(got) != 5 {
		t.Fatalf("the failed delete left %q; want the main entry and two parts of each generation", got)
	}
	if err := k.Set(SMTPPasswordRef(other, "relay"), "keep me"); err != nil {
		t.Fatal(err)
	}
	n, err := k.Forget(d)
	if err != nil || n != 5 {
		t.Fatalf("Forget = %d, %v; want 5", n, err)
	}
	for _, ref := range []transports.SecretRef{SMTPPasswordRef(d, "relay"), SMTPPasswordRef(d, "mail/box"),
		DKIMKeyRef(d, "s1"), DKIMKeyRef(d, "v1"), DKIMKeyRef(d, "stray")} {
		if got := storedEntries(t, ref); len(got) != 0 {
			t.Errorf("%q survived Forget", got)
		}
	}
	if _, err := keyring.Get(Service, indexName(d)); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the index survived Forget: %v", err)
	}
	if v, err := k.Get(SMTPPasswordRef(other, "relay")); err != nil || v != "keep me" {
		t.Errorf("Forget touched another domain: %q, %v", v, err)
	}
	if n, err := k.Forget(d); n != 0 || err != nil {
		t.Errorf("second Forget = %d, %v", n, err)
	}
}

// TestKeychainUnavailable uses go-keyring's mock to make the keychain fail
// as a missing or locked Secret Service does: a real one cannot be made to
// refuse on demand. The mock replaces go-keyring's backend for the whole
// process, so this runs in a child process.
func TestKeychainUnavailable(t *testing.T) {
	if os.Getenv("MW_KEYRING_FAULT") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainUnavailable$", "-test.v")
		cmd.Env = append(os.Environ(), "MW_KEYRING_FAULT=1")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("fault run failed: %v\n%s", err, out)
		}
		return
	}
	keyring.MockInitWithError(errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files"))
	_, err := OpenKeychain()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "org.freedesktop.secrets") {
		t.Fatalf("OpenKeychain = %v", err)
	}
	store, warn := OpenOrMemory()
	if _, ok := store.(*Memory); !ok || warn == nil || !strings.Contains(warn.Error(), "lost when mailwizard closes") {
		t.Fatalf("OpenOrMemory = %T, %v", store, warn)
	}
	k := &Keychain{}
	if err := k.Set(SMTPPasswordRef("example.nl", "relay"), "pw"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Set on a failing keychain: %v", err)
	}
	if _, err := k.Get(SMTPPasswordRef("example.nl", "relay")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Get on a failing keychain: %v", err)
	}
}

// A keychain that never answers (a locked keyring waiting to show its
// unlock prompt where there is no screen: an SSH session) is reported as
// unavailable instead of hanging the program. The silence is faked, since
// no real keychain can be made to hang on demand.
func TestOpenKeychainDoesNotHang(t *testing.T) {
	old := probe
	block := make(chan struct{})
	probe = func() error { <-block; return nil }
	t.Cleanup(func() { probe = old; close(block) })
	start := time.Now()
	_, err := OpenKeychain()
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("a silent keychain: %v", err)
	}
	if time.Since(start) > 2*probeTimeout {
		t.Errorf("gave up only after %v", time.Since(start))
	}
}
