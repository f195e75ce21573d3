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
	"sync"

	"filippo.io/age"

	"mailwizard/resources"
	"mailwizard/texts"
)

// Provider is a profile of the hosted service: what the customer's DNS and
// mail server must allow so that the service can send for their domain.
// Built-in profiles live in resources/providers; a support desk can hand
// an admin a profile file of the same format.
type Provider struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Transports  []Type `json:"transports"`
	SPFInclude  string `json:"spf_include,omitempty"`
	// SPFFallback are the terms the service's own documentation gives
	// instead of its include (ClockWise: ip4:217.115.198.76), used when
	// the include would take a record past 10 lookups. Empty: the
	// sending ranges serve.
	SPFFallback   []string `json:"spf_fallback,omitempty"`
	SendingRanges []string `json:"sending_ranges,omitempty"`
	// RelayAllowlist is kept as the service's manual writes it, host bits
	// and all ("212.61.168.1/27"); AllowlistRanges gives the normalised
	// ranges to type into a mail server.
	RelayAllowlist   []string      `json:"relay_allowlist,omitempty"`
	NoReplyAddress   string        `json:"noreply_address,omitempty"`
	DKIM             ProviderDKIM  `json:"dkim"`
	Bounce           *BounceRecord `json:"bounce,omitempty"`
	Subsystems       []string      `json:"subsystems,omitempty"`
	SubsystemsNote   string        `json:"subsystems_note,omitempty"`
	SealingRecipient string        `json:"sealing_recipient,omitempty"`
	Support          Support       `json:"support,omitzero"`
	Notes            []string      `json:"notes,omitempty"`
	// Icon names a PNG beside the profile file; only a provider-locked
	// build uses it (as its window and installer icon), read at build time.
	Icon string `json:"icon,omitempty"`
	// Translations hold the texts above in other languages, by language
	// code ("nl"); Provider.In picks them.
	Translations map[string]ProviderTexts `json:"translations,omitempty"`
}

// ProviderDKIM says how the service signs: with a key the wizard generates
// (or imports), by CNAME delegation to records the service hosts, or not.
type ProviderDKIM struct {
	Mode            string        `json:"mode"` // generate, cname or none
	DefaultSelector string        `json:"default_selector,omitempty"`
	Algorithms      []string      `json:"algorithms,omitempty"`
	Import          bool          `json:"import,omitempty"`
	CNAMEs          []CNAMERecord `json:"cnames,omitempty"`
	// Requires names a condition the service puts on DKIM signing ("the
	// Pro edition of SpinOffice"), shown wherever DKIM is offered.
	Requires string `json:"requires,omitempty"`
}

// AllowsAlgorithm reports whether the service signs with keys of algo
// ("rsa2048", "ed25519"); a profile that lists none takes any.
func (d *ProviderDKIM) AllowsAlgorithm(algo string) bool {
	if len(d.Algorithms) == 0 {
		return true
	}
	for _, a := range d.Algorithms {
		if a == algo {
			return true
		}
	}
	return false
}

// CheckKey says whether a key of algo ("rsa1024", "ed25519") can sign for
// the service named name, in words that say what the service takes.
func (d *ProviderDKIM) CheckKey(name, algo string) error {
	if d.AllowsAlgorithm(algo) {
		return nil
	}
	return texts.Err(ErrUnknownValue,
		texts.T("field.provider.key-algorithm", "%s signs only with %s keys; this key is %s: generate or import a key of that kind", name, orList(d.Algorithms), algo))
}

// AllowedRange is one range of a relay allow-list.
type AllowedRange struct {
	Range     netip.Prefix // normalised: 212.61.168.0/27
	AsWritten string       // as the service's manual writes it
}

// String is the range to type into a mail server or firewall.
func (r AllowedRange) String() string { return r.Range.String() }

// Display shows the range and, when the manual writes it differently,
// that form too, so the admin recognises the manual's text.
func (r AllowedRange) Display() string { return r.DisplayText().String() }

