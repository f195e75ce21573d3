package dmarc

import "testing"

// RFC 7489 section 3.1: strict wants the same name, relaxed the same
// organisational domain (from the public suffix list, so co.uk is not one).
func TestAligned(t *testing.T) {
	test := func(id, from, mode string, want bool) {
		t.Helper()
		if got := Aligned(id, from, mode); got != want {
			t.Errorf("Aligned(%q, %q, %q) = %v, want %v", id, from, mode, got, want)
		}
	}
	test("example.nl", "example.nl", Strict, true)
	test("Example.NL.", "example.nl", Strict, true)
	test("bounce.example.nl", "example.nl", Strict, false)
	test("bounce.example.nl", "example.nl", Relaxed, true)
	test("bounce.example.nl", "example.nl", "", true)
	test("example.nl", "news.example.nl", Relaxed, true)
	test("mail.example.co.uk", "example.co.uk", Relaxed, true)
	test("other.co.uk", "example.co.uk", Relaxed, false)
	test("service.test", "example.nl", Relaxed, false)
	test("", "example.nl", Relaxed, false)
	test("example.nl", "", Relaxed, false)
}
