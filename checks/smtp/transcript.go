package smtp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Line is one line of the conversation, swaks-style: who spoke ("C" the
// client, "S" the server, "*" a note of ours), when, and what.
type Line struct {
	At   time.Duration `json:"at"`
	Dir  string        `json:"dir"`
	Text string        `json:"text"`
}

func (l Line) String() string {
	return fmt.Sprintf("%7.3fs %s %s", l.At.Seconds(), map[string]string{"C": "->", "S": "<-", "*": "=="}[l.Dir], l.Text)
}

// Transcript records a session. It never holds a secret: AUTH payloads
// and the client's lines during an AUTH exchange are replaced by ***, and
// the message body (which carries the verification code) by a summary.
type Transcript struct {
	mu      sync.Mutex
	start   time.Time
	lines   []Line
	partial map[string]*bytes.Buffer
	inAuth  bool
	inData  bool
	dataN   int
}

// NewTranscript starts an empty transcript now.
func NewTranscript() *Transcript {
	return &Transcript{start: time.Now(), partial: map[string]*bytes.Buffer{"C": {}, "S": {}}}
}

// Note adds a line of our own (connected, TLS established, ...).
func (t *Transcript) Note(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, Line{At: time.Since(t.start), Dir: "*", Text: fmt.Sprintf(format, args...)})
}

// Lines returns a copy of the lines so far.
func (t *Transcript) Lines() []Line {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Line(nil), t.lines...)
}

// String renders the transcript for people.
func (t *Transcript) String() string {
	var b strings.Builder
	for _, l := range t.Lines() {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Line limits of RFC 5321 section 4.5.3.1: a reply line is at most 512
// octets with its CRLF (4.5.3.1.5), a text line at most 1000 (4.5.3.1.6).
// A server line past the limit ends the session, so a hostile or broken
// peer cannot grow a buffer until the deadline; our own lines are only cut
// in the transcript.
const (
	maxReplyLine = 512
	maxTextLine  = 1000
)

var errReplyTooLong = errors.New("the server sent a reply line longer than RFC 5321 allows")

// record splits data into lines for dir, keeping a partial line buffered.
// It fails when the server's partial line passes maxReplyLine.
func (t *Transcript) record(dir string, data []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	buf := t.partial[dir]
	buf.Write(data)
	for {
		i := bytes.IndexByte(buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := buf.Next(i + 1)
		if dir == "S" && len(line) > maxReplyLine {
			t.addLocked(dir, cut(line, maxReplyLine))
			buf.Reset() // the session ends here; what followed is not read
			return errReplyTooLong
		}
		t.addLocked(dir, cut(line, maxTextLine))
	}
	switch {
	case dir == "S" && buf.Len() > maxReplyLine:
		t.addLocked(dir, cut(buf.Bytes(), maxReplyLine))
		buf.Reset()
		return errReplyTooLong
	case buf.Len() > maxTextLine:
		// Keep the start for the transcript; the rest of the line is dropped.
		t.addLocked(dir, cut(buf.Bytes(), maxTextLine))
		buf.Reset()
	}
	return nil
}

// cut renders a line without its line ending, shortened to max bytes.
func cut(line []byte, max int) string {
	s := strings.TrimRight(string(line), "\r\n")
	if len(s) > max {
		return s[:max] + fmt.Sprintf(" [... %d more bytes]", len(s)-max)
	}
	return s
}

// addLocked applies the redaction rules and appends the line.
func (t *Transcript) addLocked(dir, line string) {
	upper := strings.ToUpper(line)
	switch {
	case dir == "C" && t.inData:
		if line == "." {
			t.inData = false
			t.lines = append(t.lines, Line{At: time.Since(t.start), Dir: "*", Text: fmt.Sprintf("[message body: %d lines, not shown]", t.dataN)})
			break
		}
		t.dataN++
		return
	case dir == "C" && (upper == "AUTH" || strings.HasPrefix(upper, "AUTH ")):
		// Keep the mechanism, mask the initial response that may follow.
		fields := strings.Fields(line)
		line = fields[0]
		if len(fields) > 1 {
			line += " " + fields[1]
		}
		if len(fields) > 2 {
			line += " ***"
		}
		t.inAuth = true
	case dir == "C" && t.inAuth:
		line = "***"
	case dir == "S" && t.inAuth && !strings.HasPrefix(line, "334"):
		t.inAuth = false
	case dir == "S" && strings.HasPrefix(line, "354"):
		t.inData, t.dataN = true, 0
	}
	t.lines = append(t.lines, Line{At: time.Since(t.start), Dir: dir, Text: line})
}

// recordingConn records what crosses a connection, reads as the server's
// lines and writes as the client's. It wraps the plaintext side, above
// TLS, so the transcript shows the SMTP conversation itself.
type recordingConn struct {
	net.Conn
	t *Transcript
	// greeting is a line handed to go-smtp's client as if the server sent
	// it: after STARTTLS the server sends no new greeting, but the client
	// expects one when it is created. It is not recorded.
	greeting []byte
}

func (c *recordingConn) Read(p []byte) (int, error) {
	if len(c.greeting) > 0 {
		n := copy(p, c.greeting)
		c.greeting = c.greeting[n:]
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		if lerr := c.t.record("S", p[:n]); lerr != nil {
			return 0, lerr
		}
	}
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.t.record("C", p[:n])
	}
	return n, err
}

var _ io.ReadWriter = (*recordingConn)(nil)
