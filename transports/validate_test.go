package transports

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeDomain(t *testing.T) {
	test := func(in, want string, wantErr error, msgPart string) {
		t.Helper()
		got, err := NormalizeDomain(in)
		if wantErr != nil {
			if !errors.Is(err, wantErr) {
				t.Errorf("NormalizeDomain(%q) error = %v, want %v", in, err, wantErr)
			} else if !strings.Contains(err.Error(), msgPart) {
				t.Errorf("NormalizeDomain(%q) error %q does not say %q", in, err, msgPart)
			}
			return
		}
		if err != nil || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	test("example.nl", "example.nl", nil, "")
	test("Example.NL.", "example.nl", nil, "")
	test("  mail.example.nl ", "mail.example.nl", nil, "")
	test("bücher.de", "xn--bcher-kva.de", nil, "")
	test("BÜCHER.de", "xn--bcher-kva.de", nil, "")
	test("xn--bcher-kva.de", "xn--bcher-kva.de", nil, "")
	test("例え.テスト", "xn--r8jz45g.xn--zckzah", nil, "")
	test("", "", ErrEmpty, "empty")
	test("example", "", ErrSyntax, "no dot")
	test("example..nl", "", ErrSyntax, "empty label")
	test(".example.nl", "", ErrSyntax, "empty label")
	test("-example.nl", "", ErrSyntax, "hyphen")
	test("exa_mple.nl", "", ErrSyntax, `contains '_'`)
	test("exa mple.nl", "", ErrSyntax, `contains ' '`)
	test("info@example.nl", "", ErrSyntax, "address, not a domain")
	test("https://example.nl/", "", ErrSyntax, "web address")
	test("example.123", "", ErrSyntax, "ends in a number")
	test("example.nl\r\nRCPT TO:<x@y.z>", "", ErrControlChar, "carriage return")
	test("exam\nple.nl", "", ErrControlChar, "line feed")
	test("example.nl\x00", "", ErrControlChar, "NUL")
	test(strings.Repeat("a", 64)+".nl", "", ErrTooLong, "at most 63")
	test(strings.Repeat("abcdefghi.", 26)+"nl", "", ErrTooLong, "at most 253")
	test("\xff.nl", "", ErrSyntax, "UTF-8")
}

func TestNormalizeMatchDomain(t *testing.T) {
	for in, want := range map[string]string{"": "", ".Example.NL": ".example.nl", ".bücher.de": ".xn--bcher-kva.de", "example.nl": "example.nl"} {
		if got, err := NormalizeMatchDomain(in); err != nil || got != want {
			t.Errorf("NormalizeMatchDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := NormalizeMatchDomain("..example.nl"); !errors.Is(err, ErrSyntax) {
		t.Errorf("NormalizeMatchDomain(..example.nl) error = %v, want ErrSyntax", err)
	}
}

func TestParseAddress(t *testing.T) {
	test := func(in, want string, wantErr error, msgPart string) {
		t.Helper()
		got, err := ParseAddress(in)
		if wantErr != nil {
			if !errors.Is(err, wantErr) || !strings.Contains(err.Error(), msgPart) {
				t.Errorf("ParseAddress(%q) error = %v, want %v saying %q", in, err, wantErr, msgPart)
			}
			return
		}
		if err != nil || got.String() != want {
			t.Errorf("ParseAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	test("info@example.nl", "info@example.nl", nil, "")
	test("Anna.de.Vries+crm@Bücher.de", "Anna.de.Vries+crm@xn--bcher-kva.de", nil, "")
	test("josé@example.es", "josé@example.es", nil, "")
	test("o'brien@example.ie", "o'brien@example.ie", nil, "")
	test("", "", ErrEmpty, "empty")
	test("example.nl", "", ErrSyntax, "no @")
	test("@example.nl", "", ErrSyntax, "nothing before the @")
	test("info@", "", ErrSyntax, "nothing after the @")
	test("Info <info@example.nl>", "", ErrSyntax, "bare address")
	test(".info@example.nl", "", ErrSyntax, "dot at the start")
	test("in..fo@example.nl", "", ErrSyntax, "twice in a row")
	test("in(fo@example.nl", "", ErrSyntax, `contains '('`)
	test(strings.Repeat("a", 65)+"@example.nl", "", ErrTooLong, "at most 64")
	test("info@example.nl\r\nBcc: victim@example.com", "", ErrControlChar, "carriage return")
	test("info@exa mple.nl", "", ErrSyntax, "bare address")
}

func TestNormalizeHost(t *testing.T) {
	good := map[string]string{
		"smtp.example.nl":    "smtp.example.nl",
		"SMTP.Office365.com": "smtp.office365.com",
		"192.0.2.25":         "192.0.2.25",
		"[192.0.2.25]":       "192.0.2.25",
		"2001:db8::25":       "2001:db8::25",
		"[2001:DB8::25]":     "2001:db8::25",
		"mail.bücher.de":     "mail.xn--bcher-kva.de",
	}
	for in, want := range good {
		if got, err := NormalizeHost(in); err != nil || got != want {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                        "empty",
		"smtp.example.nl:587":     "includes a port",
		"smtps://smtp.example.nl": "is a URL",
		"mailserver":              "no dot",
		"fe80::1%eth0":            "interface zone",
		"smtp.example.nl\n":       "line feed",
	}
	for in, want := range bad {
		if _, err := NormalizeHost(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeHost(%q) error = %v, want one saying %q", in, err, want)
		}
	}
}

func TestCheckPort(t *testing.T) {
	for _, p := range []int{1, 25, 465, 587, 2525, 65535} {
		if err := CheckPort(p); err != nil {
			t.Errorf("CheckPort(%d) = %v", p, err)
		}
	}
	for _, p := range []int{-1, 0, 65536, 100000} {
		if err := CheckPort(p); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("CheckPort(%d) = %v, want ErrOutOfRange", p, err)
		}
	}
}

func TestNormalizeSelector(t *testing.T) {
	good := map[string]string{"clockwise": "clockwise", "Selector1": "selector1", "s1.2026": "s1.2026", "clockwise-202611": "clockwise-202611"}
	for in, want := range good {
		if got, err := NormalizeSelector(in); err != nil || got != want {
			t.Errorf("NormalizeSelector(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                         "empty",
		"s1._domainkey":            "without ._domainkey",
		"s1._domainkey.example.nl": "without ._domainkey",
		"-s1":                      "hyphen",
		"s_1":                      `contains '_'`,
		"s1..x":                    "empty label",
		strings.Repeat("s", 64):    "longer than 63",
		"s1\r\n":                   "carriage return",
	}
	for in, want := range bad {
		if _, err := NormalizeSelector(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeSelector(%q) error = %v, want one saying %q", in, err, want)
		}
	}
}

func TestNormalizeDNSName(t *testing.T) {
	good := map[string]string{"_spf.clockwise.info": "_spf.clockwise.info", "mrsel1._domainkey": "mrsel1._domainkey", "SPF.Example.NL.": "spf.example.nl"}
	for in, want := range good {
		if got, err := NormalizeDNSName(in); err != nil || got != want {
			t.Errorf("NormalizeDNSName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "a..b", "a b.nl", "include:_spf.x.nl", strings.Repeat("x", 64) + ".nl"} {
		if _, err := NormalizeDNSName(in); err == nil {
			t.Errorf("NormalizeDNSName(%q) accepted", in)
		}
	}
}

func TestCheckTextNamesTheCharacter(t *testing.T) {
	for in, want := range map[string]string{"a\rb": "carriage return (CR) at position 2", "a\nb": "line feed (LF)", "\x00": "NUL byte", "a\x1bb": "U+001B", "a\tb": "tab"} {
		if err := CheckText(in); !errors.Is(err, ErrControlChar) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckText(%q) = %v, want it to name %q", in, err, want)
		}
	}
	if err := CheckText("Facturatie — België ✓"); err != nil {
		t.Errorf("CheckText of ordinary UTF-8 text: %v", err)
	}
}
