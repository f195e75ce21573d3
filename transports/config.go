package transports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"mailwizard/texts"
	"mailwizard/transports/atomicfile"
)

// ConfigVersion is the version of the document this build writes. It
// reads every version from 1 up: version 2 added what each check saw to the
// evidence (TLS, certificate, login, sender, name servers, the settings it
// ran with), all optional, so a version 1 document reads as it is; Upgrade
// brings it to version 2 before it is written again. A newer file needs a
// newer mailwizard.
const ConfigVersion = 2

// maxDocumentSize bounds what Read loads: a real document is a few KiB.
const maxDocumentSize = 4 << 20

// Document is the configuration exported for upload to the service: how it
// sends mail for one domain, and the evidence that each part was checked.
type Document struct {
	Version    int        `json:"version"`
	Generator  string     `json:"generator,omitempty"`
	Created    time.Time  `json:"created"`
	Provider   string     `json:"provider"`
	Domain     string     `json:"domain"`
	Transports List       `json:"transports"`
	DKIM       []DKIMKey  `json:"dkim,omitempty"`
	DNS        []DNSFact  `json:"dns,omitempty"`
	Evidence   []Evidence `json:"evidence,omitempty"`
	// Secrets are the referenced secrets sealed to the service's key, or,
	// only when the admin asked for it, in plain text.
	Secrets []ExportedSecret `json:"secrets,omitempty"`
}

// ExportedSecret carries one secret of the document to the service.
type ExportedSecret struct {
	Ref       SecretRef `json:"ref"`
	Kind      string    `json:"kind"`                // smtp-password or dkim-private-key
	Recipient string    `json:"recipient,omitempty"` // the age key it is sealed to
	Sealed    string    `json:"sealed,omitempty"`    // ASCII-armoured age file
	Plaintext string    `json:"plaintext,omitempty"` // only on explicit request
}

// sealedHeader starts an ASCII-armoured age file.
const sealedHeader = "-----BEGIN AGE ENCRYPTED FILE-----"

// SecretRefs lists every secret the document refers to, with its kind.
func (d *Document) SecretRefs() map[SecretRef]string {
	out := map[SecretRef]string{}
	for _, t := range d.Transports {
		if t.SMTP != nil && t.SMTP.PasswordRef != "" {
			out[t.SMTP.PasswordRef] = "smtp-password"
		}
	}
	for _, k := range d.DKIM {
		if k.PrivateKeyRef != "" {
			out[k.PrivateKeyRef] = "dkim-private-key"
		}
	}
	return out
}

// DKIMKey is the public half of a DKIM key and the record that publishes
// it. The private half stays in the keychain under PrivateKeyRef.
type DKIMKey struct {
	Selector      string    `json:"selector"`
	Algorithm     string    `json:"algorithm"`
	RecordName    string    `json:"record_name"`
	RecordValue   string    `json:"record_value"`
	Fingerprint   string    `json:"fingerprint,omitempty"`
	PrivateKeyRef SecretRef `json:"private_key_ref,omitempty"`
}

// DNSFact is a record the admin was asked to publish and what was seen.
type DNSFact struct {
	Name      string    `json:"name"`
	Type      string    `json:"type"` // TXT, CNAME or MX
	Expected  string    `json:"expected,omitempty"`
	Seen      []string  `json:"seen,omitempty"`
	Status    string    `json:"status"` // ok, warning, error, missing
	CheckedAt time.Time `json:"checked_at"`
	Servers   []string  `json:"servers,omitempty"`
}

// Errors of Read that a front end treats specially.
var (
	ErrFutureVersion = texts.Err(nil, texts.T("field.kind.future-version", "written by a newer mailwizard"))
	ErrNotConfig     = texts.Err(nil, texts.T("field.kind.not-config", "not a mailwizard configuration document"))
)

