package secrets

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"mailwizard/transports"
)

// Keychain stores secrets in the OS keychain through go-keyring. Besides
// the secrets it keeps one index entry per domain (keychain_index.go), and
// a secret too large for one entry is kept in parts (keychain_chunks.go).
type Keychain struct {
	mu   sync.Mutex // index read-modify-write; a header read with its parts
	ring ring       // nil: the OS keychain
}

// ring is the part of go-keyring the Keychain calls: an interface so a
// test can make one chosen call fail, which no real keychain does on demand.
type ring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// osRing is the OS keychain, through go-keyring's package functions (and
// so through its mock when a test installs one).
type osRing struct{}

func (osRing) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osRing) Set(service, user, password string) error { return keyring.Set(service, user, password) }
func (osRing) Delete(service, user string) error        { return keyring.Delete(service, user) }

func (k *Keychain) backend() ring {
	if k.ring == nil {
		return osRing{}
	}
	return k.ring
}

// OpenKeychain checks that the keychain answers and returns it. When it
// does not, the error (ErrUnavailable) says why in words, and the caller
// may fall back to Memory.
func OpenKeychain() (*Keychain, error) {
	result := make(chan error, 1)
	ask := probe
	go func() { result <- ask() }()
	select {
	case err := <-result:
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return nil, unavailable(err)
		}
		return &Keychain{}, nil
	case <-time.After(probeTimeout):
		// A locked keyring asks its prompter to unlock it; over SSH there
		// is no screen to show the prompt on, and the call never returns.
		return nil, unavailable(fmt.Errorf("the Secret Service did not answer within %v: it may be waiting to show an unlock prompt where there is no screen", probeTimeout))
	}
}

// probe asks the keychain for an entry that does not exist; tests replace
// it with one that never answers, which no real keychain does on demand.
var probe = func() error {
	_, err := keyring.Get(Service, "probe")
	return err
}

// probeTimeout bounds the first call: a keychain that answers at all
// answers in milliseconds.
const probeTimeout = 5 * time.Second

// OpenOrMemory returns the keychain, or else a memory store and a warning
// for the admin: secrets kept there are gone when the program exits.
func OpenOrMemory() (Store, error) {
	k, err := OpenKeychain()
	if err != nil {
		return NewMemory(), fmt.Errorf("%w; secrets are kept in memory only and will be lost when mailwizard closes", err)
	}
	return k, nil
}

func unavailable(err error) error {
	var hint string
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		hint = "no unlocked Secret Service answers on the session D-Bus: start GNOME Keyring or KWallet and unlock it, or run mailwizard in a desktop session"
	case "darwin":
		hint = "the macOS Keychain refused: unlock the login keychain in Keychain Access"
	case "windows":
		hint = "Windows Credential Manager refused the request"
	default:
		hint = "no keychain is known on " + runtime.GOOS
	}
	return fmt.Errorf("%w: %s (%v)", ErrUnavailable, hint, err)
}

func (k *Keychain) get(name string) (string, error) {
	v, err := k.backend().Get(Service, name)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNotFound
	case err != nil:
		return "", unavailable(err)
	}
	return v, nil
}

func (k *Keychain) set(name, value string) error {
	if err := k.backend().Set(Service, name, value); err != nil {
		if errors.Is(err, keyring.ErrSetDataTooBig) {
			return fmt.Errorf("secrets: storing %s: %w", name, err)
		}
		return unavailable(err)
	}
	return nil
}

func (k *Keychain) del(name string) error {
	err := k.backend().Delete(Service, name)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case err != nil:
		return unavailable(err)
	}
	return nil
}

// Get returns the secret, joining its parts if it was stored in parts.
func (k *Keychain) Get(ref transports.SecretRef) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, err := k.get(string(ref))
	if err != nil {
		return "", err
	}
	h, err := parseHeader(v)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrCorrupt, ref, err)
	}
	if h.n == 0 {
		return v, nil
	}
	return k.readParts(ref, h)
}

// Set stores the secret, in parts when it is larger than one entry holds.
// The main entry is the switch: the new parts go under names the old
// header does not use, then the main entry is replaced (one entry, so
// atomic), then the old parts are deleted. A failure at any step leaves
// the old secret or the new one readable, never neither.
func (k *Keychain) Set(ref transports.SecretRef, secret string) error {
	if _, _, _, err := ParseRef(ref); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var cur header
	switch v, err := k.get(string(ref)); {
	case err == nil:
		cur, _ = parseHeader(v) // unreadable: replaced as a whole secret would be
	case !errors.Is(err, ErrNotFound):
		return err
	}
	// The index first: every entry written from here on is one Forget finds.
	if err := k.indexAdd(ref); err != nil {
		return err
	}
	main, h, parts := secret, header{}, []string(nil)
	if needsParts(secret) {
		h, parts = split(secret, cur)
		main = h.String()
	}
	for i, p := range parts {
		if err := k.set(partName(ref, h.gen, i+1), p); err != nil {
			return k.abandon(ref, main, err)
		}
	}
	if err := k.set(string(ref), main); err != nil {
		return k.abandon(ref, main, err)
	}
	// The new secret is stored; a part left over when the keychain fails
	// now is swept by the next Set, Delete or Forget of ref. Reporting it
	// would tell the caller the secret was not stored, and it was.
	_ = k.sweep(ref, h)
	return nil
}

// abandon tidies up after a write to ref failed with err. The keychain
// may have taken the main entry and lost only the reply: the entry is read
// back, and whichever header it holds, its parts are kept and the others
// deleted. When it cannot be read, nothing is deleted: a stray part is
// better than a lost secret.
func (k *Keychain) abandon(ref transports.SecretRef, main string, err error) error {
	now, gerr := k.get(string(ref))
	if gerr != nil && !errors.Is(gerr, ErrNotFound) {
		return err
	}
	h, perr := parseHeader(now)
	if perr != nil {
		return err
	}
	_ = k.sweep(ref, h) // as in Set: a stray left now is swept next time
	if gerr == nil && now == main {
		return nil // the write went through
	}
	return err
}

// Delete removes the secret and its parts.
func (k *Keychain) Delete(ref transports.SecretRef) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.deleteLocked(ref)
}

// deleteLocked deletes the main entry first: from then on the secret is
// gone as a whole, never half readable. Parts left over when the keychain
// fails after that keep ref in the index, so Forget sweeps them later.
func (k *Keychain) deleteLocked(ref transports.SecretRef) error {
	err := k.del(string(ref))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if serr := k.sweep(ref, header{}); serr != nil {
		return serr
	}
	if ierr := k.indexRemove(ref); ierr != nil {
		return ierr
	}
	return err
}

// Forget deletes every secret of domain that mailwizard stored.
func (k *Keychain) Forget(domain string) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	refs, err := k.index(domain)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ref := range refs {
		switch err := k.deleteLocked(ref); {
		case err == nil:
			n++
		case !errors.Is(err, ErrNotFound):
			return n, err
		}
	}
	if err := k.del(indexName(domain)); err != nil && !errors.Is(err, ErrNotFound) {
		return n, err
	}
	return n, nil
}
