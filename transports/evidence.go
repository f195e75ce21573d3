package transports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"mailwizard/texts"
)

// Origin says where a validation ran.
type Origin string

const (
	// OriginAdminDesk: run from the admin's machine. It proves credentials,
	// TLS and send-as rights, not that the service's servers can reach the
	// host: their network and firewall rules differ.
	OriginAdminDesk Origin = "admin-desk"
	OriginService   Origin = "service"
)

// Evidence records one validation: what passed or failed, when, where, and
// (since version 2) what was seen. Detail stays the sentence for people;
// the fields before it are for the service to read.
type Evidence struct {
	Check     string `json:"check"` // e.g. "smtp.verify", "dns.spf"
	Transport string `json:"transport,omitempty"`
	// Settings is the Fingerprint of the SMTP settings the check ran with:
	// evidence taken with other settings does not prove these.
	Settings string    `json:"settings,omitempty"`
	Passed   bool      `json:"passed"`
	At       time.Time `json:"at"` // for a verification: when the code was confirmed
	Server   string    `json:"server,omitempty"`
	Origin   Origin    `json:"origin,omitempty"`
	TLS      *TLSSeen  `json:"tls,omitempty"`
	// Auth is the login's outcome in words: "PLAIN accepted", or "none:
	// the service's IP ranges are allow-listed".
	Auth   string `json:"auth,omitempty"`
	Sender string `json:"sender,omitempty"` // the address tried or sent as
	// Record and Nameservers: the DNS name checked and the authoritative
	// servers that served the expected record.
	Record      string   `json:"record,omitempty"`
	Nameservers []string `json:"nameservers,omitempty"`
	Detail      string   `json:"detail,omitempty"`
}

// TLSSeen is the encrypted connection a check saw and the server's
// certificate.
type TLSSeen struct {
	Version  string    `json:"version"` // "TLS 1.3"
	Cipher   string    `json:"cipher,omitempty"`
	Subject  string    `json:"subject,omitempty"` // the certificate's
	Issuer   string    `json:"issuer,omitempty"`
	NotAfter time.Time `json:"not_after,omitzero"`
	// Verified: the certificate chains to a trusted root and names the host.
	Verified bool `json:"verified"`
}

// Fingerprint names the SMTP settings a check depends on, so that evidence
// can be tied to them: "smtp.example.nl:587 starttls strict password
// relay@example.nl relay". It holds no secret: a new password is not seen.
func (s *SMTPSettings) Fingerprint() string {
	host := s.Host
	if h, err := NormalizeHost(host); err == nil {
		host = h
	}
	f := []string{host + ":" + strconv.Itoa(s.Port), string(s.Encryption), string(s.CertCheck), string(s.Auth)}
	if s.Auth == AuthPassword {
		f = append(f, strings.ToLower(s.Username))
	}
	return strings.Join(append(f, string(s.Mode)), " ")
}

// Upgrade brings a document read from an older version to this one, in
// place. Version 1 evidence carries no settings fingerprint; the document
// offered it as proof of the transport it names, so it is stamped with
// that transport's settings as the document holds them.
func (d *Document) Upgrade() {
	if d.Version >= ConfigVersion {
		return
	}
	for i := range d.Evidence {
		ev := &d.Evidence[i]
		if t := d.Transports.Find(ev.Transport); ev.Transport != "" && t != nil && t.SMTP != nil && ev.Settings == "" {
			ev.Settings = t.SMTP.Fingerprint()
		}
	}
	d.Version = ConfigVersion
}

func (e Evidence) validate(list List) error {
	var errs FieldErrors
	if e.Check == "" {
		errs.add("check", ErrEmpty)
	} else {
		errs.add("check", CheckText(e.Check))
	}
	if e.Transport != "" && list.Find(e.Transport) == nil {
		errs.add("transport", texts.Err(ErrConflict, texts.T("field.evidence.transport-unknown", "%q is not the name of a transport in this document", e.Transport)))
	}
	if e.Settings != "" && e.Transport == "" {
		errs.add("settings", texts.Err(ErrConflict, texts.T("field.evidence.settings-without-transport", "is set, but no transport is named: settings belong to a transport")))
	}
	errs.add("settings", CheckText(e.Settings))
	if e.At.IsZero() {
		errs.add("at", ErrEmpty)
	}
	if e.Origin != "" {
		errs.add("origin", oneOf(e.Origin, OriginAdminDesk, OriginService))
	}
	errs.add("server", CheckText(e.Server))
	if e.TLS != nil {
		errs.add("tls", e.TLS.validate())
	}
	errs.add("auth", CheckText(e.Auth))
	errs.add("sender", CheckText(e.Sender))
	if e.Record != "" {
		errs.add("record", checkCanonical(NormalizeDNSName, e.Record))
	}
	for i, ns := range e.Nameservers {
		if ns == "" {
			errs.add(fmt.Sprintf("nameservers[%d]", i), ErrEmpty)
		}
		errs.add(fmt.Sprintf("nameservers[%d]", i), CheckText(ns))
	}
	errs.add("detail", CheckText(e.Detail))
	return errs.err()
}

func (t *TLSSeen) validate() error {
	var errs FieldErrors
	if t.Version == "" {
		errs.add("version", ErrEmpty)
	}
	errs.add("version", CheckText(t.Version))
	errs.add("cipher", CheckText(t.Cipher))
	errs.add("subject", CheckText(t.Subject))
	errs.add("issuer", CheckText(t.Issuer))
	return errs.err()
}
