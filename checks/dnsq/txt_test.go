package dnsq

import "testing"

// EscapeTXT and the unescaping of TXT strings are each other's inverse
// for any bytes, and the escaped form is printable ASCII only, so a zone
// fragment or an nsupdate line carries exactly the value.
func FuzzEscapeTXT(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", `"\`, "\\065", "\x00\xff\t", "é", "( ) ; $ORIGIN", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := EscapeTXT(s)
		for i := 0; i < len(esc); i++ {
			if esc[i] < 0x20 || esc[i] > 0x7e {
				t.Fatalf("EscapeTXT(%q) = %q holds the byte %#x", s, esc, esc[i])
			}
		}
		if got := string(appendUnescaped(nil, esc)); got != s {
			t.Fatalf("EscapeTXT(%q) = %q reads back as %q", s, esc, got)
		}
	})
}
