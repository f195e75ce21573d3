package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"mailwizard/transports"
)

// TestValidationErrorsInDutch renders what transports' checks return:
// every field by its own name, each message in Dutch.
func TestValidationErrorsInDutch(t *testing.T) {
	nl, en := New(Dutch), New(English)
	s := transports.SMTPSettings{Host: "smtp.example.nl", Port: 70000, Encryption: transports.EncryptNone,
		CertCheck: transports.CertStrict, Mode: transports.ModeRelay, Auth: transports.AuthPassword, Username: "anna"}
	err := s.Validate()
	var fes transports.FieldErrors
	if !errors.As(err, &fes) || len(fes) < 3 {
		t.Fatalf("Validate = %v, want several field errors", err)
	}
	if got := en.Error(err); got != err.Error() {
		t.Errorf("English = %q, want err.Error() %q", got, err.Error())
	}
	got := nl.Error(err)
	for _, want := range []string{
		"port: 70000 is geen TCP-poort: gebruik 1-65535",
		"password_ref: is leeg: het wachtwoord moet eerst in de sleutelhanger staan",
		"encryption: none kan het wachtwoord onversleuteld versturen",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Dutch lacks %q:\n%s", want, got)
		}
	}
	for _, fe := range fes {
		if msg := nl.Error(fe.Err); msg == fe.Err.Error() {
			t.Errorf("%s: %q is still English", fe.Field, msg)
		}
	}

	test := func(err error, want string) {
		t.Helper()
		if got := nl.Error(err); got != want {
			t.Errorf("Dutch %q, want %q", got, want)
		}
	}
	_, err = transports.NormalizeDomain("anna@example.nl")
	test(err, `"anna@example.nl" is een adres, geen domein: gebruik het deel na de @`)
	test(transports.CheckText("a\rb"), "bevat een regelterugloop (CR) op positie 2: verwijder het (vaak per ongeluk meegeplakt)")
	test(transports.ErrEmpty, "is leeg")
	test(fmt.Errorf("--port: %w", transports.CheckPort(0)), "--port: 0 is geen TCP-poort: gebruik 1-65535")
	_, err = transports.LoadProvider("no-such-service")
	if got := nl.Error(err); !strings.HasPrefix(got, `onbekende provider "no-such-service": gebruik een van `) {
		t.Errorf("unknown provider in Dutch = %q", got)
	}
	// Errors that are not ours stay as they are.
	test(errors.New("dial tcp: connection refused"), "dial tcp: connection refused")
	test(nil, "")
}
