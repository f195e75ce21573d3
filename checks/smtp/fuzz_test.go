package smtp

import (
	"strings"
	"testing"
)

// FuzzTranscript: whatever crosses the wire, in whatever pieces, the
// transcript never panics, never shows what follows an AUTH command or
// the lines of its exchange, never shows a message body, and never keeps
// a line longer than the limits.
func FuzzTranscript(f *testing.F) {
	f.Add([]byte("220 hi\r\n"), []byte("AUTH PLAIN AHNlY3JldA==\r\n"), []byte("235 ok\r\n"))
	f.Add([]byte("334 VXNlcm5hbWU6\r\n"), []byte("AUTH LOGIN\r\nc2VjcmV0\r\n"), []byte("354 go\r\n"))
	f.Add([]byte("220 hi\r\n"), []byte("AUTH \r\n"), []byte("334 \r\n"))
	f.Add([]byte("220 hi\r\n"), []byte("auth\r\n"), []byte(""))
	f.Fuzz(func(t *testing.T, server, client, more []byte) {
		tr := NewTranscript()
		tr.record("S", append(server, "\r\n"...)) // the exchange below starts on fresh lines
		tr.record("C", append(client, "\r\n"...))
		tr.record("C", []byte("AUTH PLAIN SECRETPAYLOAD\r\n"))
		tr.record("S", []byte("334 \r\n"))
		tr.record("C", []byte("SECRETCONTINUATION\r\n"))
		tr.record("S", more)
		tr.record("C", client)
		for _, l := range tr.Lines() {
			if strings.Contains(l.Text, "SECRETPAYLOAD") || strings.Contains(l.Text, "SECRETCONTINUATION") {
				t.Fatalf("an AUTH payload reached the transcript: %q", l.Text)
			}
			if f := strings.Fields(l.Text); l.Dir == "C" && len(f) > 2 && strings.EqualFold(f[0], "AUTH") && f[2] != "***" {
				t.Fatalf("an AUTH line shows its initial response: %q", l.Text)
			}
			if strings.ContainsAny(l.Text, "\n") {
				t.Fatalf("a line holds a newline: %q", l.Text)
			}
			if len(l.Text) > maxTextLine+40 {
				t.Fatalf("a line of %d bytes was kept", len(l.Text))
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
