// Package spf evaluates and explains SPF records (RFC 7208).
//
// The evaluator is our own, on our own resolver, rather than
// blitiri.com.ar/go/spf: receivers parse the whole record and return
// permerror for a syntax error anywhere in it, while that library stops at
// the first matching term and is lenient with malformed names (172 of the
// openspf suite's 203 cases). We also need what a verdict alone does not
// give: the count of DNS-querying terms through includes, the void
// lookups, and a trace of each step, to tell the admin why. The whole
// openspf RFC 7208 suite runs as data in suite_test.go.
package spf

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Mechanism is a directive: qualifier and mechanism (RFC 7208 section 5).
type Mechanism struct {
	Qualifier byte   // '+', '-', '~' or '?'
	Name      string // all, include, a, mx, ptr, ip4, ip6, exists (lower case)
	Domain    string // domain-spec as written (macros unexpanded); "" for the current domain
	Prefix    netip.Prefix
	CIDR4     int // a/mx: prefix length for IPv4, 32 when absent
	CIDR6     int // a/mx: prefix length for IPv6, 128 when absent
	Raw       string
}

// QueriesDNS reports whether the mechanism costs one of the ten DNS
// lookups an evaluation may make (RFC 7208 section 4.6.4).
func (m *Mechanism) QueriesDNS() bool {
	switch m.Name {
	case "include", "a", "mx", "ptr", "exists":
		return true
	}
	return false
}

// Modifier is name=value (RFC 7208 section 6).
type Modifier struct {
	Name  string // lower case
	Value string
	Raw   string
}

// Record is a parsed SPF record.
type Record struct {
	Raw        string
	Mechanisms []*Mechanism
	Redirect   *Modifier
	Exp        *Modifier
	Unknown    []*Modifier
}

// SyntaxError says which term of a record is wrong and why.
type SyntaxError struct {
	Term   string
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Term == "" {
		return "spf: " + e.Reason
	}
	return fmt.Sprintf("spf: term %q: %s", e.Term, e.Reason)
}

// ErrNotSPF is returned by Parse for text that is not an SPF record.
var ErrNotSPF = errors.New("spf: not an SPF record (it must start with v=spf1)")

// IsSPF reports whether a TXT record is an SPF record: "v=spf1" (any
// case) followed by a space or the end (RFC 7208 section 4.5).
func IsSPF(txt string) bool {
	if len(txt) < 6 || !strings.EqualFold(txt[:6], "v=spf1") {
		return false
	}
	return len(txt) == 6 || txt[6] == ' '
}

var (
	modifierName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
	dualCIDR     = regexp.MustCompile(`(/(0|[1-9][0-9]{0,1}))?(//(0|[1-9][0-9]{0,2}))?$`)
)

