package dkimkey

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

// keys are generated once per test binary: RSA-4096 takes seconds.
var keys = struct {
	sync.Mutex
	m map[Algorithm]*Key
}{m: map[Algorithm]*Key{}}

func testKey(t testing.TB, a Algorithm) *Key {
	t.Helper()
	keys.Lock()
	defer keys.Unlock()
	if k := keys.m[a]; k != nil {
		return k
	}
	k, err := Generate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	keys.m[a] = k
	return k
}

func TestGenerateAndRecord(t *testing.T) {
	for _, a := range Algorithms {
		t.Run(string(a), func(t *testing.T) {
			k := testKey(t, a)
			if k.Algorithm() != a {
				t.Errorf("Algorithm() = %s", k.Algorithm())
			}
			r, err := NewRecord(k, "Bücher.DE", "Mail-202611")
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != "mail-202611._domainkey.xn--bcher-kva.de" || r.RelativeName != "mail-202611._domainkey" {
				t.Errorf("record name %q / %q", r.Name, r.RelativeName)
			}
			wantPrefix := "v=DKIM1; k=rsa; p=MII"
			if a == Ed25519 {
				wantPrefix = "v=DKIM1; k=ed25519; p="
			}
			if !strings.HasPrefix(r.Value, wantPrefix) || strings.Contains(r.Value, "h=") {
				t.Errorf("value %q", r.Value)
			}
			for i, s := range r.Strings {
				if len(s) > 255 {
					t.Errorf("string %d is %d bytes long", i, len(s))
				}
			}
			if strings.Join(r.Strings, "") != r.Value {
				t.Error("the strings do not join to the value")
			}
			if a == RSA2048 && len(r.Strings) != 2 || a == RSA4096 && len(r.Strings) != 3 || a == Ed25519 && len(r.Strings) != 1 {
				t.Errorf("%s splits into %d strings", a, len(r.Strings))
			}
			if !strings.HasPrefix(r.ZoneLine, r.Name+".\t3600\tIN\tTXT\t\"v=DKIM1;") || strings.Count(r.ZoneLine, `"`) != 2*len(r.Strings) {
				t.Errorf("zone line %q", r.ZoneLine)
			}
			if !strings.HasPrefix(r.Fingerprint, "SHA256:") || len(r.Fingerprint) != 7+44 {
				t.Errorf("fingerprint %q", r.Fingerprint)
			}
			pemData, err := k.PEM()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(r.ZoneLine+r.Value+r.Fingerprint, string(pemData[40:80])) {
				t.Error("the record contains private key material")
			}
		})
	}
}

// A key made here signs a message with go-msgauth (relaxed/relaxed, as
// the services sign) and the signature verifies against the record rendered
// here, served whole and as the split strings a DNS server returns.
func TestSignatureVerifiesAgainstRecord(t *testing.T) {
	for _, a := range []Algorithm{RSA2048, RSA4096, Ed25519} {
		t.Run(string(a), func(t *testing.T) {
			k := testKey(t, a)
			r, err := NewRecord(k, "example.nl", "clockwise-202611")
			if err != nil {
				t.Fatal(err)
			}
			msg := "From: Facturen <facturen@example.nl>\r\nTo: klant@example.com\r\nSubject: Factuur 2026-114\r\n" +
				"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <1@example.nl>\r\n\r\nBijgaand de factuur.\r\n"
			var signed bytes.Buffer
			err = dkim.Sign(&signed, strings.NewReader(msg), &dkim.SignOptions{
				Domain: "example.nl", Selector: "clockwise-202611", Signer: k.Signer,
				HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
			})
			if err != nil {
				t.Fatal(err)
			}
			lookup := func(name string) ([]string, error) {
				if name != r.Name {
					return nil, errors.New("no such record: " + name)
				}
				return []string{strings.Join(r.Strings, "")}, nil // one string per record, pieces joined
			}
			signedMsg := signed.Bytes()
			verifs, err := dkim.VerifyWithOptions(bytes.NewReader(signedMsg), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil {
				t.Fatal(err)
			}
			if len(verifs) != 1 || verifs[0].Err != nil {
				t.Fatalf("verification: %+v", verifs[0])
			}

			other := testKey(t, RSA3072)
			if a != RSA3072 {
				r2, _ := NewRecord(other, "example.nl", "clockwise-202611")
				lookup2 := func(string) ([]string, error) { return []string{r2.Value}, nil }
				v2, _ := dkim.VerifyWithOptions(bytes.NewReader(signedMsg), &dkim.VerifyOptions{LookupTXT: lookup2})
				if len(v2) != 1 || v2[0].Err == nil {
					t.Errorf("a signature verified against another key's record: %+v", v2)
				}
			}
		})
	}
}

func TestGenerateIsCancellable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	_, err := Generate(ctx, RSA4096)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate with a cancelled context: %v", err)
	}
	// Returning must not wait for the 4096-bit generation, which takes
	// seconds; half a second is far above a select on a closed channel.
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("a cancelled Generate took %v", d)
	}
	if _, err := Generate(context.Background(), "rsa8192"); err == nil {
		t.Error("an unknown algorithm was accepted")
	}
}

