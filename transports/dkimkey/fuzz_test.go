package dkimkey

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// FuzzImport: any file an admin picks must give a key or an error, never a
// panic, and an accepted key must survive our own PEM encoding unchanged.
func FuzzImport(f *testing.F) {
	rsaKey := testKey(f, RSA2048).Signer.(*rsa.PrivateKey)
	pkcs8, _ := testKey(f, RSA2048).PEM()
	ed, _ := testKey(f, Ed25519).PEM()
	//lint:ignore SA1019 a key in the legacy format older tools write, to test reading it
	enc, _ := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("pw"), x509.PEMCipherAES128)
	f.Add(pkcs8)
	f.Add(ed)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	f.Add(pem.EncodeToMemory(enc))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, _, err := Import(data, func() ([]byte, error) { return []byte("pw"), nil })
		if err != nil {
			return
		}
		fp, err := k.Fingerprint()
		if err != nil {
			t.Fatalf("an imported key has no fingerprint: %v", err)
		}
		out, err := k.PEM()
		if err != nil {
			t.Fatalf("an imported key does not encode: %v", err)
		}
		again, _, err := Import(out, nil)
		if err != nil {
			t.Fatalf("our own PEM does not import: %v", err)
		}
		if fp2, _ := again.Fingerprint(); fp2 != fp {
			t.Fatalf("fingerprint changed through PEM: %s -> %s", fp, fp2)
		}
	})
}

// FuzzEncryptedPKCS8: the DER of an "ENCRYPTED PRIVATE KEY" block, with the
// password "pw", must give a plain key or an error, never a panic. The
// corpus under testdata holds keys openssl wrote (PBES2 with AES and
// DES-EDE3, scrypt, PBES1). The iteration cap is low so that a mutated
// count does not slow the fuzzer to a crawl; openssl's default is 2048.
func FuzzEncryptedPKCS8(f *testing.F) {
	f.Fuzz(func(t *testing.T, der []byte) {
		asked := false
		plain, err := decryptPKCS8(der, func() ([]byte, error) { asked = true; return []byte("pw"), nil }, 4096)
		if err != nil {
			if plain != nil {
				t.Fatalf("an error (%v) with a plaintext", err)
			}
			return
		}
		if !asked {
			t.Fatal("decrypted without asking for the password")
		}
		if len(plain) >= len(der) {
			t.Fatalf("%d bytes of plaintext from %d bytes of input", len(plain), len(der))
		}
		fromDER(plain) // what Import does next must not panic either
	})
}
