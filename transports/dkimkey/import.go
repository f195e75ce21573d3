package dkimkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Errors of Import, each with a message that says what to do.
var (
	ErrNoKey         = errors.New("dkimkey: no private key found")
	ErrKeyTooWeak    = errors.New("dkimkey: key too weak")
	ErrNeedPassword  = errors.New("dkimkey: the key is encrypted and needs its password")
	ErrWrongPassword = errors.New("dkimkey: wrong password for the encrypted key")
)

// minRSABits is the floor of RFC 8301 section 3.2: verifiers must not
// accept smaller RSA keys. warnRSABits is its recommendation.
const (
	minRSABits  = 1024
	warnRSABits = 2048
)

// PasswordFunc asks for the password of an encrypted key. It is called only
// when the key is encrypted, so a plain key never prompts.
type PasswordFunc func() ([]byte, error)

// Import reads a private key in PEM: PKCS#1 ("RSA PRIVATE KEY", also in
// legacy encrypted form with Proc-Type and DEK-Info headers), PKCS#8
// ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with PBES2, see pkcs8enc.go),
// or the bare base64 of either that a web form may have shown. Warnings are
// for keys that work but should be replaced.
func Import(data []byte, password PasswordFunc) (*Key, []string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from Windows editors
	var sawOther []string
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "RSA PRIVATE KEY", "PRIVATE KEY":
			der := block.Bytes
			// Legacy PEM encryption (deprecated in Go for its weak key
			// derivation) is what older tools produce; we only read it.
			//lint:ignore SA1019 reading old keys is the point; we never write this format
			if x509.IsEncryptedPEMBlock(block) {
				var err error
				if der, err = decryptLegacy(block, password); err != nil {
					return nil, nil, err
				}
			}
			return fromDER(der)
		case "ENCRYPTED PRIVATE KEY":
			der, err := decryptPKCS8(block.Bytes, password, maxPBKDF2Iterations)
			if err != nil {
				return nil, nil, err
			}
			defer clear(der) // the parsed key holds its own copy
			return fromDER(der)
		case "EC PRIVATE KEY":
			return nil, nil, fmt.Errorf("%w: this is an elliptic-curve (ECDSA) key; DKIM signs only with RSA or Ed25519", ErrUnsupportedKey)
		case "DSA PRIVATE KEY":
			return nil, nil, fmt.Errorf("%w: this is a DSA key; DKIM signs only with RSA or Ed25519", ErrUnsupportedKey)
		case "OPENSSH PRIVATE KEY":
			return nil, nil, fmt.Errorf("%w: this is an OpenSSH key file; convert it with: ssh-keygen -p -m PEM -f KEYFILE", ErrUnsupportedKey)
		default:
			sawOther = append(sawOther, block.Type)
		}
	}
	if len(sawOther) > 0 {
		hint := "import the private key, not the certificate or public key"
		return nil, nil, fmt.Errorf("%w: the file holds %s; %s", ErrNoKey, strings.Join(sawOther, ", "), hint)
	}
	// No PEM armour: perhaps the base64 body alone, pasted from a form.
	if der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), "")); err == nil && len(der) > 0 {
		if k, warns, err := fromDER(der); err == nil {
			return k, warns, nil
		}
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return nil, nil, fmt.Errorf("%w: the PEM text is damaged (a line missing or changed?); copy the whole file again, from -----BEGIN to -----END", ErrNoKey)
	}
	return nil, nil, fmt.Errorf("%w: expected a PEM file starting with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----", ErrNoKey)
}

// askPassword asks for the key's password; the caller clears it.
func askPassword(password PasswordFunc) ([]byte, error) {
	if password == nil {
		return nil, ErrNeedPassword
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("dkimkey: reading the key's password: %w", err)
	}
	return pw, nil
}

func decryptLegacy(block *pem.Block, password PasswordFunc) ([]byte, error) {
	pw, err := askPassword(password)
	if err != nil {
		return nil, err
	}
	defer clear(pw)
	//lint:ignore SA1019 reading old keys is the point; we never write this format
	der, err := x509.DecryptPEMBlock(block, pw)
	if err != nil {
		// A wrong password usually shows as bad padding, rarely as garbage
		// that fails to parse below; both mean the same to the admin.
		return nil, ErrWrongPassword
	}
	return der, nil
}

// fromDER parses PKCS#1 or PKCS#8 and checks the key is one DKIM can use.
func fromDER(der []byte) (*Key, []string, error) {
	var parsed any
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		parsed = k
	} else if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		parsed = k
	} else {
		return nil, nil, fmt.Errorf("%w: the key data does not parse as PKCS#1 or PKCS#8 (%v); if the key is encrypted, check the password", ErrNoKey, err)
	}
	switch k := parsed.(type) {
	case *rsa.PrivateKey:
		bits := k.N.BitLen()
		if bits < minRSABits {
			return nil, nil, fmt.Errorf("%w: this RSA key has %d bits; receivers refuse keys under %d bits (RFC 8301): generate a new 2048-bit key", ErrKeyTooWeak, bits, minRSABits)
		}
		if err := k.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%w: the RSA key is inconsistent: %v", ErrNoKey, err)
		}
		var warns []string
		if bits < warnRSABits {
			warns = append(warns, fmt.Sprintf("this RSA key has %d bits; %d is recommended (RFC 8301) and some receivers already treat shorter keys as weak: plan to replace it", bits, warnRSABits))
		}
		return &Key{Signer: k}, warns, nil
	case ed25519.PrivateKey:
		return &Key{Signer: k}, nil, nil
	case *ecdsa.PrivateKey:
		return nil, nil, fmt.Errorf("%w: this is an elliptic-curve (ECDSA) key; DKIM signs only with RSA or Ed25519", ErrUnsupportedKey)
	}
	return nil, nil, fmt.Errorf("%w: %T; DKIM signs only with RSA or Ed25519", ErrUnsupportedKey, parsed)
}
