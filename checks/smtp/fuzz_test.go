package smtp

import (
	"strings"
	"testing"
)

// FuzzTranscript: whatever crosses the wire, in whatever pieces, the
// transcript never shows what follows AUTH, never shows a message body,
// and never panics.
func FuzzTranscript(f *testing.F) {
	f.Add([]byte("220 hi\r\n"), []byte("AUTH PLAIN AHNlY3JldA==\r\n"), []byte("235 ok\r\n"))
	f.Add([]byte("334 VXNlcm5hbWU6\r\n"), []byte("AUTH LOGIN\r\nc2VjcmV0\r\n"), []byte("354 go\r\n"))
	f.Fuzz(func(t *testing.T, server, client, more []byte) {
		tr := NewTranscript()
		tr.record("S", server)
		tr.record("C", []byte("AUTH PLAIN SECRETPAYLOAD\r\n"))
		tr.record("C", client)
		tr.record("S", more)
		for _, l := range tr.Lines() {
			if strings.Contains(l.Text, "SECRETPAYLOAD") {
				t.Fatalf("an AUTH payload reached the transcript: %q", l.Text)
			}
			if strings.ContainsAny(l.Text, "\n") {
				t.Fatalf("a line holds a newline: %q", l.Text)
			}
		}
	})
}

// FuzzSMTPError: any reply text parses into a code and message.
func FuzzSMTPError(f *testing.F) {
	f.Add(535, "5.7.139 Authentication unsuccessful")
	f.Add(454, "4.7.0")
	f.Fuzz(func(t *testing.T, code int, msg string) {
		Explain(&Failure{PhaseAuth, smtpError(textprotoError(code, msg))}, Settings{Port: 587}, nil)
	})
}
