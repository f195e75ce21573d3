// Package transports is the model of how the hosted service sends mail for
// a customer's domain: the transports in the order they are tried, the
// provider profile that describes the service, and the configuration
// document exported for upload. It does no network I/O.
package transports

import (
	"strings"

	"mailwizard/texts"
)

// Type says who sends the mail and under which name.
type Type string

const (
	// Hosted: the service's servers send with the customer's From domain,
	// authorised by an SPF include and, best, a DKIM key.
	Hosted Type = "hosted"
	// NoReply: the service sends from its own no-reply address.
	NoReply Type = "noreply"
	// SMTP: the service relays through the customer's own server.
	SMTP Type = "smtp"
)

// Types lists the transport types in the order the wizard offers them.
var Types = []Type{Hosted, NoReply, SMTP}

// Transport is one rule of the ordered list: mail that its Match selects is
// sent the way its Type says. Exactly one of the settings matches Type.
type Transport struct {
	Name    string           `json:"name"`
	Match   Match            `json:"match"`
	Type    Type             `json:"type"`
	Hosted  *HostedSettings  `json:"hosted,omitempty"`
	NoReply *NoReplySettings `json:"noreply,omitempty"`
	SMTP    *SMTPSettings    `json:"smtp,omitempty"`
}

// DKIMMode says where the DKIM key of a hosted transport comes from.
type DKIMMode string

const (
	DKIMNone     DKIMMode = "none"     // no DKIM signature: SPF only
	DKIMGenerate DKIMMode = "generate" // a key made by this wizard
	DKIMImport   DKIMMode = "import"   // an existing private key the admin supplied
	DKIMCNAME    DKIMMode = "cname"    // selectors delegated by CNAME to the service
)

// HostedSettings configures a hosted transport.
type HostedSettings struct {
	DKIM DKIMSettings `json:"dkim"`
}

// DKIMSettings names the key a hosted transport signs with. The key itself
// is described in the document's dkim list under the same selector.
type DKIMSettings struct {
	Mode     DKIMMode `json:"mode"`
	Selector string   `json:"selector,omitempty"`
}

// NoReplySettings configures a no-reply transport.
type NoReplySettings struct {
	// ReplyToFrom copies the original From into Reply-To. Off by default:
	// with a strict DMARC policy on the From domain it raises spam scores.
	ReplyToFrom bool `json:"reply_to_from"`
}

// Encryption of the connection to an SMTP server.
type Encryption string

const (
	EncryptNone             Encryption = "none"              // plaintext; no password may be sent
	EncryptTLS              Encryption = "tls"               // implicit TLS from the first byte (port 465, RFC 8314)
	EncryptSTARTTLS         Encryption = "starttls"          // STARTTLS required: fail if not offered
	EncryptSTARTTLSOptional Encryption = "starttls-optional" // STARTTLS when advertised, plaintext otherwise
)

// Encryptions lists the allowed values in the order the wizard offers them.
var Encryptions = []Encryption{EncryptSTARTTLS, EncryptTLS, EncryptSTARTTLSOptional, EncryptNone}

// CertCheck says whether the server's certificate must verify.
type CertCheck string

const (
	CertStrict CertCheck = "strict"
	CertSkip   CertCheck = "skip"
)

// AuthMode says how the service proves itself to the SMTP server.
type AuthMode string

const (
	AuthPassword    AuthMode = "password"          // username and password (SMTP AUTH)
	AuthIPAllowlist AuthMode = "none-ip-allowlist" // no AUTH: the service's IP ranges are allow-listed
)

// SendMode says whose rights the service sends with.
type SendMode string

const (
	// ModeRelay: a relay or service account allowed to send for every
	// address of the domain.
	ModeRelay SendMode = "relay"
	// ModeMailbox: one user's mailbox with "send as" rights for the other
	// senders; each new sender needs that right.
	ModeMailbox SendMode = "mailbox"
)

// SecretRef names a secret in the OS keychain. The document holds the name,
// never the secret.
type SecretRef string

// SMTPSettings configures a transport through the customer's own server.
type SMTPSettings struct {
	Host        string     `json:"host"`
	Port        int        `json:"port"`
	Encryption  Encryption `json:"encryption"`
	CertCheck   CertCheck  `json:"cert_check"`
	Auth        AuthMode   `json:"auth"`
	Username    string     `json:"username,omitempty"`
	PasswordRef SecretRef  `json:"password_ref,omitempty"`
	Mode        SendMode   `json:"mode"`
}

// DefaultPort is the port a person most likely means for an encryption:
// 465 for implicit TLS, 587 (submission, RFC 6409) otherwise.
func DefaultPort(e Encryption) int {
	if e == EncryptTLS {
		return 465
	}
	return 587
}

func oneOf[T ~string](v T, allowed ...T) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	if v == "" {
		return texts.Err(ErrEmpty, texts.T("field.choice.empty", "is empty: choose one of %s", strings.Join(names, ", ")))
	}
	return texts.Err(ErrUnknownValue, texts.T("field.choice.unknown", "%q is not one of %s", string(v), strings.Join(names, ", ")))
}

