package verdict

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Errors of ReadMessage: the pasted text is not something to judge. Both
// are the admin's input, never a finding about their mail.
var (
	ErrEmpty     = errors.New("verdict: nothing was pasted")
	ErrNotHeader = errors.New("verdict: the text is not a mail header")
	ErrTooLarge  = errors.New("verdict: the text is too large")
	ErrNoFrom    = errors.New("verdict: the header has no From address")
)

// MaxMessage bounds a paste: a message with attachments of a few megabytes
// still fits; a runaway pipe does not fill memory.
const MaxMessage = 32 << 20

// maxFields bounds the header fields read; real headers have a few hundred
// at most, even after many hops.
const maxFields = 2000

// Field is one header field as pasted.
type Field struct {
	Name string
	// Value is the field body unfolded (RFC 5322 section 2.2.3: each line
	// break before whitespace removed), without the space after the colon.
	Value string
	// Raw is the field as it came, folded lines joined by CRLF, without
	// the final CRLF: what DKIM signs.
	Raw string
	// Line is the 1-based line of the paste the field starts on.
	Line int
}

// Message is a pasted message: its header fields top (newest) to bottom
// (oldest), and its body if one was pasted.
type Message struct {
	Fields []Field
	// Body is the body with CRLF line ends, nil when only the header was
	// pasted (Outlook's "Internet headers", or a header cut off at a line
	// that is not a header line).
	Body []byte
	// Skipped is how many lines before the header were passed over: blank
	// lines, Gmail's summary table, an mbox "From " line.
	Skipped int
	// StoppedAt is the line at which a header without a body ended in text
	// that is not a header line (0 when it ended normally).
	StoppedAt int
}

// HasBody reports whether a body was pasted, so that DKIM body hashes can
// be checked.
func (m *Message) HasBody() bool { return m.Body != nil }

// All returns the fields named name (case-insensitive), top to bottom.
func (m *Message) All(name string) []Field {
	var out []Field
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	return out
}

// index returns the positions of the fields named name, top to bottom.
func (m *Message) index(name string) []int {
	var out []int
	for i, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, i)
		}
	}
	return out
}

// Wire is the message as it travelled: CRLF line ends, the header fields
// as pasted, the empty line, the body. DKIM verifies these bytes.
func (m *Message) Wire() []byte {
	var b bytes.Buffer
	for _, f := range m.Fields {
		b.WriteString(f.Raw)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(m.Body)
	return b.Bytes()
}

// ReadMessage reads a message or its header as an admin pastes it: with
// any mix of CRLF, LF and CR line ends (and the CR CR LF some Windows
// copies make), blank lines or a uniform indent from copying, Gmail's
// "Show original" summary table before the real header, an mbox "From "
// line, folded fields and raw UTF-8 (RFC 6532). It finds the header as
// the first block of header fields that carries trace or authentication
// fields (Received, Return-Path, Authentication-Results, DKIM-Signature,
// ...), else the first that has a From field.
func ReadMessage(text []byte) (*Message, error) {
	if len(text) > MaxMessage {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrTooLarge, len(text), MaxMessage)
	}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	lines := splitLines(text)
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, ErrEmpty
	}
	dedent(lines)
	b, ok := findHeader(lines)
	if !ok {
		return nil, ErrNotHeader
	}
	m := &Message{Skipped: b.start}
	for i := b.start; i < b.end; i++ {
		l := lines[i]
		if isWSP(l) && len(m.Fields) > 0 {
			f := &m.Fields[len(m.Fields)-1]
			f.Raw += "\r\n" + l
			f.Value += l
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		m.Fields = append(m.Fields, Field{Name: strings.TrimRight(name, " \t"), Value: value, Raw: l, Line: i + 1})
		if len(m.Fields) > maxFields {
			return nil, fmt.Errorf("%w: more than %d header fields", ErrTooLarge, maxFields)
		}
	}
	for i := range m.Fields {
		m.Fields[i].Value = strings.TrimSpace(m.Fields[i].Value)
	}
	switch {
	case b.blank:
		if body := lines[b.end+1:]; hasText(body) {
			m.Body = joinCRLF(body)
		}
	case b.end < len(lines):
		m.StoppedAt = b.end + 1
	}
	return m, nil
}

