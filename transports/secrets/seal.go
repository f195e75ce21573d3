package secrets

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Seal encrypts secret to an age X25519 recipient ("age1…") and returns
// it ASCII-armoured, so it sits in the JSON document as a string. Only the
// holder of the service's identity can open it.
func Seal(recipient string, secret []byte) (string, error) {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return "", fmt.Errorf("secrets: sealing key %q: %w", recipient, err)
	}
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return "", fmt.Errorf("secrets: sealing: %w", err)
	}
	if _, err := w.Write(secret); err != nil {
		return "", fmt.Errorf("secrets: sealing: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("secrets: sealing: %w", err)
	}
	if err := aw.Close(); err != nil {
		return "", fmt.Errorf("secrets: sealing: %w", err)
	}
	return buf.String(), nil
}

// Unseal opens a sealed secret with an age identity ("AGE-SECRET-KEY-1…"):
// what the service does on upload, and what tests do to prove the seal.
func Unseal(identity, sealed string) ([]byte, error) {
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		return nil, fmt.Errorf("secrets: identity: %w", err)
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(sealed)), id)
	if err != nil {
		return nil, fmt.Errorf("secrets: unsealing: %w", err)
	}
	return io.ReadAll(r)
}