// Validate checks every field and the rules between them. Errors name the
// field relative to the transport ("smtp.port").
func (t *Transport) Validate() error {
	var errs FieldErrors
	if err := CheckText(t.Name); err != nil {
		errs.add("name", err)
	} else if strings.TrimSpace(t.Name) == "" {
		errs.add("name", texts.Err(ErrEmpty, texts.T("field.transport.no-name", "is empty: give the transport a name, such as \"Billing via our server\"")))
	} else if len(t.Name) > maxTextLen {
		errs.add("name", texts.Err(ErrTooLong, texts.T("field.text.too-long", "is longer than %d characters", maxTextLen)))
	}
	errs.add("match", t.Match.Validate())
	if err := oneOf(t.Type, Types...); err != nil {
		errs.add("type", err)
		return errs.err()
	}
	present := map[Type]bool{Hosted: t.Hosted != nil, NoReply: t.NoReply != nil, SMTP: t.SMTP != nil}
	for _, typ := range Types {
		if present[typ] && typ != t.Type {
			errs.add(string(typ), texts.Err(ErrConflict, texts.T("field.transport.other-settings", "settings for a %s transport on a transport of type %s", typ, t.Type)))
		}
	}
	switch t.Type {
	case Hosted:
		if t.Hosted == nil {
			errs.add("hosted", texts.Err(ErrEmpty, texts.T("field.transport.no-hosted", "is missing: a hosted transport needs its DKIM settings")))
		} else {
			errs.add("hosted", t.Hosted.validate())
		}
	case SMTP:
		if t.SMTP == nil {
			errs.add("smtp", texts.Err(ErrEmpty, texts.T("field.transport.no-smtp", "is missing: an smtp transport needs a server")))
		} else {
			errs.add("smtp", t.SMTP.Validate())
		}
	}
	return errs.err()
}

func (h *HostedSettings) validate() error {
	var errs FieldErrors
	if err := oneOf(h.DKIM.Mode, DKIMNone, DKIMGenerate, DKIMImport, DKIMCNAME); err != nil {
		errs.add("dkim.mode", err)
	}
	switch {
	case h.DKIM.Mode == DKIMNone && h.DKIM.Selector != "":
		errs.add("dkim.selector", texts.Err(ErrConflict, texts.T("field.dkim.selector-when-off", "is set but DKIM is off")))
	case h.DKIM.Mode == DKIMGenerate || h.DKIM.Mode == DKIMImport:
		sel, err := NormalizeSelector(h.DKIM.Selector)
		if err != nil {
			errs.add("dkim.selector", err)
		} else if sel != h.DKIM.Selector {
			errs.add("dkim.selector", texts.Err(ErrNotCanonical, texts.T("field.not-canonical", "must be written %q", sel)))
		}
	}
	return errs.err()
}

// Validate checks the SMTP settings. It refuses a password over an
// unencrypted connection: it would cross the network readable by anyone on
// the path (RFC 4954 section 4 leaves this to policy; ours is no).
func (s *SMTPSettings) Validate() error {
	var errs FieldErrors
	if host, err := NormalizeHost(s.Host); err != nil {
		errs.add("host", err)
	} else if host != s.Host {
		errs.add("host", texts.Err(ErrNotCanonical, texts.T("field.not-canonical", "must be written %q", host)))
	}
	errs.add("port", CheckPort(s.Port))
	errs.add("encryption", oneOf(s.Encryption, Encryptions...))
	errs.add("cert_check", oneOf(s.CertCheck, CertStrict, CertSkip))
	errs.add("mode", oneOf(s.Mode, ModeRelay, ModeMailbox))
	if err := oneOf(s.Auth, AuthPassword, AuthIPAllowlist); err != nil {
		errs.add("auth", err)
		return errs.err()
	}
	switch s.Auth {
	case AuthPassword:
		if err := CheckText(s.Username); err != nil {
			errs.add("username", err)
		} else if strings.TrimSpace(s.Username) == "" {
			errs.add("username", texts.Err(ErrEmpty, texts.T("field.smtp.no-username", "is empty: password authentication needs the account name")))
		} else if len(s.Username) > maxTextLen {
			errs.add("username", texts.Err(ErrTooLong, texts.T("field.text.too-long", "is longer than %d characters", maxTextLen)))
		}
		if s.PasswordRef == "" {
			errs.add("password_ref", texts.Err(ErrEmpty, texts.T("field.smtp.no-password-ref", "is empty: the password must be stored in the keychain first")))
		} else {
			errs.add("password_ref", CheckText(string(s.PasswordRef)))
		}
		if s.Encryption == EncryptNone || s.Encryption == EncryptSTARTTLSOptional {
			errs.add("encryption", texts.Err(ErrConflict,
				texts.T("field.smtp.password-unencrypted", "%s could send the password unencrypted: choose starttls or tls, or allow-list the service's IP ranges instead of a password", s.Encryption)))
		}
	case AuthIPAllowlist:
		if s.Username != "" || s.PasswordRef != "" {
			errs.add("username", texts.Err(ErrConflict, texts.T("field.smtp.credentials-with-allowlist", "is set, but IP allow-listing sends no credentials")))
		}
		if s.Mode == ModeMailbox {
			errs.add("mode", texts.Err(ErrConflict, texts.T("field.smtp.mailbox-with-allowlist", "mailbox needs a login: with IP allow-listing the server must relay for the whole domain")))
		}
	}
	return errs.err()
}
