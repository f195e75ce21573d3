package smtp

import (
	"bytes"
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

// record splits data into lines for dir, keeping a partial line buffered.
func (t *Transcript) record(dir string, data []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	buf := t.partial[dir]
	buf.Write(data)
	for {
		i := bytes.IndexByte(buf.Bytes(), '\n')
		if i < 0 {
			return
		}
		line := strings.TrimRight(string(buf.Next(i+1)), "\r\n")
		t.addLocked(dir, line)
	}
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
	case dir == "C" && strings.HasPrefix(upper, "AUTH "):
		fields := strings.Fields(line)
		line = strings.Join(fields[:2], " ")
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
		c.t.record("S", p[:n])
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
