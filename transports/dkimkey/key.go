// Package dkimkey makes and imports DKIM signing keys and renders the DNS
// record that publishes their public half (RFC 6376 section 3.6.1).
//
// RSA is what every receiver verifies; RFC 8301 section 3.2 requires at
// least 1024 bits and recommends 2048, which is our default. Ed25519
// (RFC 8463) gives short records and fast signatures but many receivers
// still ignore it, so it is offered as a second signature beside RSA.
package dkimkey

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
)

// Algorithm names a key type and size as the document and the CLI write it.
type Algorithm string

const (
	RSA2048 Algorithm = "rsa2048"
	RSA3072 Algorithm = "rsa3072"
	RSA4096 Algorithm = "rsa4096"
	Ed25519 Algorithm = "ed25519"
)

// Algorithms lists what Generate makes, the default first.
var Algorithms = []Algorithm{RSA2048, RSA3072, RSA4096, Ed25519}

// ParseAlgorithm accepts the names above.
func ParseAlgorithm(s string) (Algorithm, error) {
	for _, a := range Algorithms {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("dkimkey: unknown algorithm %q: use rsa2048, rsa3072, rsa4096 or ed25519", s)
}

func (a Algorithm) rsaBits() int {
	switch a {
	case RSA2048:
		return 2048
	case RSA3072:
		return 3072
	case RSA4096:
		return 4096
	}
	return 0
}

// Key is a DKIM private key.
type Key struct {
	Signer crypto.Signer // *rsa.PrivateKey or ed25519.PrivateKey
}

// Algorithm reports the key's type and size; an imported RSA key of an
// unusual size reports e.g. "rsa1024".
func (k *Key) Algorithm() Algorithm {
	switch s := k.Signer.(type) {
	case *rsa.PrivateKey:
		return Algorithm(fmt.Sprintf("rsa%d", s.N.BitLen()))
	case ed25519.PrivateKey:
		return Ed25519
	}
	return ""
}

// KeyType is the k= tag of the record: "rsa" or "ed25519".
func (k *Key) KeyType() string {
	if _, ok := k.Signer.(ed25519.PrivateKey); ok {
		return "ed25519"
	}
	return "rsa"
}

// PublicKeyData is what p= carries, before base64: for RSA the
// SubjectPublicKeyInfo DER that every verifier parses (RFC 6376 section
// 3.6.1), for Ed25519 the 32 raw key bytes (RFC 8463 section 4.2).
func (k *Key) PublicKeyData() ([]byte, error) {
	switch s := k.Signer.(type) {
	case *rsa.PrivateKey:
		return x509.MarshalPKIXPublicKey(&s.PublicKey)
	case ed25519.PrivateKey:
		return []byte(s.Public().(ed25519.PublicKey)), nil
	}
	return nil, ErrUnsupportedKey
}

// Fingerprint is "SHA256:" and the base64 SHA-256 of the public key data,
// to tell keys apart at a glance without showing anything secret.
func (k *Key) Fingerprint() (string, error) {
	data, err := k.PublicKeyData()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "SHA256:" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

// PEM encodes the private key as PKCS#8 ("PRIVATE KEY"), the one format
// that holds both RSA and Ed25519 keys. It is a secret: it goes to the
// keychain or to a 0600 file the admin asked for, nowhere else.
func (k *Key) PEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		return nil, fmt.Errorf("dkimkey: encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ErrUnsupportedKey is a key DKIM cannot sign with (EC, DSA, ...).
var ErrUnsupportedKey = errors.New("dkimkey: unsupported key type")

// Generate makes a new key. It runs on its own goroutine and returns as
// soon as ctx ends; RSA generation itself cannot be interrupted, so an
// abandoned one finishes in the background and is discarded.
func Generate(ctx context.Context, algo Algorithm) (*Key, error) {
	type result struct {
		key *Key
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned goroutine never blocks
	go func() {
		k, err := generate(algo)
		done <- result{k, err}
	}()
	select {
	case r := <-done:
		return r.key, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("dkimkey: generating %s key: %w", algo, ctx.Err())
	}
}

func generate(algo Algorithm) (*Key, error) {
	if algo == Ed25519 {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("dkimkey: generating ed25519 key: %w", err)
		}
		return &Key{Signer: priv}, nil
	}
	bits := algo.rsaBits()
	if bits == 0 {
		return nil, fmt.Errorf("dkimkey: unknown algorithm %q", algo)
	}
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("dkimkey: generating %s key: %w", algo, err)
	}
	return &Key{Signer: priv}, nil
}
