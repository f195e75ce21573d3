package transports

import (
	"errors"
	"strings"
	"testing"
)

func smtpTransport() Transport {
	return Transport{
		Name:  "Relay via our server",
		Match: Match{Domain: "example.nl"},
		Type:  SMTP,
		SMTP: &SMTPSettings{
			Host: "smtp.example.nl", Port: 587, Encryption: EncryptSTARTTLS, CertCheck: CertStrict,
			Auth: AuthPassword, Username: "relay@example.nl", PasswordRef: "mailwizard/example.nl/relay/smtp-password",
			Mode: ModeRelay,
		},
	}
}

func hostedTransport() Transport {
	return Transport{Name: "ClockWise servers", Type: Hosted, Hosted: &HostedSettings{DKIM: DKIMSettings{Mode: DKIMGenerate, Selector: "clockwise"}}}
}

func TestTransportValidateAcceptsGoodTransports(t *testing.T) {
	ip := smtpTransport()
	ip.SMTP.Auth, ip.SMTP.Username, ip.SMTP.PasswordRef, ip.SMTP.Encryption = AuthIPAllowlist, "", "", EncryptNone
	ip.SMTP.Port = 25
	for _, tr := range []Transport{smtpTransport(), hostedTransport(), ip,
		{Name: "no-reply", Type: NoReply, NoReply: &NoReplySettings{ReplyToFrom: true}},
		{Name: "no-reply without settings", Type: NoReply},
		{Name: "SPF only", Type: Hosted, Hosted: &HostedSettings{DKIM: DKIMSettings{Mode: DKIMNone}}},
		{Name: "delegated", Type: Hosted, Hosted: &HostedSettings{DKIM: DKIMSettings{Mode: DKIMCNAME}}},
	} {
		if err := tr.Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", tr.Name, err)
		}
	}
}

