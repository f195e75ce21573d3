package wizard

import (
	"crypto/x509"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/smtp"
	"mailwizard/transports/secrets"
)

// Env is what the steps' actions reach the world through. Both faces
// build one from their flags; tests give loopback DNS and SMTP servers, a
// real or in-memory secret store and a clock. Deadlines come from the
// context each action is given, set by the face that calls it.
type Env struct {
	DNS     *dnsq.Client  // recursive and authoritative DNS
	Dialer  smtp.Dialer   // nil: names resolved through DNS, then dialled
	Secrets secrets.Store // the keychain, or memory
	Now     func() time.Time
	// RootCAs verifies SMTP servers' certificates; nil: the system's.
	RootCAs *x509.CertPool
	// SMTPTimeouts bound each connect and command; zero: the defaults.
	SMTPTimeouts smtp.Timeouts
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) dialer() smtp.Dialer {
	if e.Dialer != nil {
		return e.Dialer
	}
	return &smtp.ResolvingDialer{Resolver: e.DNS}
}

func (e *Env) smtpTimeouts() smtp.Timeouts {
	if e.SMTPTimeouts == (smtp.Timeouts{}) {
		return smtp.DefaultTimeouts
	}
	return e.SMTPTimeouts
}

// Time is the Env's clock now.
func (e *Env) Time() time.Time { return e.now() }
