package transports

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// A document written by the first mailwizard (version 1: evidence without
// what it saw) is still read and validated as it is, and written again
// only as version 2, its evidence tied to the settings it proved.
func TestVersion1StaysReadable(t *testing.T) {
	doc, err := ReadFile(goldenV1)
	if err != nil {
		t.Fatalf("a version 1 document is refused: %v", err)
	}
	if doc.Version != 1 || len(doc.Evidence) != 1 || doc.Evidence[0].TLS != nil || doc.Evidence[0].Settings != "" {
		t.Fatalf("read as %+v", doc)
	}
	if _, err := doc.Marshal(); FirstField(err) != "version" || !errors.Is(err, ErrUnknownValue) {
		t.Errorf("Marshal of a version 1 document: %v, want it refused naming the version", err)
	}
	doc.Upgrade()
	relay := doc.Transports.Find("Relay via our server").SMTP
	if doc.Version != ConfigVersion || doc.Evidence[0].Settings != relay.Fingerprint() ||
		doc.Evidence[0].Settings != "smtp.example.nl:587 starttls strict password relay@example.nl relay" {
		t.Errorf("upgraded: version %d, settings %q", doc.Version, doc.Evidence[0].Settings)
	}
	raw, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"version": 2`) {
		t.Errorf("an upgraded document is not written as version 2:\n%s", raw)
	}
	back, err := Parse(raw)
	if err != nil || !reflect.DeepEqual(back, doc) {
		t.Errorf("the upgraded document does not read back: %v", err)
	}

	// The schema the service checks uploads with takes both versions.
	v1, _ := os.ReadFile(goldenV1)
	if err := CheckSchema("config", v1); err != nil {
		t.Errorf("the schema refuses version 1: %v", err)
	}
	v3 := strings.Replace(string(raw), `"version": 2`, `"version": 3`, 1)
	if err := CheckSchema("config", []byte(v3)); FirstField(err) != "version" {
		t.Errorf("the schema accepts version 3: %v", err)
	}
}

// Every setting a check depends on changes the fingerprint; the password
// reference and the letter case of the host do not.
func TestFingerprint(t *testing.T) {
	base := smtpTransport().SMTP
	want := base.Fingerprint()
	if want != "smtp.example.nl:587 starttls strict password relay@example.nl relay" {
		t.Errorf("fingerprint %q", want)
	}
	test := func(name string, edit func(s *SMTPSettings), same bool) {
		t.Helper()
		s := *smtpTransport().SMTP
		edit(&s)
		if got := s.Fingerprint(); (got == want) != same {
			t.Errorf("%s: fingerprint %q, base %q, same=%v", name, got, want, same)
		}
	}
	test("host", func(s *SMTPSettings) { s.Host = "mail.example.nl" }, false)
	test("port", func(s *SMTPSettings) { s.Port = 465 }, false)
	test("encryption", func(s *SMTPSettings) { s.Encryption = EncryptTLS }, false)
	test("certificate check", func(s *SMTPSettings) { s.CertCheck = CertSkip }, false)
	test("authentication", func(s *SMTPSettings) { s.Auth, s.Username, s.PasswordRef = AuthIPAllowlist, "", "" }, false)
	test("username", func(s *SMTPSettings) { s.Username = "anna@example.nl" }, false)
	test("mode", func(s *SMTPSettings) { s.Mode = ModeMailbox }, false)
	test("password reference", func(s *SMTPSettings) { s.PasswordRef = "elsewhere" }, true)
	test("host as typed", func(s *SMTPSettings) { s.Host = "SMTP.Example.NL" }, true)
}
