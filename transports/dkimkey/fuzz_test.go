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
