package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// toReview walks the window from the DNS step of a hosted draft to the
// review: the records published, seen, and Next twice.
func toReview(t *testing.T, w *dnsWorld, lang i18n.Lang) (u *ui, win fyne.Window, draft string) {
	t.Helper()
	draft = hostedDraft(t, w, lang)
	u, win = openWizardWith(t, draft, lang, w.env)
	d := dnsView(t, u)
	waitFor(t, "the records", func() bool { return d.records != nil })
	publishByHand(t, d.records, w.ns1, w.ns2, w.resolver)
	waitFor(t, "every record seen", func() bool { return !u.running() && !u.next.Disabled() })
	test.Tap(u.next)
	transportsView(t, u)
	test.Tap(u.next)
	if _, ok := u.view.(*reviewStep); !ok {
		t.Fatalf("the window shows %T, want the review", u.view)
	}
	return u, win, draft
}

func resultText(s *reviewStep) string {
	var lines []string
	for _, o := range s.result.Objects {
		if l, ok := o.(*widget.Label); ok {
			lines = append(lines, l.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// The review shows the evidence; Finish first asks where to export and
// does not close; the export is the document setup writes; the draft is
// gone; then Finish closes the window.
func TestReviewExportsThenFinishes(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		t.Run(string(lang), func(t *testing.T) {
			test.NewTempApp(t)
			w := newDNSWorld(t)
			u, win, draft := toReview(t, w, lang)
			s := u.view.(*reviewStep)
			test.AssertRendersToMarkup(t, "review_"+string(lang)+".xml", win.Canvas())
			spy := &closeSpy{Window: win}
			u.win = spy

			test.Tap(u.next) // Finish
			if spy.closed || win.Canvas().Overlays().Top() == nil {
				t.Fatalf("Finish before the export: closed %v, save dialog shown %v", spy.closed, win.Canvas().Overlays().Top() != nil)
			}
			win.Canvas().Overlays().Top().Hide()

			out := filepath.Join(t.TempDir(), "example.nl.mailwizard.json")
			s.exportTo(chosenFile{path: out}) // what the save dialog calls with the chosen file
			waitFor(t, "the export", func() bool { return s.exported })
			doc, err := transports.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Secrets != nil {
				t.Errorf("secrets in the file without the admin's word: %+v", doc.Secrets)
			}
			if doc.Domain != "example.nl" || doc.Generator != wizard.Generator() || len(doc.Transports) != 1 || len(doc.DKIM) != 1 || len(doc.Evidence) != 2 {
				t.Errorf("document: domain %q, generator %q, %d transports, %d keys, %d proofs", doc.Domain, doc.Generator, len(doc.Transports), len(doc.DKIM), len(doc.Evidence))
			}
			if fi, err := os.Stat(out); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 { // no mode bits on Windows
				t.Errorf("export mode %v (%v), want 0600", fi.Mode().Perm(), err)
			}
			written := map[i18n.Lang]string{i18n.English: "Written: " + out, i18n.Dutch: "Geschreven: " + out}[lang]
			upload := map[i18n.Lang]string{i18n.English: "• Upload " + out, i18n.Dutch: "• Upload " + out}[lang]
			if got := resultText(s); !strings.HasPrefix(got, written) || !strings.Contains(got, upload) {
				t.Errorf("after the export:\n%s", got)
			}
			sealed := map[i18n.Lang]string{i18n.English: "The export carries no secrets", i18n.Dutch: "De export bevat geen geheimen"}[lang]
			if got := resultText(s); !strings.Contains(got, "\n"+sealed) {
				t.Errorf("the secrets' warning is missing:\n%s", got)
			}
			if _, err := os.Stat(draft); !os.IsNotExist(err) {
				t.Errorf("the draft is still there after the export: %v", err)
			}
			test.Tap(u.next)
			if !spy.closed {
				t.Error("Finish after the export does not close the window")
			}
			if _, err := os.Stat(draft); !os.IsNotExist(err) {
				t.Errorf("closing brought the draft back: %v", err)
			}
		})
	}
}

// An export that cannot be written says so, keeps the draft, and Finish
// still does not close.
func TestReviewExportFailureKeepsTheDraft(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win, draft := toReview(t, w, i18n.English)
	s := u.view.(*reviewStep)
	out := filepath.Join(t.TempDir(), "sub", "export.json")
	s.exportTo(chosenFile{path: out})
	waitFor(t, "the export to end", func() bool { return !u.running() })
	if s.exported || !s.other.Visible() || u.status.Text != "The configuration was not written." {
		t.Errorf("failed export: exported %v, message %q, status %q", s.exported, s.other.Text, u.status.Text)
	}
	u.saver.Close()
	if _, err := os.Stat(draft); err != nil {
		t.Errorf("the draft went after a failed export: %v", err)
	}
	spy := &closeSpy{Window: win}
	u.win = spy
	if win.Canvas().Overlays().Top() != nil {
		win.Canvas().Overlays().Top().Hide()
	}
	test.Tap(u.next)
	if spy.closed {
		t.Error("Finish closed the window without an export")
	}
}

// The secrets go into the file unsealed only when the admin ticks it, as
// with setup --include-secrets-plaintext.
func TestReviewPlaintextOnTheAdminsWord(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _, _ := toReview(t, w, i18n.English)
	s := u.view.(*reviewStep)
	if s.plaintext == nil || s.plaintext.Checked {
		t.Fatal("no unticked choice of plain-text secrets for a service without a sealing key")
	}
	s.plaintext.SetChecked(true)
	out := filepath.Join(t.TempDir(), "export.json")
	s.exportTo(chosenFile{path: out})
	waitFor(t, "the export", func() bool { return s.exported })
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Secrets) != 1 || doc.Secrets[0].Kind != "dkim-private-key" || !strings.Contains(doc.Secrets[0].Plaintext, "PRIVATE KEY") {
		t.Errorf("secrets %+v", doc.Secrets)
	}
}

// When our write fails after the save dialog emptied the chosen file, the
// proposed file (the document being changed) gets its content back, and
// a file the dialog created goes; a written file stays as written.
func TestChosenFileUndo(t *testing.T) {
	dir := t.TempDir()
	doc, created, written := filepath.Join(dir, "doc.json"), filepath.Join(dir, "new.json"), filepath.Join(dir, "ok.json")
	for _, p := range []string{doc, created} {
		os.WriteFile(p, nil, 0o644) // what the dialog leaves
	}
	os.WriteFile(written, []byte("{}"), 0o600)
	chosenFile{path: doc, old: []byte(`{"version": 2}`), mode: 0o600, had: true}.undo()
	chosenFile{path: created}.undo()
	chosenFile{path: written, old: []byte("old"), mode: 0o600, had: true}.undo()
	if raw, _ := os.ReadFile(doc); string(raw) != `{"version": 2}` {
		t.Errorf("the document holds %q after a failed export over it", raw)
	}
	if _, err := os.Stat(created); !os.IsNotExist(err) {
		t.Errorf("the empty file the dialog made stays: %v", err)
	}
	if raw, _ := os.ReadFile(written); string(raw) != "{}" {
		t.Errorf("a written file was put back to %q", raw)
	}
}

// closeSpy records that the window was closed without closing it: the
// test driver cannot close a window twice, and the test's cleanup does.
type closeSpy struct {
	fyne.Window
	closed bool
}

func (c *closeSpy) Close() { c.closed = true }
