package verdict

import (
	"context"
	"errors"
	"fmt"
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

// BenchmarkReadFolded reads a header of one field folded over many lines,
// up to the largest header ReadMessage accepts, and reads the fields of a
// 3 MB one directly (ReadMessage refuses that as ErrHeaderTooLarge): the
// time grows with the size, not with its square.
func BenchmarkReadFolded(b *testing.B) {
	for _, size := range []int{64 << 10, 512 << 10, MaxHeader - 4096} {
		msg := foldedHeader(size)
		b.Run(fmt.Sprintf("ReadMessage/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				if _, err := ReadMessage(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	msg := foldedHeader(3 << 20)
	lines := splitLines(msg)
	h := extend(lines, 0)
	b.Run("readFields/3MB", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			if _, err := readFields(lines, h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReadMessage/3MB-refused", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadMessage(msg); !errors.Is(err, ErrHeaderTooLarge) {
				b.Fatal(err)
			}
		}
	})
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
