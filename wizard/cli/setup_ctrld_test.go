//go:build linux

package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
)

// On a terminal, Ctrl-D at the paste skips it: setup goes on, asks what
// comes next, and writes the export without a verdict. Before, the end
// of input stuck, the next question failed "standard input ended", and
// setup ended before writing the export.
func TestSetupCtrlDSkipsThePaste(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	srv, _ := smtpServer(t)
	out := filepath.Join(dir, "example.json")
	master, slave := openPTY(t)
	const ctrlD = "\x04" // VEOF at the start of a line
	answers := []any{
		"2", "example.nl", "facturen, relay", "", "n", "127.0.0.1", "", strconv.Itoa(srv.Port), "",
		"relay@example.nl", "", "it@example.org", codeFrom(srv, 1),
		"y",   // paste the code mail
		ctrlD, // no: skip it
		"",    // no other transport
		"",    // write the export
	}
	go func() {
		for _, a := range answers {
			text := ""
			switch v := a.(type) {
			case string:
				text = v + "\n"
				if v == ctrlD {
					text = v
				}
			case func() string:
				text = v() + "\n"
			}
			time.Sleep(20 * time.Millisecond) // one read per answer, as typed
			if _, err := io.WriteString(master, text); err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	code := run(ctx, []string{"setup", "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD"},
		Stdio{In: slave, Out: &stdout, Err: &stderr}, nil)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "then a line with only a dot (.). Ctrl-D (Ctrl-Z on Windows) skips it:") ||
		!strings.Contains(stderr.String(), "The paste was skipped; nothing was checked.") {
		t.Errorf("the paste's prompt and its skip:\n%s", stderr.String())
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatalf("no export: %v\n%s", err, stderr.String())
	}
	for _, ev := range doc.Evidence {
		if ev.Check == "mail.verdict" {
			t.Errorf("a verdict from a skipped paste: %+v", ev)
		}
	}
}

// A pipe's end is the end: every later read gets io.EOF, as before.
func TestLineReaderEndsAtThePipesEnd(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("one\n")
	w.Close()
	l := newLineReader(r)
	defer l.Close()
	for i, want := range []error{nil, io.EOF, io.EOF} {
		if _, err := l.ReadLine(t.Context()); err != want {
			t.Errorf("read %d: %v, want %v", i, err, want)
		}
	}
}
