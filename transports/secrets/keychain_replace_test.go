package secrets

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"mailwizard/transports"
)

// faultyRing passes every call to the OS keychain except the failAt-th Set
// or Delete, which fails as a keychain that is locked, or a D-Bus
// connection that drops, half way through a write would. A real keychain
// cannot be made to fail one chosen call on demand, so this is a fake for
// that fault alone: every other call reaches the real Secret Service, and
// what survives is read back from there.
type faultyRing struct {
	failAt    int
	lostReply bool // the failing call takes effect; only its reply is lost
	writes    int  // Set and Delete calls so far
}

func (f *faultyRing) write(op func() error) error {
	f.writes++
	if f.writes != f.failAt {
		return op()
	}
	if f.lostReply {
		op()
	}
	return errors.New("org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying")
}

func (f *faultyRing) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (f *faultyRing) Set(service, user, password string) error {
	return f.write(func() error { return keyring.Set(service, user, password) })
}
func (f *faultyRing) Delete(service, user string) error {
	return f.write(func() error { return keyring.Delete(service, user) })
}

// randomText is a secret of n bytes; 3300 is an RSA-4096 key in PEM.
func randomText(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()[:n]
}

// storedEntries reads, by name, every entry ref's secret can occupy in the
// keychain (its main entry, its v1 parts, its parts of either generation)
// and returns the names that exist.
func storedEntries(t *testing.T, ref transports.SecretRef) []string {
	t.Helper()
	names := []string{string(ref)}
	for _, gen := range generations {
		for i := 1; i <= 4; i++ { // the largest secret here has 3 parts
			names = append(names, partName(ref, gen, i))
		}
	}
	var found []string
	for _, name := range names {
		_, err := keyring.Get(Service, name)
		switch {
		case err == nil:
			found = append(found, name)
		case !errors.Is(err, keyring.ErrNotFound):
			t.Fatalf("reading %s: %v", name, err)
		}
	}
	return found
}

// assertStoredExactly checks that ref reads as want and that the keychain
// holds its main entry and its parts, no stray part of another secret.
func assertStoredExactly(t *testing.T, k *Keychain, ref transports.SecretRef, want string) {
	t.Helper()
	if got, err := k.Get(ref); err != nil || got != want {
		t.Fatalf("Get = %d bytes, %v; want the %d bytes stored", len(got), err, len(want))
	}
	entries := 1
	if needsParts(want) {
		entries += (len(want) + chunkSize - 1) / chunkSize
	}
	if got := storedEntries(t, ref); len(got) != entries {
		t.Errorf("the keychain holds %q; want the main entry and %d part(s)", got, entries-1)
	}
}

