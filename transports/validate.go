package transports

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"mailwizard/texts"
)

// The validators below check one value each and return an error that says
// what is wrong with it; the caller adds the field name. Names come back
// normalised (IDN converted to ASCII, lower case, no trailing dot) because
// that is the form DNS and SMTP need and the form the document stores.

// idnaProfile converts internationalised names to A-labels the way a
// resolver looks them up (RFC 5891 section 5), and enforces the
// letter-digit-hyphen rule and the length limits of RFC 1035 section 2.3.4.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
)

const (
	maxDomainLen    = 253 // RFC 1035 section 2.3.4, without the root dot
	maxLabelLen     = 63
	maxLocalPartLen = 64 // RFC 5321 section 4.5.3.1.1
	maxTextLen      = 256
)

// CheckText rejects control characters. CR and LF in a header or an SMTP
// command line let one field inject another (RFC 5321 section 2.3.8), NUL
// truncates strings in C libraries the value may reach.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return texts.Err(ErrSyntax, texts.T("field.text.utf8", "is not valid UTF-8 text"))
	}
	for i, r := range s {
		if r < 0x20 || r == 0x7f {
			return texts.Err(ErrControlChar, texts.T("field.text.control", "contains a %s at position %d: remove it (often pasted by accident)", controlName(r), i+1))
		}
	}
	return nil
}

// controlName names a control character the way a person knows it.
func controlName(r rune) texts.Text {
	switch r {
	case '\r':
		return texts.T("field.char.cr", "carriage return (CR)")
	case '\n':
		return texts.T("field.char.lf", "line feed (LF)")
	case 0:
		return texts.T("field.char.nul", "NUL byte")
	case '\t':
		return texts.T("field.char.tab", "tab")
	}
	return texts.T("field.char.control", "control character U+%04X", r)
}

// NormalizeDomain checks a mail domain such as "example.nl" or "bücher.de"
// and returns its ASCII form ("xn--bcher-kva.de"). A mail domain needs at
// least two labels and a top-level label that is not all digits.
func NormalizeDomain(s string) (string, error) {
	if err := CheckText(s); err != nil {
		return "", err
	}
	in := strings.TrimSpace(s)
	if in == "" {
		return "", ErrEmpty
	}
	if strings.Contains(in, "@") {
		return "", texts.Err(ErrSyntax, texts.T("field.domain.address", "%q is an address, not a domain: use the part after @", in))
	}
	if strings.Contains(in, "://") || strings.Contains(in, "/") {
		return "", texts.Err(ErrSyntax, texts.T("field.domain.url", "%q looks like a web address: give only the domain name, such as example.nl", in))
	}
	in = strings.TrimSuffix(in, ".")
	if len(in) > maxDomainLen*4 { // far beyond any name; spare idna the work
		return "", texts.Err(ErrTooLong, texts.T("field.domain.too-long", "is %d characters long; a domain name has at most %d", len(in), maxDomainLen))
	}
	for _, label := range strings.Split(in, ".") {
		if label == "" {
			return "", texts.Err(ErrSyntax, texts.T("field.name.empty-label", "%q has an empty label (two dots in a row, or a leading dot)", in))
		}
	}
	ascii, err := idnaProfile.ToASCII(in)
	if err != nil {
		return "", describeIDNAError(in, err)
	}
	ascii = strings.ToLower(ascii)
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", texts.Err(ErrSyntax, texts.T("field.domain.no-dot", "%q has no dot: give the full domain, such as %s.nl", in, ascii))
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", texts.Err(ErrSyntax, texts.T("field.domain.numeric-tld", "%q ends in a number: a domain's last label is never all digits", in))
	}
	return ascii, nil
}

// describeIDNAError turns idna's terse errors into a reason that points at
// the broken label.
func describeIDNAError(in string, err error) error {
	for _, label := range strings.Split(in, ".") {
		switch {
		case len(label) > maxLabelLen && isASCII(label):
			return texts.Err(ErrTooLong, texts.T("field.label.too-long", "label %q is %d characters long; a label has at most %d", label, len(label), maxLabelLen))
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return texts.Err(ErrSyntax, texts.T("field.label.hyphen", "label %q starts or ends with a hyphen", label))
		}
		for _, r := range label {
			if r < 0x80 && !isLDH(r) {
				return texts.Err(ErrSyntax, texts.T("field.label.char-domain", "label %q contains %q: a domain name has only letters, digits and hyphens", label, r))
			}
		}
	}
	if len(in) > maxDomainLen {
		return texts.Err(ErrTooLong, texts.T("field.domain.too-long", "is %d characters long; a domain name has at most %d", len(in), maxDomainLen))
	}
	return texts.Err(ErrSyntax, texts.T("field.domain.invalid", "%q is not a valid domain name (%v)", in, err))
}

