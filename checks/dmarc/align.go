package dmarc

import "strings"

// Alignment modes of the adkim= and aspf= tags (RFC 7489 section 6.3).
const (
	Relaxed = "r"
	Strict  = "s"
)

// Aligned reports whether an authenticated domain (a DKIM signature's d=,
// or the domain SPF checked: MAIL FROM's, or HELO's for the null sender)
// is aligned with the From domain (RFC 7489 section 3.1). Strict mode
// wants the same name; relaxed mode (the default) the same organisational
// domain, so that bounce.example.nl aligns with example.nl.
func Aligned(authenticated, from, mode string) bool {
	a := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(authenticated)), ".")
	f := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(from)), ".")
	if a == "" || f == "" {
		return false
	}
	if mode == Strict {
		return a == f
	}
	return OrgDomain(a) == OrgDomain(f)
}
