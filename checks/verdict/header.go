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
	// ErrOtherDomain: the message is from another domain than the one
	// expected (see OtherDomainError).
	ErrOtherDomain = errors.New("verdict: the message is from another domain")
	// ErrHeaderTooLarge: the part read as the header is larger than any
	// real header; it is an ErrTooLarge too.
	ErrHeaderTooLarge = fmt.Errorf("%w: the header", ErrTooLarge)
)

// MaxMessage bounds a paste: a message with attachments of a few megabytes
// still fits; a runaway pipe does not fill memory.
const MaxMessage = 32 << 20

// MaxHeader bounds the header part of a paste. Real headers are a few
// kilobytes, some tens after many hops and ARC sets; a megabyte of header
// lines is not a header that travelled.
const MaxHeader = 1 << 20

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
	// lines, Gmail's summary table, an mbox "From " line; SkippedText is
	// how many of them held text.
	Skipped, SkippedText int
	// Joined is how many lines inside the header did not start a field
	// and were read as part of the field above (a copy that lost the
	// indent of folded lines); JoinedAt is the first of them.
	Joined, JoinedAt int
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
	for _, i := range m.index(name) {
		out = append(out, m.Fields[i])
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
// line, folded fields, folded lines that lost their indent, and raw UTF-8
// (RFC 6532). The header starts at the first run of header fields that
// carries trace or authentication fields (Received, Return-Path,
// Authentication-Results, DKIM-Signature, ...), else at the first with a
// From field (see header_find.go). It takes time linear in the text, so
// it needs no context.
func ReadMessage(text []byte) (*Message, error) {
	if len(text) > MaxMessage {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrTooLarge, len(text), MaxMessage)
	}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, ErrEmpty
	}
	lines := splitLines(text)
	dedent(lines)
	h, ok := findHeader(lines)
	if !ok {
		return nil, ErrNotHeader
	}
	if size := h.size(lines); size > MaxHeader {
		return nil, fmt.Errorf("%w: %d bytes; at most %d", ErrHeaderTooLarge, size, MaxHeader)
	}
	m := &Message{Skipped: h.start}
	for _, l := range lines[:h.start] {
		if strings.TrimSpace(l) != "" && !isPreamble(l) {
			m.SkippedText++
		}
	}
	var err error
	if m.Fields, err = readFields(lines, h); err != nil {
		return nil, err
	}
	for _, j := range h.joined {
		if m.Joined++; m.JoinedAt == 0 {
			m.JoinedAt = j + 1
		}
	}
	switch {
	case h.blank:
		if body := lines[h.end+1:]; hasText(body) {
			m.Body = joinCRLF(body)
		}
	case h.end < len(lines):
		m.StoppedAt = h.end + 1
	}
	return m, nil
}

// isPreamble reports whether l is a line that precedes a header in the
// ways messages are saved: an mbox "From " line (RFC 4155), or the first
// line of Outlook's Internet headers dialog.
func isPreamble(l string) bool {
	return strings.HasPrefix(l, "From ") || strings.TrimSpace(l) == "Microsoft Mail Internet Headers Version 2.0"
}

// readFields reads the header's lines into fields. A line that starts
// with whitespace continues the field above (RFC 5322 section 2.2.3); so
// does a line the header scan found inside the header without a field
// name (pasted wrapping): it is joined as if it had kept its indent, the
// fold restored with one space (which DKIM's relaxed canonicalisation,
// RFC 6376 section 3.4.2, reads as any other). Each field is built once,
// with a strings.Builder: time linear in the header, however folded.
func readFields(lines []string, h header) ([]Field, error) {
	var out []Field
	var raw, value strings.Builder
	joined := map[int]bool{}
	for _, j := range h.joined {
		joined[j] = true
	}
	flush := func() {
		if len(out) > 0 {
			f := &out[len(out)-1]
			f.Raw, f.Value = raw.String(), strings.TrimSpace(value.String())
		}
		raw.Reset()
		value.Reset()
	}
	for i := h.start; i < h.end; i++ {
		l := lines[i]
		switch {
		case len(out) > 0 && isWSP(l):
			raw.WriteString("\r\n")
			raw.WriteString(l)
			value.WriteString(l)
			continue
		case len(out) > 0 && joined[i]:
			raw.WriteString("\r\n ")
			raw.WriteString(l)
			value.WriteString(" ")
			value.WriteString(l)
			continue
		}
		flush()
		if len(out) == maxFields {
			return nil, fmt.Errorf("%w: more than %d header fields", ErrTooLarge, maxFields)
		}
		name, v, _ := strings.Cut(l, ":")
		out = append(out, Field{Name: strings.TrimRight(name, " \t"), Line: i + 1})
		raw.WriteString(l)
		value.WriteString(v)
	}
	flush()
	return out, nil
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
