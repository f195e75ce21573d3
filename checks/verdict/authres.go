package verdict

import (
	"errors"
	"strconv"
	"strings"
)

// Results is one Authentication-Results field (RFC 8601 section 2.2) or
// ARC-Authentication-Results field (RFC 8617 section 4.1.1) as read.
//
// go-msgauth's authres parser is not used: it splits at every ";",
// also inside comments such as opendkim's "(2048-bit key; unprotected)",
// keeps no comments (Microsoft 365 gives the sender's IP only in one:
// "spf=pass (sender IP is 192.0.2.1)"), reads no quoted strings
// (reason="..."), and refuses Microsoft's fields, which name no
// authserv-id at all.
type Results struct {
	Field string `json:"field"` // the field name, as written
	Line  int    `json:"line"`  // where it starts in the paste
	index int    // its position among the message's fields
	// Instance is the ARC set's i= (0 for Authentication-Results).
	Instance int `json:"instance,omitempty"`
	// AuthservID names the server that added the field, lower case; ""
	// when it names none, as Microsoft 365 writes them.
	AuthservID string         `json:"authserv_id"`
	Methods    []MethodResult `json:"methods"`
}

// MethodResult is one method's result: "dkim=pass header.d=example.nl".
type MethodResult struct {
	Method string `json:"method"` // lower case: spf, dkim, dmarc, arc, iprev, compauth, ...
	Result string `json:"result"` // lower case: pass, fail, softfail, none, ...
	Reason string `json:"reason,omitempty"`
	// Props are the properties (smtp.mailfrom, header.d, header.from,
	// ...) and other key=value pairs Microsoft adds (action=none).
	Props    map[string]string `json:"props,omitempty"`
	Comments []string          `json:"comments,omitempty"`
}

// Prop returns a property's value, "" when absent.
func (m MethodResult) Prop(name string) string { return m.Props[name] }

var (
	errNoAuthservID = errors.New("no authserv-id")
	errARCInstance  = errors.New("no i= instance at the start (RFC 8617 section 4.1.1)")
)

// ParseAuthResults reads the body of an Authentication-Results field, or
// of an ARC-Authentication-Results field when arc is set. Comments are
// kept with the result they stand in; a result it cannot read is left
// out rather than failing the field.
func ParseAuthResults(value string, arc bool) (*Results, error) {
	clean, comments := stripComments(value)
	segs := splitOutsideQuotes(clean, ';')
	res := &Results{Methods: []MethodResult{}}
	if arc {
		i, ok := strings.CutPrefix(strings.TrimSpace(segs[0].text), "i=")
		n, err := strconv.Atoi(strings.TrimSpace(i))
		if !ok || err != nil || n < 1 || n > 50 {
			return nil, errARCInstance
		}
		res.Instance = n
		segs = segs[1:]
		if len(segs) == 0 {
			return nil, errNoAuthservID
		}
	}
	first := segs[0]
	if len(pairs(first.text)) == 0 {
		words := strings.Fields(first.text)
		if len(words) == 0 {
			return nil, errNoAuthservID
		}
		res.AuthservID = strings.ToLower(unquote(words[0]))
		segs = segs[1:]
	}
	for _, seg := range segs {
		kvs := pairs(seg.text)
		if len(kvs) == 0 {
			continue // "none", or an empty result after a trailing ";"
		}
		m := MethodResult{Method: strings.ToLower(kvs[0].key), Result: strings.ToLower(kvs[0].value)}
		if i := strings.IndexByte(m.Method, '/'); i > 0 {
			m.Method = m.Method[:i] // method-version
		}
		for _, kv := range kvs[1:] {
			k := strings.ToLower(kv.key)
			if k == "reason" {
				m.Reason = kv.value
				continue
			}
			if m.Props == nil {
				m.Props = map[string]string{}
			}
			if _, dup := m.Props[k]; !dup {
				m.Props[k] = kv.value
			}
		}
		for _, c := range comments {
			if c.at >= seg.start && c.at <= seg.end {
				m.Comments = append(m.Comments, c.text)
			}
		}
		res.Methods = append(res.Methods, m)
	}
	return res, nil
}

// comment is a parenthesised comment and where it stood in the text with
// comments removed.
type comment struct {
	text string
	at   int
}

// stripComments removes RFC 5322 comments (nested, with quoted-pairs),
// each replaced by a space, outside quoted strings; it returns the text
// and the comments. An unclosed comment runs to the end.
func stripComments(s string) (string, []comment) {
	var out strings.Builder
	var comments []comment
	var cur strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case depth == 0 && quoted:
			out.WriteByte(c)
			if c == '\\' && i+1 < len(s) {
				i++
				out.WriteByte(s[i])
			} else if c == '"' {
				quoted = false
			}
		case depth == 0 && c == '"':
			quoted = true
			out.WriteByte(c)
		case depth == 0 && c == '(':
			depth = 1
			cur.Reset()
		case depth == 0:
			out.WriteByte(c)
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '(':
			depth++
			cur.WriteByte(c)
		case c == ')':
			depth--
			if depth == 0 {
				comments = append(comments, comment{text: strings.Join(strings.Fields(cur.String()), " "), at: out.Len()})
				out.WriteByte(' ')
			} else {
				cur.WriteByte(c)
			}
		default:
			cur.WriteByte(c)
		}
	}
	if depth > 0 {
		comments = append(comments, comment{text: strings.Join(strings.Fields(cur.String()), " "), at: out.Len()})
	}
	return out.String(), comments
}

// segment is a part of the text between separators, with its bounds.
type segment struct {
	text       string
	start, end int
}

// splitOutsideQuotes splits at sep where it is not inside a quoted string.
func splitOutsideQuotes(s string, sep byte) []segment {
	var out []segment
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			out = append(out, segment{s[start:i], start, i})
			start = i + 1
		}
	}
	return append(out, segment{s[start:], start, len(s)})
}

type keyValue struct{ key, value string }

// pairs reads key=value pairs from a result: keys of letters, digits and
// "._-/", whitespace allowed around "=" (CFWS in RFC 8601's grammar),
// values a quoted string or a run up to whitespace. Words that are not
// key=value are passed over.
func pairs(s string) []keyValue {
	var out []keyValue
	i := 0
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		k := i
		for i < len(s) && isKeyChar(s[i]) {
			i++
		}
		key := s[k:i]
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if key == "" || j >= len(s) || s[j] != '=' {
			for i < len(s) && !isSpace(s[i]) { // not a pair: skip the word
				i++
			}
			continue
		}
		j++
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		v := j
		if j < len(s) && s[j] == '"' {
			j++
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
		} else {
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
		}
		out = append(out, keyValue{key, unquote(s[v:j])})
		i = j
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/'
}

// unquote undoes a quoted string ("a \"b\"" to a "b"); other text is
// returned as it is.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' {
		return s
	}
	s = strings.TrimSuffix(s[1:], `"`)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