// DisplayText is Display in words a face renders in its language.
func (r AllowedRange) DisplayText() texts.Text {
	if r.AsWritten == r.Range.String() {
		return texts.Verbatim(r.AsWritten)
	}
	last := lastAddr(r.Range)
	return texts.T("field.range.as_written", "%s (the manual writes %s: the same range, %s to %s)", r.Range.String(), r.AsWritten, r.Range.Addr().String(), last.String())
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := range b {
		bits := p.Bits() - i*8
		switch {
		case bits <= 0:
			b[i] = 0xff
		case bits < 8:
			b[i] |= 0xff >> bits
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// AllowlistRanges returns the relay allow-list normalised.
func (p *Provider) AllowlistRanges() []AllowedRange {
	out := make([]AllowedRange, 0, len(p.RelayAllowlist))
	for _, s := range p.RelayAllowlist {
		if pfx, err := netip.ParsePrefix(s); err == nil {
			out = append(out, AllowedRange{Range: pfx.Masked(), AsWritten: s})
		}
	}
	return out
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
var ErrUnknownProvider = texts.Err(nil, texts.T("field.kind.unknown-provider", "unknown provider"))

// BuiltinProviders returns the built-in profiles sorted by ID, with
// "custom" last since it is the fallback when none fits. Each call returns
// profiles of its own, which the caller may change.
func BuiltinProviders() ([]*Provider, error) {
	files, err := builtinProfiles()
	if err != nil {
		return nil, err
	}
	out := make([]*Provider, 0, len(files))
	for _, raw := range files {
		var p Provider
		if err := decodeStrict(raw, &p); err != nil {
			return nil, err // checkedBuiltins decoded these very bytes
		}
		out = append(out, &p)
	}
	return out, nil
}

// checkedBuiltins reads the embedded profiles and checks them (schema and
// rules) once per process, in BuiltinProviders' order: every step asks
// for its profile, and the window's first page would otherwise wait for
// the same checks of the same bytes over and over.
var checkedBuiltins = sync.OnceValues(func() ([][]byte, error) {
	fsys := resources.Providers()
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	type checked struct {
		id  string
		raw []byte
	}
	var all []checked
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
		all = append(all, checked{p.ID, raw})
	}
	sort.Slice(all, func(i, j int) bool {
		if (all[i].id == "custom") != (all[j].id == "custom") {
			return all[j].id == "custom"
		}
		return all[i].id < all[j].id
	})
	out := make([][]byte, len(all))
	for i, c := range all {
		out[i] = c.raw
	}
	return out, nil
})

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
			return nil, texts.Err(ErrUnknownProvider,
				texts.T("field.provider.unknown", "unknown provider %q: use one of %s, or the path of a profile file", idOrFile, strings.Join(ids, ", ")))
		}
		return nil, texts.Err(err, texts.T("field.provider.read", "reading provider profile: %v", err))
	}
	p, err := ParseProvider(raw)
	if err != nil {
		return nil, texts.Err(err, texts.T("field.provider.file", "provider profile %s: %v", idOrFile, err))
	}
	return p, nil
}

// maxProfileSize bounds a profile file: real ones are a few KiB.
const maxProfileSize = 1 << 20

// ErrFileTooLarge is a file larger than its kind ever is.
var ErrFileTooLarge = texts.Err(nil, texts.T("field.kind.file-too-large", "file too large"))

