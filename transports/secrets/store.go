// Package secrets keeps the secrets the wizard handles, SMTP passwords,
// DKIM private keys and the TSIG keys that publish DNS records, in the OS keychain (Windows Credential Manager,
// macOS Keychain, the Secret Service on Linux), never in a plain file, and
// seals them to the service's public key for the export.
package secrets

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"mailwizard/transports"
)

// Service is the keychain service every entry is stored under: the app ID,
// so Keychain Access, Credential Manager or Seahorse list them together.
const Service = "app.mailwizard.wizard"

// Kinds of secret.
const (
	KindSMTPPassword = "smtp-password"
	KindDKIMKey      = "dkim-private-key"
	// KindTSIGKey is the shared secret of a TSIG key (RFC 8945) that signs
	// dynamic updates of the domain's zone. It stays on this computer: the
	// export never refers to it.
	KindTSIGKey = "tsig-key"
)

// Errors a Store returns.
var (
	ErrNotFound    = errors.New("secrets: no such secret")
	ErrUnavailable = errors.New("secrets: the system keychain is not available")
	ErrCorrupt     = errors.New("secrets: keychain entry incomplete")
)

// Store keeps secrets by reference.
type Store interface {
	Get(ref transports.SecretRef) (string, error)
	Set(ref transports.SecretRef, secret string) error
	Delete(ref transports.SecretRef) error
	// Forget deletes every secret of a domain and returns how many.
	Forget(domain string) (int, error)
}

// Ref names a secret by domain, owner (a transport name, or a DKIM
// selector) and kind: "example.nl/Relay%20via%20our%20server/smtp-password".
// Parts are escaped so a name with a slash cannot reach another domain.
func Ref(domain, owner, kind string) transports.SecretRef {
	return transports.SecretRef(url.PathEscape(domain) + "/" + url.PathEscape(owner) + "/" + url.PathEscape(kind))
}

// SMTPPasswordRef is the reference of a transport's SMTP password.
func SMTPPasswordRef(domain, transport string) transports.SecretRef {
	return Ref(domain, transport, KindSMTPPassword)
}

// DKIMKeyRef is the reference of the private key of a DKIM selector.
func DKIMKeyRef(domain, selector string) transports.SecretRef {
	return Ref(domain, selector, KindDKIMKey)
}

// TSIGKeyRef is the reference of the secret of a TSIG key, by its name,
// that publishes the domain's records.
func TSIGKeyRef(domain, keyName string) transports.SecretRef {
	return Ref(domain, strings.TrimSuffix(strings.ToLower(keyName), "."), KindTSIGKey)
}

// ParseRef splits a reference into its parts.
func ParseRef(ref transports.SecretRef) (domain, owner, kind string, err error) {
	parts := strings.Split(string(ref), "/")
	if len(parts) != 3 {
		return "", "", "", fmt.Errorf("secrets: malformed reference %q", ref)
	}
	for i, p := range parts {
		if parts[i], err = url.PathUnescape(p); err != nil || parts[i] == "" {
			return "", "", "", fmt.Errorf("secrets: malformed reference %q", ref)
		}
	}
	return parts[0], parts[1], parts[2], nil
}
