package transports

import (
	"strings"

	"mailwizard/texts"
)

// Match selects the mail a transport sends. An empty field matches
// anything. Domain "example.nl" matches that domain only; ".example.nl"
// matches it and every subdomain. Comparisons ignore case: local parts are
// case-sensitive in theory (RFC 5321 section 2.4) but no mail system an
// admin meets treats Billing@ and billing@ as different people.
type Match struct {
	LocalPart string `json:"local_part,omitempty"`
	Domain    string `json:"domain,omitempty"`
	Subsystem string `json:"subsystem,omitempty"`
}

// Validate checks the fields; the domain must be stored in ASCII form.
func (m Match) Validate() error {
	var errs FieldErrors
	if m.LocalPart != "" {
		errs.add("local_part", CheckLocalPart(m.LocalPart))
	}
	if d, err := NormalizeMatchDomain(m.Domain); err != nil {
		errs.add("domain", err)
	} else if d != m.Domain {
		errs.add("domain", texts.Err(ErrNotCanonical, texts.T("field.not-canonical", "must be written %q", d)))
	}
	if m.Subsystem != "" {
		errs.add("subsystem", checkIdentifier(m.Subsystem))
	}
	return errs.err()
}

// Normalized returns m with the domain in ASCII form, so a rule typed as
// "Bücher.de" is stored and compared as "xn--bcher-kva.de".
func (m Match) Normalized() (Match, error) {
	d, err := NormalizeMatchDomain(m.Domain)
	if err != nil {
		return m, &FieldError{Field: "domain", Err: err}
	}
	m.Domain = d
	m.LocalPart = strings.TrimSpace(m.LocalPart)
	m.Subsystem = strings.ToLower(strings.TrimSpace(m.Subsystem))
	return m, m.Validate()
}

// Matches reports whether mail from addr for subsystem falls under m. The
// address must already be parsed (ASCII domain).
func (m Match) Matches(addr Address, subsystem string) bool {
	if m.LocalPart != "" && !strings.EqualFold(m.LocalPart, addr.Local) {
		return false
	}
	if m.Subsystem != "" && !strings.EqualFold(m.Subsystem, subsystem) {
		return false
	}
	return domainCovers(m.Domain, addr.Domain)
}

// domainCovers reports whether the rule domain covers name, which is either
// a plain domain or itself a rule with a leading dot.
func domainCovers(rule, name string) bool {
	rule, name = strings.ToLower(rule), strings.ToLower(name)
	switch {
	case rule == "":
		return true
	case strings.HasPrefix(rule, "."):
		base := rule[1:]
		n := strings.TrimPrefix(name, ".")
		return n == base || strings.HasSuffix(n, rule)
	default:
		return rule == name
	}
}

// covers reports whether every sender m2 matches is also matched by m, which
// makes a later m2 unreachable.
func (m Match) covers(m2 Match) bool {
	fieldCovers := func(a, b string) bool { return a == "" || strings.EqualFold(a, b) }
	return fieldCovers(m.LocalPart, m2.LocalPart) &&
		fieldCovers(m.Subsystem, m2.Subsystem) &&
		(m.Domain == "" || m2.Domain != "" && domainCovers(m.Domain, m2.Domain))
}

// String describes the rule for people: "billing@example.nl (subsystem
// invoices)", "any sender".
func (m Match) String() string {
	local, domain := m.LocalPart, m.Domain
	var s string
	switch {
	case local == "" && domain == "":
		s = "any sender"
	case domain == "":
		s = local + "@ any domain"
	case strings.HasPrefix(domain, "."):
		s = orStar(local) + "@" + domain[1:] + " and its subdomains"
	default:
		s = orStar(local) + "@" + domain
	}
	if m.Subsystem != "" {
		s += " (subsystem " + m.Subsystem + ")"
	}
	return s
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// checkIdentifier accepts short lower-case names such as subsystem and
// provider IDs: letters, digits, hyphens and underscores.
func checkIdentifier(s string) error {
	if err := CheckText(s); err != nil {
		return err
	}
	if s == "" {
		return ErrEmpty
	}
	if len(s) > maxLabelLen {
		return texts.Err(ErrTooLong, texts.T("field.identifier.too-long", "%q is longer than %d characters", s, maxLabelLen))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return texts.Err(ErrSyntax, texts.T("field.identifier.syntax", "%q may hold only lower-case letters, digits, - and _", s))
		}
	}
	return nil
}