// Validate checks every field and the rules between them, naming each bad
// field by its path ("transports[1].smtp.port").
func (d *Document) Validate() error {
	var errs FieldErrors
	if d.Version < 1 || d.Version > ConfigVersion {
		errs.add("version", texts.Err(ErrUnknownValue, texts.T("field.version.unknown", "is %d; this mailwizard reads versions 1 to %d", d.Version, ConfigVersion)))
	}
	errs.add("generator", CheckText(d.Generator))
	if d.Created.IsZero() {
		errs.add("created", ErrEmpty)
	}
	errs.add("provider", checkIdentifier(d.Provider))
	errs.add("domain", checkCanonical(NormalizeDomain, d.Domain))
	if len(d.Transports) == 0 {
		errs.add("transports", texts.Err(ErrEmpty, texts.T("field.transports.none", "is empty: the document needs at least one transport")))
	}
	errs.add("transports", d.Transports.Validate())
	for i, t := range d.Transports {
		// The DNS facts in this document prove one domain only, so a hosted
		// transport may only send for that domain (or its subdomains).
		if t.Type == Hosted && t.Match.Domain != "" && !domainCovers("."+d.Domain, t.Match.Domain) {
			errs.add(fmt.Sprintf("transports[%d].match.domain", i), texts.Err(ErrConflict,
				texts.T("field.match.outside-domain", "%q is outside %s: a hosted transport can only send for the document's domain; make one document per domain", t.Match.Domain, d.Domain)))
		}
		if t.Type == Hosted && t.Hosted != nil && (t.Hosted.DKIM.Mode == DKIMGenerate || t.Hosted.DKIM.Mode == DKIMImport) && d.findDKIM(t.Hosted.DKIM.Selector) < 0 {
			errs.add(fmt.Sprintf("transports[%d].hosted.dkim.selector", i), texts.Err(ErrConflict,
				texts.T("field.dkim.selector-without-key", "%q has no key in the dkim list", t.Hosted.DKIM.Selector)))
		}
	}
	for i, k := range d.DKIM {
		errs.add(fmt.Sprintf("dkim[%d]", i), k.validate(d.Domain))
	}
	for i, f := range d.DNS {
		errs.add(fmt.Sprintf("dns[%d]", i), f.validate())
	}
	for i, e := range d.Evidence {
		errs.add(fmt.Sprintf("evidence[%d]", i), e.validate(d.Transports))
	}
	refs := d.SecretRefs()
	for i, sec := range d.Secrets {
		errs.add(fmt.Sprintf("secrets[%d]", i), sec.validate(refs))
	}
	return errs.err()
}

func (d *Document) findDKIM(selector string) int {
	for i, k := range d.DKIM {
		if k.Selector == selector {
			return i
		}
	}
	return -1
}

func (k DKIMKey) validate(domain string) error {
	var errs FieldErrors
	errs.add("selector", checkCanonical(NormalizeSelector, k.Selector))
	errs.add("algorithm", oneOf(k.Algorithm, "rsa1024", "rsa2048", "rsa3072", "rsa4096", "ed25519"))
	if want := k.Selector + "._domainkey." + domain; k.RecordName != want {
		errs.add("record_name", texts.Err(ErrConflict, texts.T("field.dkim.record-name", "is %q; for this selector and domain it must be %q", k.RecordName, want)))
	}
	if err := CheckText(k.RecordValue); err != nil {
		errs.add("record_value", err)
	} else if !strings.HasPrefix(k.RecordValue, "v=DKIM1;") {
		errs.add("record_value", texts.Err(ErrSyntax, texts.T("field.dkim.record-value", "must start with v=DKIM1; (RFC 6376 section 3.6.1)")))
	}
	errs.add("private_key_ref", CheckText(string(k.PrivateKeyRef)))
	return errs.err()
}

func (f DNSFact) validate() error {
	var errs FieldErrors
	if _, err := NormalizeDNSName(f.Name); err != nil {
		errs.add("name", err)
	}
	errs.add("type", oneOf(f.Type, "TXT", "CNAME", "MX"))
	errs.add("status", oneOf(f.Status, "ok", "warning", "error", "missing"))
	errs.add("expected", CheckText(f.Expected))
	for i, s := range f.Seen {
		errs.add(fmt.Sprintf("seen[%d]", i), CheckText(s))
	}
	if f.CheckedAt.IsZero() {
		errs.add("checked_at", ErrEmpty)
	}
	return errs.err()
}

