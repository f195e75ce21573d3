package transports

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"sort"
	"strings"

	"filippo.io/age"

	"mailwizard/resources"
)

// Provider is a profile of the hosted service: what the customer's DNS and
// mail server must allow so that the service can send for their domain.
// Built-in profiles live in resources/providers; a support desk can hand
// an admin a profile file of the same format.
type Provider struct {
	ID               string        `json:"id"`
	Name             string        `json:"name"`
	Description      string        `json:"description,omitempty"`
	Transports       []Type        `json:"transports"`
	SPFInclude       string        `json:"spf_include,omitempty"`
	SendingRanges    []string      `json:"sending_ranges,omitempty"`
	RelayAllowlist   []string      `json:"relay_allowlist,omitempty"`
	NoReplyAddress   string        `json:"noreply_address,omitempty"`
	DKIM             ProviderDKIM  `json:"dkim"`
	Bounce           *BounceRecord `json:"bounce,omitempty"`
	Subsystems       []string      `json:"subsystems,omitempty"`
	SealingRecipient string        `json:"sealing_recipient,omitempty"`
	Support          Support       `json:"support,omitzero"`
	Notes            []string      `json:"notes,omitempty"`
}

// ProviderDKIM says how the service signs: with a key the wizard generates
// (or imports), by CNAME delegation to records the service hosts, or not.
type ProviderDKIM struct {
	Mode            string        `json:"mode"` // generate, cname or none
	DefaultSelector string        `json:"default_selector,omitempty"`
	Algorithms      []string      `json:"algorithms,omitempty"`
	Import          bool          `json:"import,omitempty"`
	CNAMEs          []CNAMERecord `json:"cnames,omitempty"`
}

// CNAMERecord is a record the customer publishes under their own domain.
// Name is relative to that domain ("s1._domainkey").
type CNAMERecord struct {
	Name   string `json:"name"`
	Target string `json:"target"`
}

// BounceRecord is a Return-Path domain delegated to the service, as Amazon
// SES, SendGrid and Postmark use for SPF alignment (RFC 7489 section 3.1.2).
type BounceRecord struct {
	Name   string `json:"name"`
	Type   string `json:"type"` // cname or mx
	Target string `json:"target"`
}

// Support is how the admin reaches the service's support desk.
type Support struct {
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Supports reports whether the service offers transport type t.
func (p *Provider) Supports(t Type) bool {
	for _, have := range p.Transports {
		if have == t {
			return true
		}
	}
	return false
}

// ErrUnknownProvider is returned for a provider name that is neither
// built in nor a readable profile file.
var ErrUnknownProvider = errors.New("unknown provider")

// BuiltinProviders returns the built-in profiles sorted by ID, with
// "custom" last since it is the fallback when none fits.
func BuiltinProviders() ([]*Provider, error) {
	fsys := resources.Providers()
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var out []*Provider
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := ParseProvider(raw)
		if err != nil {
			return nil, fmt.Errorf("built-in profile %s: %w", name, err)
		}
		if p.ID+".json" != path.Base(name) {
			return nil, fmt.Errorf("built-in profile %s has id %q", name, p.ID)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].ID == "custom") != (out[j].ID == "custom") {
			return out[j].ID == "custom"
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// LoadProvider returns the built-in profile with ID idOrFile, or else the
// profile read from the file of that name.
func LoadProvider(idOrFile string) (*Provider, error) {
	builtin, err := BuiltinProviders()
	if err != nil {
		return nil, err
	}
	for _, p := range builtin {
		if strings.EqualFold(p.ID, idOrFile) {
			return p, nil
		}
	}
	raw, err := ReadSmallFile(idOrFile, maxProfileSize)
	if err != nil {
		ids := make([]string, len(builtin))
		for i, p := range builtin {
			ids[i] = p.ID
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w %q: use one of %s, or the path of a profile file", ErrUnknownProvider, idOrFile, strings.Join(ids, ", "))
		}
		return nil, fmt.Errorf("reading provider profile: %w", err)
	}
	p, err := ParseProvider(raw)
	if err != nil {
		return nil, fmt.Errorf("provider profile %s: %w", idOrFile, err)
	}
	return p, nil
}

// maxProfileSize bounds a profile file: real ones are a few KiB.
const maxProfileSize = 1 << 20

// ReadSmallFile reads a regular file of at most max bytes, so that a path
// to a device or a pipe cannot hang or exhaust the wizard. Profiles,
// documents and key files are all small.
func ReadSmallFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	raw, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("%s is larger than %d KiB: not a profile", path, max>>10)
	}
	return raw, nil
}

// ParseProvider reads a profile, checked against the schema and then field
// by field; errors name the field ("dkim.cnames[0].target").
func ParseProvider(raw []byte) (*Provider, error) {
	inst, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	schemaErr := schemaCheck("provider", inst)
	var p Provider
	if err := decodeStrict(raw, &p); err != nil {
		if schemaErr != nil {
			return nil, schemaErr
		}
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err // the Go checks say the same more precisely
	}
	if schemaErr != nil {
		return nil, schemaErr
	}
	return &p, nil
}

