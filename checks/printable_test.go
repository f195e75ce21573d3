package checks

import "testing"

func TestPrintable(t *testing.T) {
	test := func(in, want, wantText string) {
		t.Helper()
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
		if got := PrintableText(in); got != wantText {
			t.Errorf("PrintableText(%q) = %q, want %q", in, got, wantText)
		}
	}
	test("220 mx.example.nl ESMTP", "220 mx.example.nl ESMTP", "220 mx.example.nl ESMTP")
	test("220 \x1b[2J\x1b[31mhacked", `220 \x1b[2J\x1b[31mhacked`, `220 \x1b[2J\x1b[31mhacked`)
	test("a\rb", `a\x0db`, `a\x0db`)
	test("line\nnext\tcol", `line\x0anext\x09col`, "line\nnext\tcol")
	test("bücher \u202eevil", `bücher \u202eevil`, `bücher \u202eevil`)
	test("c1 \u009b2J", `c1 \x9b2J`, `c1 \x9b2J`)
	test("bad \xff utf8", `bad \xff utf8`, `bad \xff utf8`)
}

func FuzzPrintable(f *testing.F) {
	f.Add("220 \x1b]0;title\x07 ok")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Printable(s), PrintableText(s)} {
			for _, r := range out {
				if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x202e {
					t.Fatalf("%q kept %U", s, r)
				}
			}
		}
		for _, r := range Printable(s) {
			if r == '\n' {
				t.Fatalf("Printable(%q) kept a line feed", s)
			}
		}
	})
}
