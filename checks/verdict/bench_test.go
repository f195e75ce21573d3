package verdict

import (
	"context"
	"testing"
)

// BenchmarkReadMessage reads Gmail's shape of a signed message: the cost
// of the header reader alone.
func BenchmarkReadMessage(b *testing.B) {
	msg := render(b, "gmail_pass.eml")
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := ReadMessage(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is a whole verdict, the DKIM signature verified and the
// policy looked up, against the loopback DNS server (no cache: every
// verdict asks again).
func BenchmarkCheck(b *testing.B) {
	_, r := corpusDNS(b)
	msg := render(b, "gmail_pass.eml")
	for b.Loop() {
		if _, err := Check(context.Background(), r, msg, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