// writeV1 stores secret the way mailwizard did before v2: parts
// "<ref>#<i>" and the main entry "mailwizard-chunked:v1:<n>:<sha256>",
// straight into the keychain. The index format did not change.
func writeV1(t *testing.T, k *Keychain, ref transports.SecretRef, secret string) {
	t.Helper()
	n := 0
	for off := 0; off < len(secret); off += chunkSize {
		n++
		if err := keyring.Set(Service, fmt.Sprintf("%s#%d", ref, n), secret[off:min(off+chunkSize, len(secret))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := keyring.Set(Service, string(ref), fmt.Sprintf("mailwizard-chunked:v1:%d:%x", n, sha256.Sum256([]byte(secret)))); err != nil {
		t.Fatal(err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.indexAdd(ref); err != nil {
		t.Fatal(err)
	}
}

// Replacing a secret (say the DKIM key already published in DNS) while the
// keychain fails at any one write leaves the old secret or the new one,
// never neither; and whatever a failure left behind, the next successful
// Set leaves no stray part.
func TestKeychainReplaceSurvivesFailures(t *testing.T) {
	k := realKeychain(t)
	small, big, big2, bigger := "c0rrect horse ✓", randomText(3300), randomText(3300), randomText(4500)
	test := func(name, old, new string, oldV1 bool) {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each case has its own domain
			d := testDomain(t)
			for _, lostReply := range []bool{false, true} {
				replaceFailingAt(t, k, d, name, old, new, oldV1, lostReply)
			}
		})
	}
	test("chunked to chunked", big, big2, false)
	test("chunked to more parts", big, bigger, false)
	test("chunked to single", big, small, false)
	test("single to chunked", small, big, false)
	test("v1 chunked to chunked", big, big2, true)
	test("v1 chunked to single", bigger, small, true)
}

// replaceFailingAt replaces old with new under a fresh ref once for every
// write the replacement makes, failing that write, and then once without a
// failure.
func replaceFailingAt(t *testing.T, k *Keychain, domain, name, old, new string, oldV1, lostReply bool) {
	t.Helper()
	for failAt := 1; ; failAt++ {
		ref := DKIMKeyRef(domain, fmt.Sprintf("%s-%v-%d", name, lostReply, failAt))
		if oldV1 {
			writeV1(t, k, ref, old)
		} else if err := k.Set(ref, old); err != nil {
			t.Fatal(err)
		}
		ring := &faultyRing{failAt: failAt, lostReply: lostReply}
		err := (&Keychain{ring: ring}).Set(ref, new)
		if ring.writes < failAt { // no write left to fail: a clean run
			if err != nil {
				t.Fatalf("Set with no failure: %v", err)
			}
			if failAt < 4 {
				t.Errorf("only %d writes to fail; the test proves little", failAt-1)
			}
			assertStoredExactly(t, k, ref, new)
			return
		}
		at := fmt.Sprintf("write %d failing (reply lost: %v)", failAt, lostReply)
		got, gerr := k.Get(ref)
		switch {
		case gerr != nil:
			t.Errorf("%s: Get = %v; the old secret and the new one are both lost", at, gerr)
		case got != old && got != new:
			t.Errorf("%s: Get returned %d bytes, neither secret", at, len(got))
		case err == nil && got != new:
			t.Errorf("%s: Set reported success, yet the old secret is stored", at)
		}
		if err := k.Set(ref, new); err != nil {
			t.Fatalf("%s: retry: %v", at, err)
		}
		assertStoredExactly(t, k, ref, new)
	}
}

// Keychains written before v2 hold v1 headers: they still read, are still
// checked, and their parts go when the secret is replaced or deleted.
func TestKeychainReadsV1(t *testing.T) {
	k := realKeychain(t)
	d := testDomain(t)
	secret := randomText(3300)

	ref := DKIMKeyRef(d, "v1")
	writeV1(t, k, ref, secret)
	if got, err := k.Get(ref); err != nil || got != secret {
		t.Fatalf("Get of a v1 secret: %d bytes, %v", len(got), err)
	}
	keyring.Set(Service, string(ref)+"#2", "tampered")
	if _, err := k.Get(ref); !errors.Is(err, ErrCorrupt) {
		t.Errorf("tampered v1 part: %v, want ErrCorrupt", err)
	}
	keyring.Delete(Service, string(ref)+"#2")
	if _, err := k.Get(ref); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "part 2 of 2") {
		t.Errorf("missing v1 part: %v", err)
	}

	replaced := DKIMKeyRef(d, "v1-replaced")
	writeV1(t, k, replaced, secret)
	newer := randomText(3300)
	if err := k.Set(replaced, newer); err != nil {
		t.Fatal(err)
	}
	assertStoredExactly(t, k, replaced, newer)

	deleted := DKIMKeyRef(d, "v1-deleted")
	writeV1(t, k, deleted, secret)
	if err := k.Delete(deleted); err != nil {
		t.Fatal(err)
	}
	if got := storedEntries(t, deleted); len(got) != 0 {
		t.Errorf("Delete of a v1 secret left %q", got)
	}
}