// Parse checks a whole record against the grammar of RFC 7208 section 12.
// Every term is checked, also after one that would match: receivers do the
// same and return permerror for an error anywhere.
func Parse(txt string) (*Record, error) {
	if !IsSPF(txt) {
		return nil, ErrNotSPF
	}
	for i := 0; i < len(txt); i++ {
		if c := txt[i]; c < 0x20 || c > 0x7e {
			return nil, &SyntaxError{Reason: fmt.Sprintf("character 0x%02x at position %d: an SPF record is 7-bit ASCII text (RFC 7208 section 3.1)", c, i+1)}
		}
	}
	r := &Record{Raw: txt}
	for _, term := range strings.Split(txt[6:], " ") {
		if term == "" {
			continue // terms are separated by one or more spaces
		}
		if err := r.addTerm(term); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Record) addTerm(term string) error {
	// A modifier is name=...; a mechanism never has "=" before ":" or "/".
	if i := strings.IndexAny(term, "=:/"); i > 0 && term[i] == '=' {
		name, value := strings.ToLower(term[:i]), term[i+1:]
		if !modifierName.MatchString(term[:i]) {
			return &SyntaxError{Term: term, Reason: "modifier name must start with a letter and hold only letters, digits, - _ ."}
		}
		mod := &Modifier{Name: name, Value: value, Raw: term}
		switch name {
		case "redirect", "exp":
			if _, err := parseMacroString(value, false); err != nil {
				return &SyntaxError{Term: term, Reason: err.Error()}
			}
			if err := checkDomainEnd(value); err != nil {
				return &SyntaxError{Term: term, Reason: err.Error()}
			}
			slot := &r.Redirect
			if name == "exp" {
				slot = &r.Exp
			}
			if *slot != nil {
				return &SyntaxError{Term: term, Reason: name + "= appears twice (RFC 7208 section 6)"}
			}
			*slot = mod
		default:
			if _, err := parseMacroString(value, true); err != nil {
				return &SyntaxError{Term: term, Reason: err.Error()}
			}
			r.Unknown = append(r.Unknown, mod)
		}
		return nil
	}
	m, err := parseMechanism(term)
	if err != nil {
		return err
	}
	r.Mechanisms = append(r.Mechanisms, m)
	return nil
}

func parseMechanism(term string) (*Mechanism, error) {
	m := &Mechanism{Qualifier: '+', Raw: term, CIDR4: 32, CIDR6: 128}
	body := term
	if strings.ContainsRune("+-~?", rune(body[0])) {
		m.Qualifier, body = body[0], body[1:]
	}
	end := strings.IndexAny(body, ":/")
	if end < 0 {
		end = len(body)
	}
	m.Name = strings.ToLower(body[:end])
	rest := body[end:] // "", ":domain-spec…" or "/cidr…"
	bad := func(why string) error { return &SyntaxError{Term: term, Reason: why} }
	spec := func() (string, error) {
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			return "", bad(m.Name + " needs a domain: " + m.Name + ":example.com")
		}
		if err := checkDomainSpec(rest[1:]); err != nil {
			return "", bad(err.Error())
		}
		return rest[1:], nil
	}
	var err error
	switch m.Name {
	case "all":
		if rest != "" {
			return nil, bad("all takes no argument")
		}
	case "include", "exists":
		m.Domain, err = spec()
	case "ptr":
		if rest != "" {
			m.Domain, err = spec()
		}
	case "a", "mx":
		cidr := dualCIDR.FindStringSubmatch(rest)
		if cidr[2] != "" {
			m.CIDR4, _ = strconv.Atoi(cidr[2])
		}
		if cidr[4] != "" {
			m.CIDR6, _ = strconv.Atoi(cidr[4])
		}
		if m.CIDR4 > 32 || m.CIDR6 > 128 {
			return nil, bad("prefix length out of range (at most /32 for IPv4 and //128 for IPv6)")
		}
		if rest = rest[:len(rest)-len(cidr[0])]; rest != "" {
			m.Domain, err = spec()
		}
	case "ip4", "ip6":
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			return nil, bad(m.Name + " needs an address: " + m.Name + ":192.0.2.0/24")
		}
		if m.Prefix, err = parseNetwork(m.Name, rest[1:]); err != nil {
			return nil, bad(err.Error())
		}
	default:
		return nil, bad("unknown mechanism (known: all, include, a, mx, ptr, ip4, ip6, exists)")
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// parseNetwork reads ip4-network [ip4-cidr-length] or the IPv6 form.
// Leading zeros in a prefix length are not allowed by the grammar.
func parseNetwork(kind, arg string) (netip.Prefix, error) {
	addrText, lenText, hasLen := strings.Cut(arg, "/")
	addr, err := netip.ParseAddr(addrText)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address", addrText)
	}
	max := 32
	if kind == "ip4" {
		if !addr.Is4() {
			return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 address", addrText)
		}
	} else {
		if !addr.Is6() {
			return netip.Prefix{}, fmt.Errorf("%q is not an IPv6 address", addrText)
		}
		max = 128
	}
	bits := max
	if hasLen {
		if lenText == "" || len(lenText) > 1 && lenText[0] == '0' || strings.Trim(lenText, "0123456789") != "" {
			return netip.Prefix{}, fmt.Errorf("malformed prefix length /%s", lenText)
		}
		bits, _ = strconv.Atoi(lenText)
		if bits > max {
			return netip.Prefix{}, fmt.Errorf("prefix length /%d is longer than %d", bits, max)
		}
	}
	return netip.PrefixFrom(addr, bits).Masked(), nil
}

// checkDomainSpec checks domain-spec = macro-string domain-end.
func checkDomainSpec(spec string) error {
	if _, err := parseMacroString(spec, false); err != nil {
		return err
	}
	return checkDomainEnd(spec)
}

// checkDomainEnd: the spec must end in a macro or in "." toplabel ["."],
// where toplabel is not all digits (RFC 7208 section 7.1).
func checkDomainEnd(spec string) error {
	s := strings.TrimSuffix(spec, ".")
	if strings.HasSuffix(s, "}") && strings.Contains(s, "%{") {
		return nil // ends in a macro-expand
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return fmt.Errorf("%q is not a domain name (no dot before the last label)", spec)
	}
	top := s[i+1:]
	if !isTopLabel(top) {
		return fmt.Errorf("%q does not end in a valid top-level label", spec)
	}
	return nil
}

func isTopLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	alpha := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			alpha = true
		case c >= '0' && c <= '9' || c == '-':
		default:
			return false
		}
	}
	// All digits is an IP address, not a name; "1-2" has a hyphen and is
	// allowed by the second form of toplabel.
	return alpha || strings.Contains(l, "-")
}

// String renders the record with single spaces, as it would be published.
func (r *Record) String() string {
	terms := []string{"v=spf1"}
	for _, m := range r.Mechanisms {
		terms = append(terms, m.Raw)
	}
	for _, mod := range []*Modifier{r.Redirect, r.Exp} {
		if mod != nil {
			terms = append(terms, mod.Raw)
		}
	}
	for _, mod := range r.Unknown {
		terms = append(terms, mod.Raw)
	}
	return strings.Join(terms, " ")
}