// ReadSmallFile reads a regular file of at most max bytes, so that a path
// to a device, a pipe or a huge file cannot hang or exhaust the wizard.
// Profiles, documents, drafts, presets and key files are all small. The
// kind is checked before opening: opening a named pipe blocks until
// someone writes to it.
func ReadSmallFile(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, texts.Err(nil, texts.T("field.file.not-regular", "%s is not a regular file", path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, texts.Err(ErrFileTooLarge, texts.T("field.file.too-large", "%v: %s is larger than %d KiB, more than such a file ever holds", ErrFileTooLarge, path, max>>10))
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
		errs.add("transports", texts.Err(ErrEmpty, texts.T("field.provider.no-transports", "is empty: list at least one of hosted, noreply, smtp")))
	}
	for i, t := range p.Transports {
		errs.add(fmt.Sprintf("transports[%d]", i), oneOf(t, Types...))
	}
	if p.SPFInclude != "" {
		errs.add("spf_include", checkCanonical(NormalizeDNSName, p.SPFInclude))
	}
	errs.add("spf_fallback", checkFallback(p.SPFFallback))
	errs.add("sending_ranges", checkPrefixes(p.SendingRanges, true))
	errs.add("relay_allowlist", checkPrefixes(p.RelayAllowlist, false))
	errs.add("subsystems_note", CheckText(p.SubsystemsNote))
	if p.NoReplyAddress != "" {
		if _, err := ParseAddress(p.NoReplyAddress); err != nil {
			errs.add("noreply_address", err)
		}
	}
	if p.Supports(NoReply) && p.NoReplyAddress == "" && p.ID != "custom" {
		errs.add("noreply_address", texts.Err(ErrEmpty, texts.T("field.provider.no-noreply-address", "is empty, but the profile offers a noreply transport")))
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
			errs.add("sealing_recipient", texts.Err(ErrSyntax, texts.T("field.provider.sealing-recipient", "is not an age X25519 public key (age1…): %v", err)))
		}
	}
	for i, n := range p.Notes {
		errs.add(fmt.Sprintf("notes[%d]", i), CheckText(n))
	}
	errs.add("", p.validateTranslations())
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
	errs.add("requires", CheckText(d.Requires))
	if d.Mode == "cname" && len(d.CNAMEs) == 0 {
		errs.add("cnames", texts.Err(ErrEmpty, texts.T("field.provider.no-cnames", "is empty, but the DKIM mode is cname")))
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
		return texts.Err(ErrNotCanonical, texts.T("field.not-canonical", "must be written %q", n))
	}
	return nil
}

// checkPrefixes checks IP ranges in CIDR notation. Sending ranges must be
// written canonically ("212.61.168.0/27", not "212.61.168.1/27"): they
// go into SPF records as they are. An allow-list is kept as the service's
// manual writes it and normalised where it is shown (AllowlistRanges),
// because mail servers differ in whether they accept host bits.
func checkPrefixes(prefixes []string, canonical bool) error {
	var errs FieldErrors
	for i, s := range prefixes {
		field := fmt.Sprintf("[%d]", i)
		pfx, err := netip.ParsePrefix(s)
		if err != nil {
			errs.add(field, texts.Err(ErrSyntax, texts.T("field.range.syntax", "%q is not an IP range such as 192.0.2.0/24", s)))
			continue
		}
		if canonical && pfx.Masked() != pfx {
			errs.add(field, texts.Err(ErrNotCanonical, texts.T("field.range.host-bits", "%q has host bits set: write %s", s, pfx.Masked())))
		}
	}
	return errs.err()
}

// checkFallback checks SPF terms that stand in for an include: ip4: and
// ip6: only, since anything else would cost lookups itself.
func checkFallback(terms []string) error {
	var errs FieldErrors
	for i, t := range terms {
		kind, addr, _ := strings.Cut(t, ":")
		if kind != "ip4" && kind != "ip6" {
			errs.add(fmt.Sprintf("[%d]", i), texts.Err(ErrSyntax, texts.T("field.fallback.term", "%q: only ip4: and ip6: terms can stand in for an include", t)))
			continue
		}
		if !strings.Contains(addr, "/") {
			addr += map[string]string{"ip4": "/32", "ip6": "/128"}[kind]
		}
		pfx, err := netip.ParsePrefix(addr)
		if err != nil || pfx.Addr().Is4() != (kind == "ip4") || pfx.Masked() != pfx {
			errs.add(fmt.Sprintf("[%d]", i), texts.Err(ErrSyntax, texts.T("field.fallback.range", "%q is not a valid %s: term with a canonical range", t, kind)))
		}
	}
	return errs.err()
}
