package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// macroPart is a literal or one %{…} macro (RFC 7208 section 7).
type macroPart struct {
	literal string
	letter  byte // 0: literal
	upper   bool // an upper-case letter asks for URL escaping
	digits  int  // keep this many right-hand parts; 0: all
	reverse bool
	delims  string
}

// parseMacroString parses a macro-string. Letters c, r and t are allowed
// only in explanation text (RFC 7208 section 7.2); spaces only there too.
func parseMacroString(s string, explanation bool) ([]macroPart, error) {
	var parts []macroPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, macroPart{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if c < 0x21 && !(explanation && c == ' ') || c > 0x7e {
				return nil, fmt.Errorf("character %q is not allowed here", c)
			}
			lit.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf("%q ends with a lone %%", s)
		}
		i++
		switch s[i] {
		case '%':
			lit.WriteByte('%')
		case '_':
			lit.WriteByte(' ')
		case '-':
			lit.WriteString("%20")
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("macro in %q is not closed with }", s)
			}
			m, err := parseMacro(s[i+1:i+end], explanation)
			if err != nil {
				return nil, err
			}
			flush()
			parts = append(parts, m)
			i += end
		default:
			return nil, fmt.Errorf("%%%c is not a macro: write %%%% for a percent sign", s[i])
		}
	}
	flush()
	return parts, nil
}

func parseMacro(body string, explanation bool) (macroPart, error) {
	if body == "" {
		return macroPart{}, fmt.Errorf("empty macro %%{}")
	}
	m := macroPart{letter: body[0] | 0x20, upper: body[0] >= 'A' && body[0] <= 'Z'}
	switch m.letter {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't':
		if !explanation {
			return m, fmt.Errorf("macro %%{%c} is allowed only in explanation text", body[0])
		}
	default:
		return m, fmt.Errorf("unknown macro letter %q", body[0])
	}
	rest := body[1:]
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n > 0 {
		d, err := strconv.Atoi(rest[:n])
		if err != nil || d == 0 || d > 128 {
			return m, fmt.Errorf("macro %%{%s}: the number of parts must be 1-128", body)
		}
		m.digits = d
	}
	rest = rest[n:]
	if strings.HasPrefix(rest, "r") || strings.HasPrefix(rest, "R") {
		m.reverse, rest = true, rest[1:]
	}
	for _, c := range rest {
		if !strings.ContainsRune(".-+,/_=", c) {
			return m, fmt.Errorf("macro %%{%s}: %q is not a delimiter", body, c)
		}
	}
	m.delims = rest
	return m, nil
}

// macroEnv is what macros expand to during one check_host.
type macroEnv struct {
	sender   string // local@domain
	local    string
	senderD  string
	domain   string // current domain
	ip       netip.Addr
	helo     string
	receiver string
	now      func() time.Time
	ptr      func() string // validated domain of ip, for %{p}
}

func (e *macroEnv) value(letter byte) string {
	switch letter {
	case 's':
		return e.sender
	case 'l':
		return e.local
	case 'o':
		return e.senderD
	case 'd':
		return e.domain
	case 'i':
		return dottedIP(e.ip)
	case 'p':
		if e.ptr == nil {
			return "unknown"
		}
		return e.ptr()
	case 'v':
		if e.ip.Is4() {
			return "in-addr"
		}
		return "ip6"
	case 'h':
		return e.helo
	case 'c':
		return e.ip.String()
	case 'r':
		if e.receiver == "" {
			return "unknown"
		}
		return e.receiver
	case 't':
		now := time.Now
		if e.now != nil {
			now = e.now
		}
		return strconv.FormatInt(now().Unix(), 10)
	}
	return ""
}

// dottedIP is the i macro: IPv4 dotted, IPv6 as 32 dot-separated nibbles
// in upper case, as RFC 7208 section 7.4's example writes them.
func dottedIP(ip netip.Addr) string {
	if ip.Is4() {
		return ip.String()
	}
	b := ip.As16()
	nibbles := make([]string, 0, 32)
	for _, x := range b {
		nibbles = append(nibbles, strings.ToUpper(strconv.FormatUint(uint64(x>>4), 16)), strings.ToUpper(strconv.FormatUint(uint64(x&0xf), 16)))
	}
	return strings.Join(nibbles, ".")
}

func expandParts(parts []macroPart, env *macroEnv) string {
	var b strings.Builder
	for _, p := range parts {
		if p.letter == 0 {
			b.WriteString(p.literal)
			continue
		}
		v := env.value(p.letter)
		delims := p.delims
		if delims == "" {
			delims = "."
		}
		fields := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(delims, r) })
		if p.delims != "" || p.reverse || p.digits > 0 {
			if p.reverse {
				for i, j := 0, len(fields)-1; i < j; i, j = i+1, j-1 {
					fields[i], fields[j] = fields[j], fields[i]
				}
			}
			if p.digits > 0 && p.digits < len(fields) {
				fields = fields[len(fields)-p.digits:]
			}
			v = strings.Join(fields, ".")
		}
		if p.upper {
			v = urlEscape(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// urlEscape escapes all but RFC 3986 unreserved characters (RFC 7208
// section 7.3: upper-case macro letters are URL-escaped).
func urlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// expandDomain expands a domain-spec and shortens it from the left to 253
// characters (RFC 7208 section 7.3).
func expandDomain(spec string, env *macroEnv) (string, error) {
	parts, err := parseMacroString(spec, false)
	if err != nil {
		return "", err
	}
	d := strings.TrimSuffix(expandParts(parts, env), ".")
	for len(d) > 253 {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return d, nil
}