// Validate checks the profile's fields beyond what the schema can express.
func (p *Provider) Validate() error {
	var errs FieldErrors
	errs.add("id", checkIdentifier(p.ID))
	if err := CheckText(p.Name); err != nil {
		errs.add("name", err)
	} else if strings.TrimSpace(p.Name) == "" {
		errs.add("name", ErrEmpty)
	}
	errs.add("description", CheckText(p.Description))
	if len(p.Transports) == 0 {
		errs.add("transports", &reasonError{kind: ErrEmpty, msg: "is empty: list at least one of hosted, noreply, smtp"})
	}
	for i, t := range p.Transports {
		errs.add(fmt.Sprintf("transports[%d]", i), oneOf(t, Types...))
	}
	if p.SPFInclude != "" {
		errs.add("spf_include", checkCanonical(NormalizeDNSName, p.SPFInclude))
	}
	errs.add("sending_ranges", checkPrefixes(p.SendingRanges))
	errs.add("relay_allowlist", checkPrefixes(p.RelayAllowlist))
	if p.NoReplyAddress != "" {
		if _, err := ParseAddress(p.NoReplyAddress); err != nil {
			errs.add("noreply_address", err)
		}
	}
	if p.Supports(NoReply) && p.NoReplyAddress == "" && p.ID != "custom" {
		errs.add("noreply_address", &reasonError{kind: ErrEmpty, msg: "is empty, but the profile offers a noreply transport"})
	}
	errs.add("dkim", p.DKIM.validate())
	if p.Bounce != nil {
		errs.add("bounce.name", checkCanonical(NormalizeDNSName, p.Bounce.Name))
		errs.add("bounce.type", oneOf(p.Bounce.Type, "cname", "mx"))
		errs.add("bounce.target", checkCanonical(NormalizeDNSName, p.Bounce.Target))
	}
	for i, s := range p.Subsystems {
		errs.add(fmt.Sprintf("subsystems[%d]", i), checkIdentifier(s))
	}
	if p.SealingRecipient != "" {
		if _, err := age.ParseX25519Recipient(p.SealingRecipient); err != nil {
			errs.add("sealing_recipient", &reasonError{kind: ErrSyntax, msg: "is not an age X25519 public key (age1…): " + err.Error()})
		}
	}
	for i, n := range p.Notes {
		errs.add(fmt.Sprintf("notes[%d]", i), CheckText(n))
	}
	return errs.err()
}

func (d *ProviderDKIM) validate() error {
	var errs FieldErrors
	errs.add("mode", oneOf(d.Mode, "generate", "cname", "none"))
	if d.DefaultSelector != "" {
		errs.add("default_selector", checkCanonical(NormalizeSelector, d.DefaultSelector))
	}
	for i, a := range d.Algorithms {
		errs.add(fmt.Sprintf("algorithms[%d]", i), oneOf(a, "rsa2048", "rsa3072", "rsa4096", "ed25519"))
	}
	if d.Mode == "cname" && len(d.CNAMEs) == 0 {
		errs.add("cnames", &reasonError{kind: ErrEmpty, msg: "is empty, but the DKIM mode is cname"})
	}
	for i, c := range d.CNAMEs {
		errs.add(fmt.Sprintf("cnames[%d].name", i), checkCanonical(NormalizeDNSName, c.Name))
		errs.add(fmt.Sprintf("cnames[%d].target", i), checkCanonical(NormalizeDNSName, c.Target))
	}
	return errs.err()
}

// checkCanonical runs a normaliser and also refuses input that is valid
// but not written the way it is stored, so that files compare byte for byte.
func checkCanonical(normalize func(string) (string, error), s string) error {
	n, err := normalize(s)
	if err != nil {
		return err
	}
	if n != s {
		return &reasonError{kind: ErrNotCanonical, msg: fmt.Sprintf("must be written %q", n)}
	}
	return nil
}

// checkPrefixes checks IP ranges in CIDR notation, written canonically
// ("212.61.168.0/27", not "212.61.168.1/27") because mail servers differ in
// whether they accept host bits in an allow-list entry.
func checkPrefixes(prefixes []string) error {
	var errs FieldErrors
	for i, s := range prefixes {
		field := fmt.Sprintf("[%d]", i)
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			errs.add(field, &reasonError{kind: ErrSyntax, msg: fmt.Sprintf("%q is not an IP range such as 192.0.2.0/24", s)})
			continue
		}
		if pfx.Masked() != pfx {
			errs.add(field, &reasonError{kind: ErrNotCanonical, msg: fmt.Sprintf("%q has host bits set: write %s", s, pfx.Masked())})
		}
	}
	return errs.err()
}
