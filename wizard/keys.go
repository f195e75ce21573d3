package wizard

import (
	"errors"
	"fmt"
	"time"

	"mailwizard/checks/smtp"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
)

// MaxKeyFile bounds what an import reads from a key file: a PEM key is a
// few KiB.
const MaxKeyFile = 64 << 10

// ErrSelectorTaken means the keychain holds a different key under the
// selector. That key may be the one published in DNS; replacing it would
// break every signature until DNS changes, so a new selector is needed.
var ErrSelectorTaken = errors.New("wizard: another key is kept under this selector")

// KeepKey puts key's private half in the store under domain and selector
// and returns the document's description of it (the record to publish,
// the fingerprint, the keychain reference). The same key again is fine
// when sameKeyOK (an import repeated); a different one is refused with
// ErrSelectorTaken, whose message suggests a new dated selector.
func KeepKey(store secrets.Store, domain, selector string, key *dkimkey.Key, sameKeyOK bool, now time.Time) (transports.DKIMKey, error) {
	rec, err := dkimkey.NewRecord(key, domain, selector)
	if err != nil {
		return transports.DKIMKey{}, err
	}
	ref := secrets.DKIMKeyRef(rec.Domain, rec.Selector)
	pemData, err := key.PEM()
	if err != nil {
		return transports.DKIMKey{}, err
	}
	defer clear(pemData)
	switch old, err := store.Get(ref); {
	case err == nil:
		oldKey, _, ierr := dkimkey.Import([]byte(old), nil)
		if ierr != nil || fingerprint(oldKey) != rec.Fingerprint || !sameKeyOK {
			return transports.DKIMKey{}, fmt.Errorf("%w: the keychain already holds a key for %s of %s; use a new selector such as %s so the old key stays valid while DNS changes, or remove it first with 'mailwizard secrets forget %s'",
				ErrSelectorTaken, rec.Selector, rec.Domain, dkimkey.SuggestSelector(rec.Selector, now), rec.Domain)
		}
	case !errors.Is(err, secrets.ErrNotFound):
		return transports.DKIMKey{}, err
	default:
		if err := store.Set(ref, string(pemData)); err != nil {
			return transports.DKIMKey{}, err
		}
	}
	return transports.DKIMKey{Selector: rec.Selector, Algorithm: rec.Algorithm, RecordName: rec.Name,
		RecordValue: rec.Value, Fingerprint: rec.Fingerprint, PrivateKeyRef: ref}, nil
}

func fingerprint(k *dkimkey.Key) string {
	fp, _ := k.Fingerprint()
	return fp
}

// Signer reads the private key of a selector from the store, to sign the
// verification mail the way the service will sign its own.
func Signer(store secrets.Store, domain, selector string) (*smtp.DKIMSigner, error) {
	pemData, err := store.Get(secrets.DKIMKeyRef(domain, selector))
	if err != nil {
		return nil, fmt.Errorf("no key for selector %s of %s in the keychain (%w); make one with mailwizard dkim gen", selector, domain, err)
	}
	key, _, err := dkimkey.Import([]byte(pemData), nil)
	if err != nil {
		return nil, fmt.Errorf("the key of selector %s in the keychain: %w", selector, err)
	}
	return &smtp.DKIMSigner{Key: key, Domain: domain, Selector: selector}, nil
}
