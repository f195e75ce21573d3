// Package taglist parses the tag=value lists of DKIM key records (RFC 6376
// section 3.2) and DMARC records (RFC 7489 section 6.4), keeping the raw
// values so a checker can say exactly what was published wrong.
package taglist

import (
	"fmt"
	"strings"
)

// Tag is one tag=value, with the value as published (whitespace kept).
type Tag struct {
	Name  string
	Value string // trimmed of surrounding whitespace, inner whitespace kept
}

// List is the tags in published order.
type List []Tag

// Get returns the value of the named tag (names are case-sensitive, RFC
// 6376 section 3.2) and whether it is present.
func (l List) Get(name string) (string, bool) {
	for _, t := range l {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// Parse splits s at ";" into tags. Empty specs (a trailing ";") are
// allowed; a spec without "=", a malformed name or a repeated name is an
// error, as RFC 6376 section 3.2 says ("Tags with duplicate names MUST NOT
// occur").
func Parse(s string) (List, error) {
	var out List
	seen := map[string]bool{}
	for _, spec := range strings.Split(s, ";") {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		name, value, ok := strings.Cut(spec, "=")
		name = strings.TrimSpace(name)
		if !ok {
			return out, fmt.Errorf("%q is not tag=value", strings.TrimSpace(spec))
		}
		if !validName(name) {
			return out, fmt.Errorf("%q is not a tag name (a letter, then letters, digits or _)", name)
		}
		if seen[name] {
			return out, fmt.Errorf("tag %s= appears twice", name)
		}
		seen[name] = true
		out = append(out, Tag{Name: name, Value: strings.TrimSpace(value)})
	}
	return out, nil
}

// ParseLenient reads what it can of a tag list that may be broken: specs
// without "=" or with a malformed name are passed over, and of two equal
// tags the first is kept. A header field of a received message (a
// DKIM-Signature, an ARC-Seal) is read this way to name its d= and s= in
// an explanation even when it is malformed: the signature's verifier
// (go-msgauth) says why it is, and a record the wizard judges is read
// strictly with Parse.
func ParseLenient(s string) List {
	var out List
	seen := map[string]bool{}
	for _, spec := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(spec, "=")
		name = strings.TrimSpace(name)
		if !ok || !validName(name) || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, Tag{Name: name, Value: strings.TrimSpace(value)})
	}
	return out
}

func validName(n string) bool {
	if n == "" || !isAlpha(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if !isAlpha(n[i]) && !(n[i] >= '0' && n[i] <= '9') && n[i] != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