func (s ExportedSecret) validate(refs map[SecretRef]string) error {
	var errs FieldErrors
	if kind, ok := refs[s.Ref]; !ok {
		errs.add("ref", texts.Err(ErrConflict, texts.T("field.secret.ref-unknown", "%q is not referred to by this document", s.Ref)))
	} else if s.Kind != kind {
		errs.add("kind", texts.Err(ErrConflict, texts.T("field.secret.kind", "is %q; the document refers to %q as %s", s.Kind, s.Ref, kind)))
	}
	switch {
	case (s.Sealed == "") == (s.Plaintext == ""):
		errs.add("sealed", texts.Err(ErrConflict, texts.T("field.secret.sealed-or-plain", "a secret is either sealed or, on request, plain text: exactly one")))
	case s.Sealed != "":
		if !strings.HasPrefix(s.Sealed, sealedHeader) {
			errs.add("sealed", texts.Err(ErrSyntax, texts.T("field.secret.not-age", "is not an ASCII-armoured age file")))
		}
		if s.Recipient == "" {
			errs.add("recipient", texts.Err(ErrEmpty, texts.T("field.secret.no-recipient", "is empty: name the key the secret is sealed to")))
		}
	case s.Recipient != "":
		errs.add("recipient", texts.Err(ErrConflict, texts.T("field.secret.recipient-on-plain", "is set on a plain-text secret")))
	}
	return errs.err()
}

// Marshal validates d and renders it as indented JSON, the bytes WriteFile
// stores. The output is checked against the schema the service uses. Only
// the current version is written: an older document read in must be
// Upgraded first, so that no file claims a version its fields are not.
func (d *Document) Marshal() ([]byte, error) {
	if d.Version != ConfigVersion {
		return nil, &FieldError{Field: "version", Err: texts.Err(ErrUnknownValue,
			texts.T("field.version.write-only", "is %d; this mailwizard writes version %d only (Upgrade the document first)", d.Version, ConfigVersion))}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding configuration: %w", err)
	}
	inst, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	if err := schemaCheck("config", inst); err != nil {
		// Validate accepted what the schema refuses: the two disagree,
		// which is a defect here, not the admin's mistake.
		return nil, fmt.Errorf("internal error: the document passes our checks but not its schema: %w", err)
	}
	return append(raw, '\n'), nil
}

// WriteFile writes d to path atomically with mode 0600: readers see the old
// file or the new one, never half of either.
func (d *Document) WriteFile(path string) error {
	raw, err := d.Marshal()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, raw, 0o600)
}

// ReadFile reads and fully validates a document.
func ReadFile(path string) (*Document, error) {
	raw, err := ReadSmallFile(path, maxDocumentSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, texts.Err(err, texts.T("field.document.read", "reading configuration: %v", err))
		}
		return nil, &FieldError{Err: texts.Err(ErrNotConfig, texts.Verbatim(err.Error()))}
	}
	return Parse(raw)
}

// Parse checks raw in the order that gives the most useful message: JSON
// syntax, then the version (a newer file should say "update", not list a
// hundred unknown fields), then our field checks, then the schema.
func Parse(raw []byte) (*Document, error) {
	inst, err := decodeJSON(raw)
	if err != nil {
		return nil, &FieldError{Err: err}
	}
	obj, ok := inst.(map[string]any)
	if !ok {
		return nil, &FieldError{Err: texts.Err(ErrNotConfig, texts.T("field.document.not-object", "is not a JSON object: not a mailwizard configuration document"))}
	}
	if err := checkVersion(obj["version"]); err != nil {
		return nil, err
	}
	schemaErr := schemaCheck("config", inst)
	var d Document
	if err := decodeStrict(raw, &d); err != nil {
		if schemaErr != nil {
			return nil, schemaErr
		}
		return nil, &FieldError{Err: texts.Err(ErrSyntax, texts.Verbatim(err.Error()))}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if schemaErr != nil {
		return nil, schemaErr
	}
	return &d, nil
}

func checkVersion(v any) error {
	num, ok := v.(json.Number)
	if v == nil {
		return &FieldError{Field: "version", Err: texts.Err(ErrNotConfig, texts.T("field.version.missing", "is missing: not a mailwizard configuration document"))}
	}
	n, err := num.Int64()
	if !ok || err != nil {
		return &FieldError{Field: "version", Err: texts.Err(ErrSyntax, texts.T("field.version.not-number", "must be a whole number, found %v", v))}
	}
	switch {
	case n > ConfigVersion:
		return &FieldError{Field: "version", Err: texts.Err(ErrFutureVersion,
			texts.T("field.version.newer", "is %d: this file was written by a newer mailwizard, and this one reads versions up to %d; install the current mailwizard", n, ConfigVersion))}
	case n < 1:
		return &FieldError{Field: "version", Err: texts.Err(ErrUnknownValue, texts.T("field.version.below-one", "is %d; versions start at 1", n))}
	}
	return nil
}
