package secrets

import (
	"context"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// exportDocument is a document with an SMTP password and a DKIM key, both
// in store.
func exportDocument(t *testing.T, store Store) (*transports.Document, string, string) {
	t.Helper()
	key, err := dkimkey.Generate(context.Background(), dkimkey.RSA2048)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := dkimkey.NewRecord(key, "example.nl", "clockwise-202611")
	pemData, _ := key.PEM()
	password := "Zomer2026!relay"
	pwRef, keyRef := SMTPPasswordRef("example.nl", "relay"), DKIMKeyRef("example.nl", "clockwise-202611")
	store.Set(pwRef, password)
	store.Set(keyRef, string(pemData))
	doc := &transports.Document{
		Version: transports.ConfigVersion, Created: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Provider: "clockwise", Domain: "example.nl",
		Transports: transports.List{
			{Name: "relay", Type: transports.SMTP, SMTP: &transports.SMTPSettings{Host: "smtp.example.nl", Port: 587, Encryption: transports.EncryptSTARTTLS,
				CertCheck: transports.CertStrict, Auth: transports.AuthPassword, Username: "relay@example.nl", PasswordRef: pwRef, Mode: transports.ModeRelay}},
			{Name: "hosted", Type: transports.Hosted, Hosted: &transports.HostedSettings{DKIM: transports.DKIMSettings{Mode: transports.DKIMGenerate, Selector: "clockwise-202611"}}},
		},
		DKIM: []transports.DKIMKey{{Selector: "clockwise-202611", Algorithm: rec.Algorithm, RecordName: rec.Name, RecordValue: rec.Value, Fingerprint: rec.Fingerprint, PrivateKeyRef: keyRef}},
	}
	return doc, password, string(pemData)
}

func TestAttachSecretsSealed(t *testing.T) {
	id, err := age.GenerateX25519Identity() // the service's key, made for this test
	if err != nil {
		t.Fatal(err)
	}
	store := NewMemory()
	doc, password, pemData := exportDocument(t, store)
	warns, err := AttachSecrets(doc, store, ExportOptions{Recipient: id.Recipient().String()})
	if err != nil || len(warns) != 0 {
		t.Fatalf("AttachSecrets: %v, warnings %v", err, warns)
	}
	raw, err := doc.Marshal()
	if err != nil {
		t.Fatalf("the sealed document does not validate: %v", err)
	}
	body := strings.Split(pemData, "\n")[3] // a line of the key's base64
	if strings.Contains(string(raw), password) || strings.Contains(string(raw), body) {
		t.Fatal("a secret appears in plain text in the sealed document")
	}
	back, err := transports.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range back.Secrets {
		plain, err := Unseal(id.String(), s.Sealed)
		if err != nil {
			t.Fatalf("unsealing %s: %v", s.Ref, err)
		}
		got[s.Kind] = string(plain)
	}
	if got[KindSMTPPassword] != password || got[KindDKIMKey] != pemData {
		t.Errorf("unsealed secrets differ from the stored ones")
	}
	other, _ := age.GenerateX25519Identity()
	if _, err := Unseal(other.String(), back.Secrets[0].Sealed); err == nil {
		t.Error("another identity opened the sealed secret")
	}
}

func TestAttachSecretsWithoutRecipient(t *testing.T) {
	store := NewMemory()
	doc, password, _ := exportDocument(t, store)
	warns, err := AttachSecrets(doc, store, ExportOptions{})
	if err != nil || len(doc.Secrets) != 0 || len(warns) != 1 || !strings.Contains(warns[0].String(), "carries no secrets") {
		t.Fatalf("no recipient: %v, %d secrets, warnings %v", err, len(doc.Secrets), warns)
	}
	warns, err = AttachSecrets(doc, store, ExportOptions{Plaintext: true})
	if err != nil || len(doc.Secrets) != 2 || len(warns) != 1 || !strings.Contains(warns[0].String(), "plain text") {
		t.Fatalf("plaintext: %v, %d secrets, warnings %v", err, len(doc.Secrets), warns)
	}
	raw, err := doc.Marshal()
	if err != nil || !strings.Contains(string(raw), password) {
		t.Errorf("the plain-text export: %v", err)
	}
	store.Delete(SMTPPasswordRef("example.nl", "relay"))
	if _, err := AttachSecrets(doc, store, ExportOptions{Plaintext: true}); err == nil || !strings.Contains(err.Error(), `"relay" is not in the keychain`) {
		t.Errorf("a missing secret: %v", err)
	}
}

func TestDocumentRefusesBadSecrets(t *testing.T) {
	store := NewMemory()
	doc, _, _ := exportDocument(t, store)
	id, _ := age.GenerateX25519Identity()
	AttachSecrets(doc, store, ExportOptions{Recipient: id.Recipient().String()})
	test := func(name string, edit func(s *transports.ExportedSecret), field string) {
		t.Helper()
		d := *doc
		d.Secrets = append([]transports.ExportedSecret(nil), doc.Secrets...)
		edit(&d.Secrets[0])
		if _, err := d.Marshal(); transports.FirstField(err) != field {
			t.Errorf("%s: error %v, want field %s", name, err, field)
		}
	}
	test("unknown ref", func(s *transports.ExportedSecret) { s.Ref = DKIMKeyRef("example.nl", "other") }, "secrets[0].ref")
	test("both forms", func(s *transports.ExportedSecret) { s.Plaintext = "x" }, "secrets[0].sealed")
	test("not armoured", func(s *transports.ExportedSecret) { s.Sealed = "hello" }, "secrets[0].sealed")
	test("kind mismatch", func(s *transports.ExportedSecret) { s.Kind = KindSMTPPassword }, "secrets[0].kind")
}

func TestRefs(t *testing.T) {
	ref := SMTPPasswordRef("example.nl", "Relay / backup")
	d, owner, kind, err := ParseRef(ref)
	if err != nil || d != "example.nl" || owner != "Relay / backup" || kind != KindSMTPPassword {
		t.Errorf("ParseRef(%q) = %q %q %q %v", ref, d, owner, kind, err)
	}
	for _, bad := range []transports.SecretRef{"", "a/b", "a/b/c/d", "a//c", "a/%zz/c"} {
		if _, _, _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
	m := NewMemory()
	m.Set(SMTPPasswordRef("a.nl", "x"), "1")
	m.Set(DKIMKeyRef("a.nl", "s"), "2")
	m.Set(SMTPPasswordRef("b.nl", "x"), "3")
	if n, _ := m.Forget("a.nl"); n != 2 {
		t.Errorf("Memory.Forget = %d", n)
	}
	if v, err := m.Get(SMTPPasswordRef("b.nl", "x")); v != "3" || err != nil {
		t.Errorf("Memory lost another domain: %q %v", v, err)
	}
	if err := m.Set("bad", "x"); err == nil {
		t.Error("Memory accepted a malformed reference")
	}
}
