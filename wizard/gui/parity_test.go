package gui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard/cli"
)

// The same answers through the window and through `mailwizard setup`
// give the same document, timestamps aside: both faces are the same flow
// over package wizard, and the export is what the service reads.

func TestPathsSameDocumentAsSetup(t *testing.T) {
	cases := pathCases(t)
	// A generated key differs each run; the imported one is the same.
	for _, name := range []string{"hosted-imported", "noreply", "own-smtp"} {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			test.NewTempApp(t)
			w := newPinnedWorld(t)
			first := len(w.mail.Messages())

			t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // nothing of the window's in setup's draft place
			k, window := walkPath(t, w, c, false)
			checkExport(t, c, window)
			w.unpublish(k.published) // setup starts from the DNS the window started from

			terminal := runSetupFace(t, w, c)
			checkExport(t, c, terminal)

			a, b := comparableDocument(t, window), comparableDocument(t, terminal)
			if os.Getenv("MW_SHOW") != "" { // the document compared, to read
				t.Logf("%s", a)
			}
			if a != b {
				onlyWindow, onlySetup := lineDiff(a, b)
				if onlyWindow == "" && onlySetup == "" { // the same lines in another order: show both
					onlyWindow, onlySetup = a, b
				}
				t.Errorf("the window's and setup's documents differ:\nonly in the window's:\n%s\nonly in setup's:\n%s", onlyWindow, onlySetup)
			}
			// The codes prove the way; they are not evidence to hand on.
			for _, m := range w.mail.Messages()[first:] {
				code := codeInMail.FindStringSubmatch(string(m.Data))[1]
				for _, doc := range []string{window, terminal} {
					if raw, _ := os.ReadFile(doc); bytes.Contains(raw, []byte(code)) {
						t.Errorf("%s holds the code %s", filepath.Base(doc), code)
					}
				}
			}
			if c.typ == transports.SMTP && len(w.mail.Messages())-first != 4 {
				t.Errorf("%d code mails for two faces, want 2 each", len(w.mail.Messages())-first)
			}
		})
	}
}

// runSetupFace runs `mailwizard setup` in-process with the answers of c
// on standard input, one line a question, against the same servers, with
// a keychain of its own and its draft under a fresh XDG_CONFIG_HOME.
func runSetupFace(t *testing.T, w *pathWorld, c pathCase) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	out, zone := filepath.Join(dir, "setup.json"), filepath.Join(dir, "example.nl.zone")
	args := []string{"setup", "--lang", "en", "--dns-server", w.pinned, "--out", out, "--zone-out", zone, "--poll-interval", "20ms"}
	if c.typ == transports.SMTP {
		t.Setenv("MW_PARITY_PASSWORD", ownPassword)
		args = append(args, "--password-env", "MW_PARITY_PASSWORD")
	}
	stop := make(chan struct{})
	defer close(stop)
	go waitZoneFile(w.dns[0], zone, stop)

	in := feed(setupAnswers(t, w, c))
	defer in.Close() // a run that stopped early leaves the feeder blocked
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, args, cli.Stdio{In: in, Out: &stdout, Err: &stderr}, nil, cli.WithSecrets(secrets.NewMemory()), cli.WithRootCAs(w.ca.Pool))
	if code != cli.ExitOK {
		t.Fatalf("setup: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	return out
}

// setupAnswers are c's answers as setup asks them.
func setupAnswers(t *testing.T, w *pathWorld, c pathCase) []any {
	t.Helper()
	ps, err := transports.BuiltinProviders()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps, func(p *transports.Provider) bool { return p.Name == c.service })
	p := ps[i]
	yesNo := map[bool]string{true: "y", false: "n"}
	lines := []any{strconv.Itoa(i + 1), "example.nl", c.senders}
	if p.Supports(transports.Hosted) && len(p.Transports) > 1 {
		lines = append(lines, yesNo[c.dns]) // can you add DNS records?
	}
	lines = append(lines, strconv.Itoa(slices.Index(p.Transports, c.typ)+1))
	switch c.typ {
	case transports.Hosted:
		lines = append(lines, "y", c.keyFile, c.selector) // import a key: its file, its selector
	case transports.NoReply:
		lines = append(lines, yesNo[c.replyTo])
	case transports.SMTP:
		mode := map[transports.SendMode]string{transports.ModeRelay: "1", transports.ModeMailbox: "2"}[c.mode]
		n := len(w.mail.Messages())
		lines = append(lines, "n", "127.0.0.1", "1", strconv.Itoa(w.mail.Port), "1", "facturen@example.nl", mode, // no detection; starttls; a password
			"it@example.org", mailedCode(w.mail, n+1))
		if c.mode == transports.ModeMailbox {
			lines = append(lines, mailedCode(w.mail, n+2)) // the send-as code
		}
	}
	return append(lines, "", "y") // review and export; write it
}

// feed writes lines to a pipe as setup reads them; a func is called when
// reached (to wait for a mail) and its result written.
func feed(lines []any) *io.PipeReader {
	r, w := io.Pipe()
	go func() {
		defer w.Close()
		for _, l := range lines {
			text, _ := l.(string)
			if f, ok := l.(func() string); ok {
				text = f()
			}
			if _, err := io.WriteString(w, text+"\n"); err != nil {
				return
			}
		}
	}()
	return r
}

// mailedCode is the answer that waits for mail number n and gives its
// code, as the admin reads it; off the test goroutine, so it cannot fail
// the test itself: setup then refuses the wrong code.
func mailedCode(srv *smtptest.Server, n int) func() string {
	return func() string {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if msgs := srv.Messages(); len(msgs) >= n {
				if m := codeInMail.FindStringSubmatch(string(msgs[n-1].Data)); m != nil {
					return m[1]
				}
			}
		}
		return "NO-MAIL"
	}
}

// comparableDocument is the export without what differs per run whatever
// the answers:
//   - created: when the file was written;
//   - evidence[].at: when each check ran (for a code, when it was typed back);
//   - dns[].checked_at: when the name servers were last asked.
//
// Everything else (the transports, the key, the records expected and
// where they were seen, the servers, certificates and logins the checks
// saw, the settings fingerprints) follows from the answers and the world.
func comparableDocument(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "created")
	for key, field := range map[string]string{"evidence": "at", "dns": "checked_at"} {
		list, _ := doc[key].([]any)
		for _, e := range list {
			delete(e.(map[string]any), field)
		}
	}
	out, _ := json.MarshalIndent(doc, "", "  ")
	return string(out)
}

// lineDiff lists the lines of a not in b and of b not in a.
func lineDiff(a, b string) (onlyA, onlyB string) {
	count := map[string]int{}
	for _, l := range strings.Split(b, "\n") {
		count[l]++
	}
	var ra, rb []string
	for _, l := range strings.Split(a, "\n") {
		if count[l] > 0 {
			count[l]--
		} else {
			ra = append(ra, l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if count[l] > 0 {
			count[l]--
			rb = append(rb, l)
		}
	}
	return strings.Join(ra, "\n"), strings.Join(rb, "\n")
}
