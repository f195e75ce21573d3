package secrets

import (
	"strings"
	"testing"
)

// FuzzParseHeader: a main entry is read from a keychain anyone with the
// user's session can write. Whatever it holds, parsing does not panic, a
// header it accepts names a sane number of parts, and a v2 header written
// from what it read reads back the same.
func FuzzParseHeader(f *testing.F) {
	f.Add("c0rrect horse")
	f.Add("mailwizard-chunked:v1:2:" + strings.Repeat("ab", 32))
	f.Add("mailwizard-chunked:v2:b:3:" + strings.Repeat("0f", 32))
	f.Add("mailwizard-chunked:v2:c:3:" + strings.Repeat("0f", 32))
	f.Add("mailwizard-chunked:v9:1")
	f.Fuzz(func(t *testing.T, v string) {
		h, err := parseHeader(v)
		if err != nil {
			return
		}
		if h.n == 0 {
			if strings.HasPrefix(v, chunkPrefix) {
				t.Fatalf("%q read as a whole secret", v)
			}
			return
		}
		if h.n > maxParts {
			t.Fatalf("%q names %d parts", v, h.n)
		}
		if h.gen == "" {
			return // v1: read, never written
		}
		if back, err := parseHeader(h.String()); err != nil || back != h {
			t.Fatalf("%q: %+v written as %q reads back as %+v, %v", v, h, h.String(), back, err)
		}
	})
}