// Every rule of the model, one bad value at a time: the error must name the
// field and say what is wrong.
func TestTransportValidateNamesTheField(t *testing.T) {
	test := func(name string, base func() Transport, mutate func(*Transport), field string, kind error, says string) {
		t.Helper()
		tr := base()
		mutate(&tr)
		err := tr.Validate()
		if err == nil {
			t.Errorf("%s: Validate accepted it", name)
			return
		}
		var list FieldErrors
		if !errors.As(err, &list) {
			t.Errorf("%s: error %v is not a FieldErrors", name, err)
			return
		}
		for _, fe := range list {
			if fe.Field == field && errors.Is(fe, kind) && strings.Contains(fe.Error(), says) {
				return
			}
		}
		t.Errorf("%s: error %q does not name %s (%v) saying %q", name, err, field, kind, says)
	}
	s := smtpTransport
	h := hostedTransport
	test("empty name", s, func(t *Transport) { t.Name = " " }, "name", ErrEmpty, "give the transport a name")
	test("name with LF", s, func(t *Transport) { t.Name = "a\nb" }, "name", ErrControlChar, "line feed")
	test("long name", s, func(t *Transport) { t.Name = strings.Repeat("n", 300) }, "name", ErrTooLong, "longer than 256")
	test("bad match domain", s, func(t *Transport) { t.Match.Domain = "exa mple.nl" }, "match.domain", ErrSyntax, "contains ' '")
	test("unicode match domain", s, func(t *Transport) { t.Match.Domain = "bücher.de" }, "match.domain", ErrNotCanonical, "xn--bcher-kva.de")
	test("bad match local part", s, func(t *Transport) { t.Match.LocalPart = "in fo" }, "match.local_part", ErrSyntax, "contains ' '")
	test("bad subsystem", s, func(t *Transport) { t.Match.Subsystem = "Billing Dept" }, "match.subsystem", ErrSyntax, "lower-case")
	test("unknown type", s, func(t *Transport) { t.Type = "carrier-pigeon" }, "type", ErrUnknownValue, "hosted, noreply, smtp")
	test("missing type", s, func(t *Transport) { t.Type = "" }, "type", ErrEmpty, "choose one of")
	test("two settings", s, func(t *Transport) { t.Hosted = &HostedSettings{} }, "hosted", ErrConflict, "type smtp")
	test("smtp without settings", s, func(t *Transport) { t.SMTP = nil }, "smtp", ErrEmpty, "needs a server")
	test("host with port", s, func(t *Transport) { t.SMTP.Host = "smtp.example.nl:587" }, "smtp.host", ErrSyntax, "own field")
	test("host with CRLF", s, func(t *Transport) { t.SMTP.Host = "smtp.example.nl\r\n" }, "smtp.host", ErrControlChar, "carriage return")
	test("host not canonical", s, func(t *Transport) { t.SMTP.Host = "SMTP.example.nl" }, "smtp.host", ErrNotCanonical, `"smtp.example.nl"`)
	test("port zero", s, func(t *Transport) { t.SMTP.Port = 0 }, "smtp.port", ErrOutOfRange, "1-65535")
	test("port too high", s, func(t *Transport) { t.SMTP.Port = 70000 }, "smtp.port", ErrOutOfRange, "70000")
	test("unknown encryption", s, func(t *Transport) { t.SMTP.Encryption = "ssl" }, "smtp.encryption", ErrUnknownValue, `"ssl"`)
	test("unknown cert check", s, func(t *Transport) { t.SMTP.CertCheck = "lax" }, "smtp.cert_check", ErrUnknownValue, "strict, skip")
	test("unknown auth", s, func(t *Transport) { t.SMTP.Auth = "oauth" }, "smtp.auth", ErrUnknownValue, "password")
	test("unknown mode", s, func(t *Transport) { t.SMTP.Mode = "" }, "smtp.mode", ErrEmpty, "relay, mailbox")
	test("password without user", s, func(t *Transport) { t.SMTP.Username = "" }, "smtp.username", ErrEmpty, "account name")
	test("user with CR", s, func(t *Transport) { t.SMTP.Username = "relay\r@example.nl" }, "smtp.username", ErrControlChar, "carriage return")
	test("password not stored", s, func(t *Transport) { t.SMTP.PasswordRef = "" }, "smtp.password_ref", ErrEmpty, "keychain")
	test("password in plaintext", s, func(t *Transport) { t.SMTP.Encryption = EncryptNone }, "smtp.encryption", ErrConflict, "unencrypted")
	test("password over optional TLS", s, func(t *Transport) { t.SMTP.Encryption = EncryptSTARTTLSOptional }, "smtp.encryption", ErrConflict, "unencrypted")
	test("allow-list with user", s, func(t *Transport) { t.SMTP.Auth = AuthIPAllowlist }, "smtp.username", ErrConflict, "sends no credentials")
	test("allow-list mailbox", s, func(t *Transport) {
		t.SMTP.Auth, t.SMTP.Username, t.SMTP.PasswordRef, t.SMTP.Mode = AuthIPAllowlist, "", "", ModeMailbox
	}, "smtp.mode", ErrConflict, "needs a login")
	test("hosted without settings", h, func(t *Transport) { t.Hosted = nil }, "hosted", ErrEmpty, "DKIM settings")
	test("unknown DKIM mode", h, func(t *Transport) { t.Hosted.DKIM.Mode = "maybe" }, "hosted.dkim.mode", ErrUnknownValue, `"maybe"`)
	test("generated key without selector", h, func(t *Transport) { t.Hosted.DKIM.Selector = "" }, "hosted.dkim.selector", ErrEmpty, "empty")
	test("selector upper case", h, func(t *Transport) { t.Hosted.DKIM.Selector = "ClockWise" }, "hosted.dkim.selector", ErrNotCanonical, `"clockwise"`)
	test("selector with domainkey", h, func(t *Transport) { t.Hosted.DKIM.Selector = "cw._domainkey" }, "hosted.dkim.selector", ErrSyntax, "._domainkey")
	test("selector without DKIM", h, func(t *Transport) { t.Hosted.DKIM.Mode = DKIMNone }, "hosted.dkim.selector", ErrConflict, "DKIM is off")
}

func TestListValidateUniqueNames(t *testing.T) {
	a, b := smtpTransport(), smtpTransport()
	b.Name = " relay VIA our server"
	err := List{a, b}.Validate()
	if FirstField(err) != "[1].name" || !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate names: error = %v, want [1].name conflict", err)
	}
	b.SMTP.Port = 0
	b.Name = "other"
	if FirstField(List{a, b}.Validate()) != "[1].smtp.port" {
		t.Errorf("list errors are not prefixed with the index: %v", List{a, b}.Validate())
	}
}

func TestDefaultPort(t *testing.T) {
	if DefaultPort(EncryptTLS) != 465 || DefaultPort(EncryptSTARTTLS) != 587 || DefaultPort(EncryptNone) != 587 {
		t.Error("DefaultPort: want 465 for implicit TLS, 587 otherwise")
	}
}