func isLDH(r rune) bool {
	return r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// NormalizeMatchDomain is NormalizeDomain for a match rule, which may start
// with a dot: ".example.nl" matches example.nl and every name under it.
func NormalizeMatchDomain(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil // empty matches any domain
	}
	if rest, ok := strings.CutPrefix(t, "."); ok {
		d, err := NormalizeDomain(rest)
		if err != nil {
			return "", err
		}
		return "." + d, nil
	}
	return NormalizeDomain(t)
}

// atext of RFC 5322 section 3.2.3: what a dot-atom local part may hold.
const atextSpecials = "!#$%&'*+-/=?^_`{|}~"

// CheckLocalPart checks the part of an address before the @ as a dot-atom
// (RFC 5322 section 3.2.3), allowing UTF-8 letters (RFC 6531). Quoted local
// parts are legal but so rare in business mail that accepting them would
// hide typing mistakes more often than it helps.
func CheckLocalPart(s string) error {
	if err := CheckText(s); err != nil {
		return err
	}
	switch {
	case s == "":
		return ErrEmpty
	case len(s) > maxLocalPartLen:
		return texts.Err(ErrTooLong, texts.T("field.local.too-long", "local part is %d bytes long; at most %d are allowed", len(s), maxLocalPartLen))
	case strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, ".."):
		return texts.Err(ErrSyntax, texts.T("field.local.dots", "local part %q has a dot at the start, the end, or twice in a row", s))
	}
	for _, r := range s {
		if r == '.' || r >= 0x80 || isLDH(r) || strings.ContainsRune(atextSpecials, r) {
			continue
		}
		return texts.Err(ErrSyntax, texts.T("field.local.char", "local part %q contains %q, which an address cannot hold unquoted", s, r))
	}
	return nil
}

// Address is a mail address split into its local part and ASCII domain.
type Address struct {
	Local  string
	Domain string
}

func (a Address) String() string { return a.Local + "@" + a.Domain }

// ParseAddress checks a bare address ("anna@bücher.de", no display name) and
// returns it with the domain in ASCII form.
func ParseAddress(s string) (Address, error) {
	if err := CheckText(s); err != nil {
		return Address{}, err
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return Address{}, ErrEmpty
	}
	if strings.ContainsAny(t, "<> ") {
		return Address{}, texts.Err(ErrSyntax, texts.T("field.address.bare", "%q: give the bare address, such as info@example.nl, without a name or brackets", t))
	}
	at := strings.LastIndexByte(t, '@')
	if at < 0 {
		return Address{}, texts.Err(ErrSyntax, texts.T("field.address.no-at", "%q has no @: an address looks like info@example.nl", t))
	}
	if err := CheckLocalPart(t[:at]); err != nil {
		if err == ErrEmpty {
			return Address{}, texts.Err(ErrSyntax, texts.T("field.address.no-local", "%q has nothing before the @", t))
		}
		return Address{}, err
	}
	domain, err := NormalizeDomain(t[at+1:])
	if err != nil {
		if err == ErrEmpty {
			return Address{}, texts.Err(ErrSyntax, texts.T("field.address.no-domain", "%q has nothing after the @", t))
		}
		return Address{}, err
	}
	return Address{Local: t[:at], Domain: domain}, nil
}

