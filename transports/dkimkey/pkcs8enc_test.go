package dkimkey

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A password with a space and a non-ASCII letter: PBES2 hashes the bytes
// as given (RFC 8018 section 3), which is what openssl's pass: does too.
const opensslPassword = "correct horse ü"

// openssl runs the openssl command in dir. The encrypted keys these tests
// read must come from the tool admins use, so a missing openssl is a
// failure, not a skip, unless the run is -short.
func openssl(t *testing.T, dir string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if testing.Short() {
			t.Skip("openssl not installed; skipped in -short mode")
		}
		t.Fatalf("the encrypted PKCS#8 tests need the openssl command (apt-get install openssl), or run go test -short: %v", err)
	}
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// passwordOf returns a PasswordFunc and the slice it handed out, to check
// that Import clears it.
func passwordOf(pw string) (PasswordFunc, *[]byte) {
	var given []byte
	return func() ([]byte, error) { given = []byte(pw); return given, nil }, &given
}

// noPrompt fails the test if the password is asked for: keys we cannot
// decrypt must be refused before the prompt.
func noPrompt(t *testing.T) PasswordFunc {
	return func() ([]byte, error) {
		t.Error("the password was asked for a key that cannot be decrypted")
		return []byte(opensslPassword), nil
	}
}

func TestImportEncryptedPKCS8FromOpenSSL(t *testing.T) {
	for _, kind := range []struct{ name, genArgs string }{
		{"rsa2048", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"},
		{"ed25519", "-algorithm ED25519"},
	} {
		t.Run(kind.name, func(t *testing.T) {
			dir := t.TempDir()
			pass := "pass:" + opensslPassword
			openssl(t, dir, append([]string{"genpkey"}, append(strings.Fields(kind.genArgs), "-aes256", "-pass", pass, "-out", "genpkey-aes256.pem")...)...)
			openssl(t, dir, "pkey", "-in", "genpkey-aes256.pem", "-passin", pass, "-out", "plain.pem")
			topk8 := func(out string, args ...string) {
				t.Helper()
				openssl(t, dir, append([]string{"pkcs8", "-topk8", "-in", "plain.pem", "-passout", pass, "-out", out}, args...)...)
			}
			topk8("aes128-sha1.pem", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1")
			topk8("aes192-sha512.pem", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512")
			topk8("aes256-sha384.pem", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA384", "-iter", "10000")
			topk8("des3-sha256.pem", "-v2", "des3")
			topk8("scrypt.pem", "-scrypt")
			topk8("pbes1.pem", "-v1", "PBE-SHA1-3DES")

			plain, _, err := Import(readFile(t, filepath.Join(dir, "plain.pem")), noPrompt(t))
			if err != nil {
				t.Fatalf("the unencrypted key: %v", err)
			}
			want, _ := plain.Fingerprint()

			good := func(file string) {
				t.Helper()
				data := readFile(t, filepath.Join(dir, file))
				pw, given := passwordOf(opensslPassword)
				k, _, err := Import(data, pw)
				if err != nil {
					t.Errorf("%s: %v", file, err)
					return
				}
				if got, _ := k.Fingerprint(); got != want {
					t.Errorf("%s: fingerprint %s, want %s as the unencrypted key", file, got, want)
				}
				if !bytes.Equal(*given, make([]byte, len(opensslPassword))) {
					t.Errorf("%s: the password bytes were not cleared: %q", file, *given)
				}
				checkSigns(t, file, k)
				if _, _, err := Import(data, func() ([]byte, error) { return []byte("correct horse u"), nil }); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("%s, wrong password: %v, want ErrWrongPassword", file, err)
				}
				if _, _, err := Import(data, nil); !errors.Is(err, ErrNeedPassword) {
					t.Errorf("%s, no password function: %v, want ErrNeedPassword", file, err)
				}
			}
			good("genpkey-aes256.pem")
			good("aes128-sha1.pem")
			good("aes192-sha512.pem")
			good("aes256-sha384.pem")
			good("des3-sha256.pem")

			refused := func(file, says string) {
				t.Helper()
				_, _, err := Import(readFile(t, filepath.Join(dir, file)), noPrompt(t))
				if !errors.Is(err, ErrUnsupportedEncryption) || !strings.Contains(err.Error(), says) ||
					!strings.Contains(err.Error(), "openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-new.pem") {
					t.Errorf("%s: %v, want ErrUnsupportedEncryption naming %q and the openssl command", file, err, says)
				}
				// The command the message gives must produce a key we read.
				openssl(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", file, "-passin", pass, "-passout", pass, "-out", "converted-"+file)
				good("converted-" + file)
			}
			refused("scrypt.pem", "scrypt")
			refused("pbes1.pem", "PBES1")
		})
	}
}

// checkSigns makes sure the private half survived the import (the
// decrypted DER is cleared afterwards) by signing and verifying.
func checkSigns(t *testing.T, name string, k *Key) {
	t.Helper()
	msg := sha256.Sum256([]byte("DKIM-Signature"))
	switch s := k.Signer.(type) {
	case *rsa.PrivateKey:
		sig, err := s.Sign(rand.Reader, msg[:], crypto.SHA256)
		if err != nil || rsa.VerifyPKCS1v15(&s.PublicKey, crypto.SHA256, msg[:], sig) != nil {
			t.Errorf("%s: the imported RSA key does not sign: %v", name, err)
		}
	case ed25519.PrivateKey:
		if !ed25519.Verify(s.Public().(ed25519.PublicKey), msg[:], ed25519.Sign(s, msg[:])) {
			t.Errorf("%s: the imported Ed25519 key does not sign", name)
		}
	}
}

// The ASN.1 of RFC 8018 with concrete types, so a table can bend it.
type (
	testPBKDF2Params struct {
		Salt      asn1.RawValue
		Iter      int
		KeyLength int                      `asn1:"optional"`
		PRF       pkix.AlgorithmIdentifier `asn1:"optional"`
	}
	testKDF struct {
		Algorithm asn1.ObjectIdentifier
		Params    testPBKDF2Params
	}
	testScheme struct {
		Algorithm asn1.ObjectIdentifier
		IV        []byte
	}
	testPBES2 struct {
		KDF    testKDF
		Scheme testScheme
	}
	testAlg struct {
		Algorithm asn1.ObjectIdentifier
		Params    testPBES2
	}
	testEPKI struct {
		Alg  testAlg
		Data []byte
	}
)

var (
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidAES128     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256     = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	testPRFs      = map[string]func() hash.Hash{"": sha1.New, oidHMACSHA1.String(): sha1.New, oidHMACSHA224.String(): sha256.New224,
		"1.2.840.113549.2.9": sha256.New, oidHMACSHA384.String(): sha512.New384, "1.2.840.113549.2.11": sha512.New}
	testAESKeyLens = map[string]int{oidAES128.String(): 16, oidAES192.String(): 24, oidAES256.String(): 32}
)

// pkcs7 pads as RFC 8018 section 6.1.1 step 4 says.
func pkcs7(b []byte) []byte {
	n := aes.BlockSize - len(b)%aes.BlockSize
	return append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
}

// seal encrypts already padded data as openssl would (AES-256-CBC,
// HMAC-SHA256, 1000 iterations), after edit bent the parameters. It
// derives with the edited PRF and cipher when it knows them.
func seal(t *testing.T, padded []byte, pw string, edit func(*testEPKI)) []byte {
	t.Helper()
	e := testEPKI{Alg: testAlg{oidPBES2, testPBES2{
		KDF: testKDF{oidPBKDF2, testPBKDF2Params{
			Salt: asn1.RawValue{Tag: asn1.TagOctetString, Bytes: []byte("saltsalt")}, Iter: 1000,
			PRF: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, Parameters: asn1.NullRawValue},
		}},
		Scheme: testScheme{oidAES256, bytes.Repeat([]byte{7}, aes.BlockSize)},
	}}}
	if edit != nil {
		edit(&e)
	}
	e.Data = padded
	kp := e.Alg.Params.KDF.Params
	prf, keyLen := testPRFs[kp.PRF.Algorithm.String()], testAESKeyLens[e.Alg.Params.Scheme.Algorithm.String()]
	if prf != nil && keyLen != 0 && kp.Iter > 0 && kp.Iter <= 100_000 && len(padded)%aes.BlockSize == 0 && len(e.Alg.Params.Scheme.IV) == aes.BlockSize {
		key, err := pbkdf2.Key(prf, pw, kp.Salt.Bytes, kp.Iter, keyLen)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := aes.NewCipher(key)
		e.Data = make([]byte, len(padded))
		cipher.NewCBCEncrypter(block, e.Alg.Params.Scheme.IV).CryptBlocks(e.Data, padded)
	}
	der, err := asn1.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// Parameters openssl does not write by default, and damaged or hostile
// ones, built here.
func TestDecryptPKCS8Parameters(t *testing.T) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(testKey(t, Ed25519).Signer)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "geheim"

	test := func(name string, der []byte, want error, says string) {
		t.Helper()
		prompted := false
		got, err := decryptPKCS8(der, func() ([]byte, error) { prompted = true; return []byte(pw), nil }, maxPBKDF2Iterations)
		if want == nil {
			if err != nil || !bytes.Equal(got, keyDER) {
				t.Errorf("%s: %v, plaintext %x", name, err, got)
			}
			return
		}
		if !errors.Is(err, want) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v, want %v saying %q", name, err, want, says)
		}
		if prompted && want != ErrWrongPassword {
			t.Errorf("%s: the password was asked for before the parameters were checked", name)
		}
	}
	prf := func(oid asn1.ObjectIdentifier) func(*testEPKI) {
		return func(e *testEPKI) { e.Alg.Params.KDF.Params.PRF.Algorithm = oid }
	}
	aesOf := func(oid asn1.ObjectIdentifier) func(*testEPKI) {
		return func(e *testEPKI) { e.Alg.Params.Scheme.Algorithm = oid }
	}
	padded := pkcs7(keyDER)
	test("AES-256, HMAC-SHA256", seal(t, padded, pw, nil), nil, "")
	test("default PRF (omitted)", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.PRF = pkix.AlgorithmIdentifier{} }), nil, "")
	test("HMAC-SHA224", seal(t, padded, pw, prf(oidHMACSHA224)), nil, "")
	test("HMAC-SHA384", seal(t, padded, pw, prf(oidHMACSHA384)), nil, "")
	test("AES-128", seal(t, padded, pw, aesOf(oidAES128)), nil, "")
	test("AES-192 with its keyLength", seal(t, padded, pw, func(e *testEPKI) {
		e.Alg.Params.Scheme.Algorithm, e.Alg.Params.KDF.Params.KeyLength = oidAES192, 24
	}), nil, "")
	test("one iteration", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.Iter = 1 }), nil, "")

	test("wrong password", seal(t, padded, "Geheim", nil), ErrWrongPassword, "wrong password")
	test("padding byte 0", seal(t, append(bytes.Clone(keyDER), make([]byte, 16-len(keyDER)%16)...), pw, nil), ErrWrongPassword, "wrong password")
	test("padding byte 17", seal(t, append(pkcs7(keyDER)[:len(padded)-1], 17), pw, nil), ErrWrongPassword, "wrong password")
	test("inconsistent padding", seal(t, append(bytes.Clone(padded[:len(padded)-3]), 2, 3, 3), pw, nil), ErrWrongPassword, "wrong password")
	test("good padding, not DER", seal(t, pkcs7(bytes.Repeat([]byte{0xA5}, 40)), pw, nil), ErrWrongPassword, "wrong password")
	test("good padding, DER with trailing bytes", seal(t, pkcs7(append(bytes.Clone(keyDER), 0)), pw, nil), ErrWrongPassword, "wrong password")

	test("too many iterations", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.Iter = maxPBKDF2Iterations + 1 }), ErrUnsupportedEncryption, "10000001 PBKDF2 iterations")
	test("zero iterations", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.Iter = 0 }), ErrNoKey, "not positive")
	test("negative iterations", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.Iter = -5 }), ErrNoKey, "not positive")
	test("oversized", bytes.Repeat([]byte{0x30}, maxEncryptedKeySize+1), ErrNoKey, "is this the right file")
	test("AES-GCM", seal(t, padded, pw, aesOf(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 46})), ErrUnsupportedEncryption, "cipher 2.16.840.1.101.3.4.1.46")
	test("HMAC-SHA512/256", seal(t, padded, pw, prf(asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 13})), ErrUnsupportedEncryption, "PBKDF2 function 1.2.840.113549.2.13")
	test("unknown KDF", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Algorithm = asn1.ObjectIdentifier{1, 2, 3} }), ErrUnsupportedEncryption, "unknown key derivation 1.2.3")
	test("unknown scheme", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Algorithm = asn1.ObjectIdentifier{1, 2, 3, 4} }), ErrUnsupportedEncryption, "unknown scheme 1.2.3.4")
	test("salt from another source", seal(t, padded, pw, func(e *testEPKI) {
		e.Alg.Params.KDF.Params.Salt = asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: []byte{6, 1, 42}}
	}), ErrUnsupportedEncryption, "otherSource")
	test("keyLength not the cipher's", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.KDF.Params.KeyLength = 16 }), ErrNoKey, "key length 16")
	test("short IV", seal(t, padded, pw, func(e *testEPKI) { e.Alg.Params.Scheme.IV = e.Alg.Params.Scheme.IV[:8] }), ErrNoKey, "IV is 8 bytes")
	test("data not whole blocks", seal(t, padded[:len(padded)-1], pw, nil), ErrNoKey, "whole number")
	test("no data", seal(t, nil, pw, nil), ErrNoKey, "whole number")
	test("trailing data", append(seal(t, padded, pw, nil), 0), ErrNoKey, "trailing data")
	test("not DER", []byte("hello"), ErrNoKey, "reading the encrypted key")

	if _, err := decryptPKCS8(seal(t, padded, pw, nil), func() ([]byte, error) { return nil, errors.ErrUnsupported }, maxPBKDF2Iterations); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("a failing password prompt: %v", err)
	}
}
