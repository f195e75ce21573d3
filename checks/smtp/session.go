package smtp

import (
	"bytes"
	"errors"

	"github.com/emersion/go-sasl"

	"mailwizard/checks"
)

// Encrypted reports whether the session runs over TLS. (go-smtp's own
// TLSConnectionState cannot tell: it sees our recording wrapper.)
func (s *Session) Encrypted() bool { return s.encrypted }

// Mechanisms lists the AUTH mechanisms the server offers.
func (s *Session) Mechanisms() []string {
	_, params := s.Client.Extension("AUTH")
	return fieldsUpper(params)
}

// Authenticate logs in with PLAIN, or LOGIN when only that is offered. It
// refuses to send credentials over a connection that is not encrypted,
// whatever the server offers: go-smtp would send them.
func (s *Session) Authenticate(username, password string) (string, error) {
	if !s.Encrypted() {
		return "", &Failure{PhaseAuth, errAuthWithoutTLS}
	}
	var client sasl.Client
	var mech string
	switch {
	case s.Client.SupportsAuth("PLAIN"):
		mech, client = "PLAIN", sasl.NewPlainClient("", username, password)
	case s.Client.SupportsAuth("LOGIN"):
		mech, client = "LOGIN", &loginClient{username: username, password: password}
	default:
		return "", &Failure{PhaseAuth, &noMechanismError{offered: s.Mechanisms()}}
	}
	if err := s.Client.Auth(client); err != nil {
		return mech, &Failure{PhaseAuth, err}
	}
	return mech, nil
}

// noMechanismError: the server offers no mechanism we can use.
type noMechanismError struct{ offered []string }

func (e *noMechanismError) Error() string { return e.text().String() }

// text is the error in words the faces translate.
func (e *noMechanismError) text() checks.Text {
	if len(e.offered) == 0 {
		return checks.T("smtp.no-auth-mechanism.none", "the server offers no authentication (no AUTH in its EHLO answer)")
	}
	return checks.T("smtp.no-auth-mechanism", "the server offers only %v; mailwizard logs in with PLAIN or LOGIN", e.offered)
}

// loginClient is SASL LOGIN that sends the username, then the password,
// whatever the server's prompts say: go-sasl's insists on exactly
// "Username:" and "Password:", which some servers word differently.
type loginClient struct {
	username, password string
	step               int
}

func (c *loginClient) Start() (string, []byte, error) { return "LOGIN", nil, nil }

func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	c.step++
	switch c.step {
	case 1:
		return []byte(c.username), nil
	case 2:
		return []byte(c.password), nil
	}
	return nil, errors.New("unexpected LOGIN challenge")
}

// TryMailFrom checks whether the server accepts from as a sender, then
// resets the transaction: nothing is sent.
func (s *Session) TryMailFrom(from string) error {
	if err := s.Client.Mail(from, nil); err != nil {
		return &Failure{PhaseMail, err}
	}
	if err := s.Client.Reset(); err != nil {
		return &Failure{PhaseMail, err}
	}
	return nil
}

// Send delivers one message.
func (s *Session) Send(from, to string, msg []byte) error {
	if err := s.Client.Mail(from, nil); err != nil {
		return &Failure{PhaseMail, err}
	}
	if err := s.Client.Rcpt(to, nil); err != nil {
		return &Failure{PhaseRcpt, err}
	}
	w, err := s.Client.Data()
	if err != nil {
		return &Failure{PhaseData, err}
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return &Failure{PhaseData, err}
	}
	if err := w.Close(); err != nil {
		return &Failure{PhaseData, err}
	}
	return nil
}

func fieldsUpper(s string) []string {
	var out []string
	for _, f := range bytes.Fields([]byte(s)) {
		out = append(out, string(bytes.ToUpper(f)))
	}
	return out
}
