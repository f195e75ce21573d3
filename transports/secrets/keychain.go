package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"

	"mailwizard/transports"
)

// chunkSize is below every platform's limit for one entry: Windows refuses
// more than 2560 bytes, macOS about 3000. An RSA-4096 key in PEM (3272
// bytes) is stored in two parts. The same size on every platform keeps the
// code path the Linux tests exercise the one Windows users run.
const chunkSize = 2000

// chunkHeader starts the main entry of a secret stored in parts:
// "mailwizard-chunked:v1:<parts>:<sha256 of the whole>".
const chunkHeader = "mailwizard-chunked:v1:"

// Keychain stores secrets in the OS keychain through go-keyring. Besides
// the secrets it keeps one index entry per domain, because keychains offer
// no listing and "forget this domain" must find every entry.
type Keychain struct {
	mu sync.Mutex // index read-modify-write
}

// OpenKeychain checks that the keychain answers and returns it. When it
// does not, the error (ErrUnavailable) says why in words, and the caller
// may fall back to Memory.
func OpenKeychain() (*Keychain, error) {
	_, err := keyring.Get(Service, "probe")
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return nil, unavailable(err)
	}
	return &Keychain{}, nil
}

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
	v, err := keyring.Get(Service, name)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrNotFound
	case err != nil:
		return "", unavailable(err)
	}
	return v, nil
}

func (k *Keychain) set(name, value string) error {
	if err := keyring.Set(Service, name, value); err != nil {
		if errors.Is(err, keyring.ErrSetDataTooBig) {
			return fmt.Errorf("secrets: storing %s: %w", name, err)
		}
		return unavailable(err)
	}
	return nil
}

func (k *Keychain) del(name string) error {
	err := keyring.Delete(Service, name)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case err != nil:
		return unavailable(err)
	}
	return nil
}

func partName(ref transports.SecretRef, i int) string { return fmt.Sprintf("%s#%d", ref, i) }

// Get returns the secret, joining its parts if it was stored in chunks.
func (k *Keychain) Get(ref transports.SecretRef) (string, error) {
	v, err := k.get(string(ref))
	if err != nil || !strings.HasPrefix(v, chunkHeader) {
		return v, err
	}
	n, sum, err := parseHeader(v)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrCorrupt, ref, err)
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		part, err := k.get(partName(ref, i))
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("%w: %s lacks part %d of %d; enter or generate the secret again", ErrCorrupt, ref, i, n)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(part)
	}
	whole := b.String()
	if got := sha256.Sum256([]byte(whole)); hex.EncodeToString(got[:]) != sum {
		return "", fmt.Errorf("%w: %s: its parts do not add up (changed outside mailwizard?); enter or generate the secret again", ErrCorrupt, ref)
	}
	return whole, nil
}

func parseHeader(v string) (int, string, error) {
	fields := strings.Split(strings.TrimPrefix(v, chunkHeader), ":")
	if len(fields) != 2 {
		return 0, "", errors.New("bad header")
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 || n > 1000 {
		return 0, "", errors.New("bad part count")
	}
	return n, fields[1], nil
}

// storedParts reports how many parts the entry at ref has now (0: none or
// a single entry).
func (k *Keychain) storedParts(ref transports.SecretRef) int {
	v, err := k.get(string(ref))
	if err != nil || !strings.HasPrefix(v, chunkHeader) {
		return 0
	}
	n, _, _ := parseHeader(v)
	return n
}

// Set stores the secret, in parts when it is larger than one entry holds.
// Parts are written before the header that announces them, so a reader
// never finds a header whose parts are not there yet.
func (k *Keychain) Set(ref transports.SecretRef, secret string) error {
	if _, _, _, err := ParseRef(ref); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.storedParts(ref)
	n := 0
	if len(secret) <= chunkSize && !strings.HasPrefix(secret, chunkHeader) {
		if err := k.set(string(ref), secret); err != nil {
			return err
		}
	} else {
		for off := 0; off < len(secret); off += chunkSize {
			n++
			if err := k.set(partName(ref, n), secret[off:min(off+chunkSize, len(secret))]); err != nil {
				return err
			}
		}
		sum := sha256.Sum256([]byte(secret))
		if err := k.set(string(ref), fmt.Sprintf("%s%d:%s", chunkHeader, n, hex.EncodeToString(sum[:]))); err != nil {
			return err
		}
	}
	for i := n + 1; i <= old; i++ { // parts of a longer earlier secret
		k.del(partName(ref, i))
	}
	return k.indexAdd(ref)
}

// Delete removes the secret and its parts.
func (k *Keychain) Delete(ref transports.SecretRef) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.deleteLocked(ref)
}

func (k *Keychain) deleteLocked(ref transports.SecretRef) error {
	parts := k.storedParts(ref)
	err := k.del(string(ref))
	for i := 1; i <= parts; i++ {
		k.del(partName(ref, i))
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
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

func indexName(domain string) string { return url.PathEscape(domain) + "/_index" }

func (k *Keychain) index(domain string) ([]transports.SecretRef, error) {
	v, err := k.get(indexName(domain))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var refs []transports.SecretRef
	for _, line := range strings.Split(v, "\n") {
		if line != "" {
			refs = append(refs, transports.SecretRef(line))
		}
	}
	return refs, nil
}

func (k *Keychain) writeIndex(domain string, refs []transports.SecretRef) error {
	if len(refs) == 0 {
		if err := k.del(indexName(domain)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	}
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = string(r)
	}
	return k.set(indexName(domain), strings.Join(lines, "\n"))
}

func (k *Keychain) indexAdd(ref transports.SecretRef) error {
	domain, _, _, _ := ParseRef(ref)
	refs, err := k.index(domain)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r == ref {
			return nil
		}
	}
	return k.writeIndex(domain, append(refs, ref))
}

func (k *Keychain) indexRemove(ref transports.SecretRef) error {
	domain, _, _, err := ParseRef(ref)
	if err != nil {
		return err
	}
	refs, err := k.index(domain)
	if err != nil {
		return err
	}
	kept := refs[:0]
	for _, r := range refs {
		if r != ref {
			kept = append(kept, r)
		}
	}
	if len(kept) == len(refs) {
		return nil
	}
	return k.writeIndex(domain, kept)
}