func TestSuggestSelector(t *testing.T) {
	now := time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	for prefix, want := range map[string]string{
		"clockwise":                   "clockwise-202611",
		"Spacewell Workplace Mgmt":    "spacewell-workplace-mgmt-202611",
		"":                            "mail-202611",
		"--ACME__mailer--":            "acme-mailer-202611",
		strings.Repeat("abcdefgh", 9): strings.Repeat("abcdefgh", 5) + "-202611",
	} {
		got := SuggestSelector(prefix, now)
		if got != want {
			t.Errorf("SuggestSelector(%q) = %q, want %q", prefix, got, want)
		}
	}
}

// rsaKeyOfBits builds an RSA key of any size by hand: Go refuses to
// generate keys under 1024 bits, but admins still have such keys.
func rsaKeyOfBits(t *testing.T, bits int) *rsa.PrivateKey {
	t.Helper()
	for {
		p, _ := rand.Prime(rand.Reader, bits/2)
		q, _ := rand.Prime(rand.Reader, bits/2)
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		one := big.NewInt(1)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(big.NewInt(65537), phi)
		if d == nil {
			continue
		}
		return &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
	}
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestImport(t *testing.T) {
	rsaKey := testKey(t, RSA2048).Signer.(*rsa.PrivateKey)
	pkcs1 := pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))
	pkcs8, _ := testKey(t, RSA2048).PEM()
	ed8, _ := testKey(t, Ed25519).PEM()
	// The legacy format old tools write (deprecated in Go, still met).
	//lint:ignore SA1019 a key in the legacy format older tools write, to test reading it
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("geheim"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encrypted := pem.EncodeToMemory(encBlock)
	password := func(pw string) PasswordFunc { return func() ([]byte, error) { return []byte(pw), nil } }
	body := strings.Join(strings.Split(string(pkcs8), "\n")[1:len(strings.Split(string(pkcs8), "\n"))-2], "\n")

	good := func(name string, data []byte, pw PasswordFunc, algo Algorithm) {
		t.Helper()
		k, warns, err := Import(data, pw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if k.Algorithm() != algo || len(warns) != 0 {
			t.Errorf("%s: algorithm %s, warnings %v", name, k.Algorithm(), warns)
		}
	}
	good("PKCS#1", pkcs1, nil, RSA2048)
	good("PKCS#8", pkcs8, nil, RSA2048)
	good("Ed25519 PKCS#8", ed8, nil, Ed25519)
	good("Windows line ends and BOM", append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(pkcs1, []byte("\n"), []byte("\r\n"))...), nil, RSA2048)
	good("certificate first", append(pemOf("CERTIFICATE", []byte{1, 2, 3}), pkcs8...), nil, RSA2048)
	good("bare base64 pasted from a form", []byte(body), nil, RSA2048)
	good("legacy encrypted", encrypted, password("geheim"), RSA2048)

	bad := func(name string, data []byte, pw PasswordFunc, kind error, says string) {
		t.Helper()
		_, _, err := Import(data, pw)
		if !errors.Is(err, kind) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: error %v, want %v saying %q", name, err, kind, says)
		}
	}
	bad("wrong password", encrypted, password("fout"), ErrWrongPassword, "wrong password")
	bad("no password given", encrypted, nil, ErrNeedPassword, "password")
	bad("PKCS#8 encrypted, damaged", pemOf("ENCRYPTED PRIVATE KEY", []byte{1}), nil, ErrNoKey, "reading the encrypted key")
	bad("EC key", pemOf("EC PRIVATE KEY", []byte{1}), nil, ErrUnsupportedKey, "ECDSA")
	bad("OpenSSH key", pemOf("OPENSSH PRIVATE KEY", []byte{1}), nil, ErrUnsupportedKey, "ssh-keygen")
	bad("public key only", pemOf("PUBLIC KEY", []byte{1}), nil, ErrNoKey, "not the certificate or public key")
	bad("truncated PEM", pkcs8[:len(pkcs8)/2], nil, ErrNoKey, "damaged")
	bad("garbage", []byte("hello"), nil, ErrNoKey, "-----BEGIN PRIVATE KEY-----")
	bad("broken DER", pemOf("PRIVATE KEY", []byte{0x30, 0x03, 1, 2, 3}), nil, ErrNoKey, "does not parse")
	bad("512-bit RSA", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKeyOfBits(t, 512))), nil, ErrKeyTooWeak, "512 bits")

	_, warns, err := Import(pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKeyOfBits(t, 1024))), nil)
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], "1024 bits") {
		t.Errorf("1024-bit RSA: %v, warnings %v", err, warns)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, a := range Algorithms {
		b.Run(string(a), func(b *testing.B) {
			for b.Loop() {
				if _, err := Generate(context.Background(), a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
