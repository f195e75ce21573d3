package transports

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The parsers face files and text from outside: a document from another
// machine, a profile from a support desk, whatever an admin pastes. They
// must never panic, and what they accept must survive a round trip.

func FuzzParseDocument(f *testing.F) {
	for _, path := range []string{goldenV1, goldenV2} {
		golden, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(golden)
	}
	f.Add([]byte(`{"version": 99}`))
	f.Add([]byte(`{"version": 1, "transports": [{"type": "smtp", "smtp": {"port": 1e400}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, err := Parse(raw)
		if err != nil {
			return
		}
		doc.Upgrade() // an older version is written as the current one
		out, err := doc.Marshal()
		if err != nil {
			t.Fatalf("Parse accepted a document that Marshal refuses: %v\n%s", err, raw)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("our own output does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(doc, again) {
			t.Fatalf("round trip changed the document:\n%+v\n%+v", doc, again)
		}
	})
}

func FuzzParseProvider(f *testing.F) {
	for _, name := range []string{"clockwise", "spinoffice", "perfectview", "spacewell", "custom"} {
		raw, err := os.ReadFile(filepath.Join("..", "resources", "providers", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParseProvider(raw)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParseProvider accepted a profile that Validate refuses: %v", err)
		}
	})
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"info@example.nl", "Anna+crm@Bücher.de", "a@b", "@", "x@-y.nl", "a\r\n@b.nl", "\"q\"@example.nl", "a@[192.0.2.1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(a.String(), "\r\n\x00 <>") {
			t.Fatalf("ParseAddress(%q) accepted %q", s, a)
		}
		b, err := ParseAddress(a.String())
		if err != nil || b != a {
			t.Fatalf("ParseAddress is not idempotent: %q -> %q -> %q, %v", s, a, b, err)
		}
	})
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"example.nl", "Bücher.DE.", "xn--bcher-kva.de", "例え.テスト", "a..b", "-a.nl", "a_b.nl", "xn--a.nl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := NormalizeDomain(s)
		if err != nil {
			return
		}
		if len(d) > maxDomainLen || d != strings.ToLower(d) || !isASCII(d) {
			t.Fatalf("NormalizeDomain(%q) = %q: not a short lower-case ASCII name", s, d)
		}
		if again, err := NormalizeDomain(d); err != nil || again != d {
			t.Fatalf("NormalizeDomain is not idempotent: %q -> %q -> %q, %v", s, d, again, err)
		}
		if m, err := NormalizeMatchDomain("." + d); err != nil || m != "."+d {
			t.Fatalf("a valid domain %q is not a valid match rule: %q, %v", d, m, err)
		}
	})
}