// NormalizeHost checks an SMTP server name or IP literal ("[2001:db8::1]"
// or "2001:db8::1" or "192.0.2.1") and returns the form to dial.
func NormalizeHost(s string) (string, error) {
	if err := CheckText(s); err != nil {
		return "", err
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return "", ErrEmpty
	}
	if strings.Contains(t, "://") {
		return "", texts.Err(ErrSyntax, texts.T("field.host.url", "%q is a URL: give only the server name, such as smtp.example.nl", t))
	}
	if inner, ok := strings.CutPrefix(t, "["); ok {
		t = strings.TrimSuffix(inner, "]")
	}
	if ip, err := netip.ParseAddr(t); err == nil {
		if ip.Zone() != "" {
			return "", texts.Err(ErrSyntax, texts.T("field.host.zone", "%q has an interface zone, which no other machine can reach", t))
		}
		return ip.String(), nil
	}
	if _, _, err := netSplitHostPort(t); err == nil {
		return "", texts.Err(ErrSyntax, texts.T("field.host.port", "%q includes a port: put the port in its own field", t))
	}
	host, err := NormalizeDomain(t)
	if err != nil {
		return "", err
	}
	return host, nil
}

// netSplitHostPort reports whether s is "name:digits".
func netSplitHostPort(s string) (string, string, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 || i == len(s)-1 || strings.Trim(s[i+1:], "0123456789") != "" {
		return "", "", ErrSyntax
	}
	return s[:i], s[i+1:], nil
}

// CheckPort accepts TCP ports 1-65535.
func CheckPort(p int) error {
	if p < 1 || p > 65535 {
		return texts.Err(ErrOutOfRange, texts.T("field.port.range", "%d is not a TCP port: use 1-65535", p))
	}
	return nil
}

// NormalizeSelector checks a DKIM selector: one or more DNS labels of
// letters, digits and hyphens (RFC 6376 section 3.1), stored lower case.
func NormalizeSelector(s string) (string, error) {
	if err := CheckText(s); err != nil {
		return "", err
	}
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return "", ErrEmpty
	}
	if strings.HasSuffix(t, "._domainkey") || strings.Contains(t, "._domainkey.") {
		return "", texts.Err(ErrSyntax, texts.T("field.selector.domainkey", "%q: give only the selector, without ._domainkey", t))
	}
	if len(t) > maxDomainLen {
		return "", texts.Err(ErrTooLong, texts.T("field.selector.too-long", "selector is %d characters long", len(t)))
	}
	for _, label := range strings.Split(t, ".") {
		switch {
		case label == "":
			return "", texts.Err(ErrSyntax, texts.T("field.selector.empty-label", "selector %q has an empty label", t))
		case len(label) > maxLabelLen:
			return "", texts.Err(ErrTooLong, texts.T("field.selector.label-too-long", "selector label %q is longer than %d characters", label, maxLabelLen))
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return "", texts.Err(ErrSyntax, texts.T("field.selector.hyphen", "selector %q starts or ends a label with a hyphen", t))
		}
		for _, r := range label {
			if !isLDH(r) {
				return "", texts.Err(ErrSyntax, texts.T("field.selector.char", "selector %q contains %q: use letters, digits and hyphens", t, r))
			}
		}
	}
	return t, nil
}

// idnaLenient converts IDN labels but, unlike idnaProfile, lets
// underscores through: record names such as _spf.example.nl or
// s1._domainkey.example.nl are DNS names but not host names (RFC 8552).
var idnaLenient = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(false), idna.VerifyDNSLength(true))

// NormalizeDNSName checks any DNS name (underscores allowed, one label is
// enough) such as an SPF include target or a CNAME record name, and returns
// its lower-case ASCII form.
func NormalizeDNSName(s string) (string, error) {
	if err := CheckText(s); err != nil {
		return "", err
	}
	t := strings.TrimSuffix(strings.TrimSpace(s), ".")
	if t == "" {
		return "", ErrEmpty
	}
	for _, label := range strings.Split(t, ".") {
		if label == "" {
			return "", texts.Err(ErrSyntax, texts.T("field.name.empty-label", "%q has an empty label (two dots in a row, or a leading dot)", t))
		}
		for _, r := range label {
			if r < 0x80 && !isLDH(r) && r != '_' {
				return "", texts.Err(ErrSyntax, texts.T("field.label.char-dns", "label %q contains %q: DNS names hold letters, digits, hyphens and underscores", label, r))
			}
		}
	}
	ascii, err := idnaLenient.ToASCII(t)
	if err != nil {
		return "", describeIDNAError(t, err)
	}
	for _, label := range strings.Split(ascii, ".") {
		if len(label) > maxLabelLen {
			return "", texts.Err(ErrTooLong, texts.T("field.label.longer", "label %q is longer than %d characters", label, maxLabelLen))
		}
	}
	return strings.ToLower(ascii), nil
}