// splitLines splits at CRLF, LF, CR and CR CR LF alike: a paste may mix
// them, and a lone CR from an old Mac copy is a line end too.
func splitLines(text []byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			out = append(out, string(text[start:i]))
			start = i + 1
		case '\r':
			out = append(out, string(text[start:i]))
			switch {
			case i+1 < len(text) && text[i+1] == '\n':
				i++
			case i+2 < len(text) && text[i+1] == '\r' && text[i+2] == '\n':
				i += 2
			}
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, string(text[start:]))
	}
	return out
}

// dedent removes an indent that copying gave every line: when the first
// line with text starts with whitespace and is a header field after it,
// that whitespace is taken off every line that starts with it.
func dedent(lines []string) {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		trimmed := strings.TrimLeft(l, " \t")
		indent := l[:len(l)-len(trimmed)]
		if indent == "" || !isFieldLine(trimmed) {
			return
		}
		for i, m := range lines {
			lines[i] = strings.TrimPrefix(m, indent)
		}
		return
	}
}

// block is a run of header lines: [start, end), and whether an empty line
// ends it (a body follows), rather than the end of the text or a line that
// is not a header line.
type block struct {
	start, end int
	blank      bool
	trace      bool // it has a trace or authentication field
	from       bool
}

// findHeader picks the header among the runs of header lines.
func findHeader(lines []string) (block, bool) {
	var firstFrom, cutTrace *block
	for i := 0; i < len(lines); i++ {
		if !isFieldLine(lines[i]) {
			continue
		}
		b := scanBlock(lines, i)
		switch {
		case b.trace && (b.blank || b.end == len(lines)):
			return b, true
		case b.trace && cutTrace == nil && b.end-b.start >= 3:
			cutTrace = &b
		case b.from && firstFrom == nil && (b.blank || b.end == len(lines)):
			firstFrom = &b
		}
		i = b.end
	}
	if cutTrace != nil {
		return *cutTrace, true
	}
	if firstFrom != nil {
		return *firstFrom, true
	}
	return block{}, false
}

// traceFields are the fields only a message that travelled carries; a
// summary table or a quoted header in a body has none of them.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "authentication-results": true, "arc-authentication-results": true,
	"dkim-signature": true, "received-spf": true, "delivered-to": true, "x-received": true, "arc-seal": true,
}

func scanBlock(lines []string, start int) block {
	b := block{start: start}
	j := start
	for ; j < len(lines); j++ {
		l := lines[j]
		switch {
		case strings.TrimSpace(l) == "": // trailing spaces from a copy still end the header
			b.end, b.blank = j, true
			return b
		case isWSP(l):
		case isFieldLine(l):
			name, _, _ := strings.Cut(l, ":")
			name = strings.ToLower(strings.TrimRight(name, " \t"))
			b.trace = b.trace || traceFields[name]
			b.from = b.from || name == "from"
		default:
			b.end = j
			return b
		}
	}
	b.end = j
	return b
}

// isFieldLine reports whether l starts a header field: a name of printable
// ASCII without a colon, optional whitespace (RFC 5322 section 4.5.3, the
// obsolete form), then the colon.
func isFieldLine(l string) bool {
	i := 0
	for i < len(l) && l[i] > ' ' && l[i] < 0x7f && l[i] != ':' {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return i < len(l) && l[i] == ':'
}

func isWSP(l string) bool { return l != "" && (l[0] == ' ' || l[0] == '\t') }

func hasText(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// joinCRLF joins body lines with CRLF, each line ended: DKIM's
// canonicalisations end a body with one CRLF either way (RFC 6376
// section 3.4.3 and 3.4.4).
func joinCRLF(lines []string) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
