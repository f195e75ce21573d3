package checks

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable makes one line of text that came from elsewhere (a TXT value,
// an SMTP greeting, a certificate subject, a transcript line) safe to show
// in a terminal or a label: control characters, terminal escape
// sequences, bidirectional overrides and invalid UTF-8 become visible
// escapes (\x1b, \u202e), so a hostile value can neither move the cursor,
// recolour the terminal nor hide or reorder text around it.
func Printable(s string) string { return printable(s, false) }

// PrintableText is Printable for text of several lines: line feeds and
// tabs stay as they are.
func PrintableText(s string) string { return printable(s, true) }

func printable(s string, multiline bool) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size, multiline) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r, size, multiline) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r, size, multiline):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune, size int, multiline bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case multiline && (r == '\n' || r == '\t'):
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f:
		return true // bidirectional controls
	}
	return false
}
