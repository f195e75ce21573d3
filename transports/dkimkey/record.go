package dkimkey

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"mailwizard/transports"
)

// Record is the DNS TXT record that publishes a key, in every form an
// admin's DNS panel may want it.
type Record struct {
	Name         string   `json:"name"`          // selector._domainkey.example.nl
	RelativeName string   `json:"relative_name"` // selector._domainkey, for panels that append the domain
	Value        string   `json:"value"`         // v=DKIM1; k=rsa; p=…, the single string web panels want
	Strings      []string `json:"strings"`       // Value cut into strings of at most 255 bytes
	ZoneLine     string   `json:"zone_line"`     // a BIND zone-file line
	Fingerprint  string   `json:"fingerprint"`   // SHA256:…
	Algorithm    string   `json:"algorithm"`     // rsa2048, ed25519, …
	Selector     string   `json:"selector"`
	Domain       string   `json:"domain"`
}

// maxTXTString is the length limit of one character-string in a TXT
// record (RFC 1035 section 3.3): longer values are split and receivers
// join the parts without a separator (RFC 6376 section 3.6.2.2).
const maxTXTString = 255

// recordTTL is an hour: short enough that a mistake is fixed quickly,
// long enough not to matter for load.
const recordTTL = 3600

// NewRecord renders the record for key under selector and domain; both are
// checked and normalised (IDN to ASCII).
func NewRecord(key *Key, domain, selector string) (*Record, error) {
	d, err := transports.NormalizeDomain(domain)
	if err != nil {
		return nil, &transports.FieldError{Field: "domain", Err: err}
	}
	s, err := transports.NormalizeSelector(selector)
	if err != nil {
		return nil, &transports.FieldError{Field: "selector", Err: err}
	}
	data, err := key.PublicKeyData()
	if err != nil {
		return nil, err
	}
	fp, err := key.Fingerprint()
	if err != nil {
		return nil, err
	}
	// No h= tag: it would only restrict the hash, and sha256 is the only
	// one signers should use anyway (RFC 8301 section 3.1).
	value := fmt.Sprintf("v=DKIM1; k=%s; p=%s", key.KeyType(), base64.StdEncoding.EncodeToString(data))
	r := &Record{
		Name:         s + "._domainkey." + d,
		RelativeName: s + "._domainkey",
		Value:        value,
		Strings:      SplitTXT(value),
		Fingerprint:  fp,
		Algorithm:    string(key.Algorithm()),
		Selector:     s,
		Domain:       d,
	}
	quoted := make([]string, len(r.Strings))
	for i, part := range r.Strings {
		quoted[i] = `"` + part + `"`
	}
	r.ZoneLine = fmt.Sprintf("%s.\t%d\tIN\tTXT\t%s", r.Name, recordTTL, strings.Join(quoted, " "))
	return r, nil
}

// SplitTXT cuts a TXT value into strings of at most 255 bytes. The value
// is ASCII (base64 and tags), so a byte cut never splits a character.
func SplitTXT(value string) []string {
	var out []string
	for len(value) > maxTXTString {
		out = append(out, value[:maxTXTString])
		value = value[maxTXTString:]
	}
	return append(out, value)
}

// SuggestSelector proposes a dated selector such as "clockwise-202611".
// A new date each rotation lets the new key be published beside the old
// one, so mail signed with either verifies during the change-over.
func SuggestSelector(prefix string, now time.Time) string {
	var b strings.Builder
	for _, r := range strings.ToLower(prefix) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	p := strings.Trim(b.String(), "-")
	if len(p) > 40 {
		p = strings.Trim(p[:40], "-")
	}
	if p == "" {
		p = "mail"
	}
	return fmt.Sprintf("%s-%s", p, now.UTC().Format("200601"))
}
