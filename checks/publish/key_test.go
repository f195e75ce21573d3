package publish

import (
	"errors"
	"strings"
	"testing"

	"mailwizard/transports"
)

const secret = "mwyuSm/ZU4z/K8Gjhv34rkWVnV/+lVWSgSuQIyCfdfU="

// A key is given as three fields, or its secret field holds the whole
// key as the server's tool printed it; each wrong field is named.
func TestNewKey(t *testing.T) {
	test := func(name, algorithm, secretIn string, want Key, wantField, wantWords string) {
		t.Helper()
		got, err := NewKey(name, algorithm, secretIn)
		if wantField == "" {
			if err != nil || got != want {
				t.Errorf("NewKey(%q, %q, %q) = %+v, %v; want %+v", name, algorithm, secretIn, got, err, want)
			}
			return
		}
		var fe *transports.FieldError
		if !errors.As(err, &fe) || fe.Field != wantField || !strings.Contains(err.Error(), wantWords) {
			t.Errorf("NewKey(%q, %q, %q) = %v; want an error on %s saying %q", name, algorithm, secretIn, err, wantField, wantWords)
		}
	}
	mw := Key{Name: "mailwizard.", Algorithm: "hmac-sha256.", Secret: secret}
	test("mailwizard", "", secret, mw, "", "")
	test("MailWizard.", "HMAC-SHA256", " "+secret+"\n", mw, "", "")
	test("mailwizard", "hmac-sha256", strings.TrimRight(secret, "="), mw, "", "")
	test("mailwizard", "hmac-sha512", secret, Key{Name: "mailwizard.", Algorithm: "hmac-sha512.", Secret: secret}, "", "")
	test("ddns-key.example.nl", "", secret, Key{Name: "ddns-key.example.nl.", Algorithm: "hmac-sha256.", Secret: secret}, "", "")
	// The key as tsig-keygen prints it, pasted whole.
	clause := "key \"mailwizard\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n"
	test("", "", clause, mw, "", "")
	test("mailwizard", "", clause, mw, "", "")
	test("other", "", clause, Key{}, FieldSecret, `holds the key "mailwizard", not "other"`)
	test("", "hmac-sha512", clause, Key{}, FieldSecret, "is a key of algorithm hmac-sha256, not hmac-sha512")
	test("", "", "key:\n  - id: mailwizard\n    algorithm: hmac-sha256\n    secret: "+secret+"\n", mw, "", "")
	test("", "", "hmac-sha256:mailwizard:"+secret, mw, "", "")
	test("", "", "mailwizard:"+secret, mw, "", "")

	test("", "", secret, Key{}, FieldKeyName, "is empty")
	test("mail wizard", "", secret, Key{}, FieldKeyName, "contains")
	test("mailwizard\r\nx", "", secret, Key{}, FieldKeyName, "carriage return")
	test("mailwizard", "hmac-md5", secret, Key{}, FieldAlgorithm, "hmac-md5 is broken")
	test("mailwizard", "hmac-sha1", secret, Key{}, FieldAlgorithm, "not recommended")
	test("mailwizard", "gss-tsig", secret, Key{}, FieldAlgorithm, "Kerberos")
	test("mailwizard", "sha256", secret, Key{}, FieldAlgorithm, `"sha256" is not one of hmac-sha256, hmac-sha512`)
	test("mailwizard", "", "", Key{}, FieldSecret, "is empty")
	test("mailwizard", "", "not base64!", Key{}, FieldSecret, "is not base64")
	test("mailwizard", "", strings.Repeat("QUFB", 400), Key{}, FieldSecret, "is 1200 bytes")
	test("", "", `key "mailwizard" { algorithm hmac-sha256; };`, Key{}, FieldSecret, "its secret is missing")
	test("", "", `key "a" { secret "`+secret+`"; }; key "b" { secret "`+secret+`"; };`, Key{}, FieldSecret, "more than one key")
	test("", "", `key "mailwizard" { algorithm hmac-sha256 secret "x"; };`, Key{}, FieldSecret, "not a key statement")
	test("", "", `key "mailwizard" { /* unended`, Key{}, FieldSecret, "does not end")
}

// Whatever is pasted, reading a key never panics and anything it accepts
// is a key miekg/dns can sign with.
func FuzzNewKey(f *testing.F) {
	for _, s := range []string{secret, "key \"mw\" {\n\talgorithm hmac-sha512;\n\tsecret \"" + secret + "\";\n};",
		"# comment\nkey mw { algorithm hmac-sha256; // c\n secret \"" + secret + "\"; /* c */ };",
		"key:\n  - id: mw\n    algorithm: hmac-sha384\n    secret: " + secret, "hmac-sha224:mw:" + secret, "mw:" + secret,
		"key \"", "key {", "/*", "a:b:c:d", "key:\n- id: a\n- id: b"} {
		f.Add("", "", s)
	}
	f.Add("mailwizard", "hmac-sha256", secret)
	f.Fuzz(func(t *testing.T, name, algorithm, secretIn string) {
		k, err := NewKey(name, algorithm, secretIn)
		if err != nil {
			var fe *transports.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v names no field", err)
			}
			return
		}
		if !strings.HasSuffix(k.Name, ".") || k.Secret == "" {
			t.Fatalf("accepted %+v", k)
		}
		if _, err := checkSecret(k.Secret); err != nil {
			t.Fatalf("accepted a secret that does not decode: %v", err)
		}
		if again, err := NewKey(k.Name, k.Algorithm, k.Secret); err != nil || again != k {
			t.Fatalf("the key does not read back: %+v, %v", again, err)
		}
	})
}
