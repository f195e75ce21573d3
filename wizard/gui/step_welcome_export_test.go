package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mailwizard/checks/poll"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// exported writes a document as the review step would, with a hosted
// transport whose records were published and seen, and returns its path.
func exported(t *testing.T, w *dnsWorld) string {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := wizard.Drafts{Path: hostedDraft(t, w, i18n.English)}.Load()
	must(err)
	records, err := wizard.DNSRecords(context.Background(), w.env, st, nil)
	must(err)
	publishByHand(t, records, w.ns1, w.ns2, w.resolver)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := wizard.PollDNS(ctx, w.env, st, records, poll.Options{Interval: 20 * time.Millisecond})
	must(err)
	for ev := range events {
		wizard.RecordPoll(w.env, st, records, ev)
	}
	out := filepath.Join(t.TempDir(), "example.nl.mailwizard.json")
	_, err = wizard.Export(w.env, st, wizard.ExportOptions{Path: out, Generator: wizard.Generator()})
	must(err)
	return out
}

// Welcome opens an exported configuration as setup --from-export does:
// its answers replace the draft's, the window shows the transports step,
// and the review proposes the same file.
func TestWelcomeOpensAnExport(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	doc := exported(t, w)
	draft := filepath.Join(t.TempDir(), "draft.json")
	u, win := openWizardWith(t, draft, i18n.English, w.env)
	s := welcome(t, u)
	test.Tap(findButton(t, s.box, "Open an exported configuration…"))
	if win.Canvas().Overlays().Top() == nil {
		t.Fatal("the button shows no file dialog")
	}
	win.Canvas().Overlays().Top().Hide()

	s.openExport(doc) // what the file dialog calls with the chosen file
	ts := transportsView(t, u)
	st := u.flow.State
	if st.Domain != "example.nl" || st.Provider != "spacewell" || st.FromExport != doc || len(ts.list.Objects) != 1 {
		t.Errorf("opened: domain %q, provider %q, from %q, %d cards", st.Domain, st.Provider, st.FromExport, (len(ts.list.Objects)+1)/2)
	}
	if u.title.Text != "Transports and rules" || u.back.Disabled() {
		t.Errorf("header %q, Back disabled %v", u.title.Text, u.back.Disabled())
	}
	if dir, name := (&reviewStep{u: u}).proposed(); filepath.Join(dir, name) != doc {
		t.Errorf("the export is proposed as %s, want over %s", filepath.Join(dir, name), doc)
	}
	u.close()
	raw, _ := os.ReadFile(draft)
	if !strings.Contains(string(raw), `"from_export": "`+doc+`"`) {
		t.Errorf("the draft does not remember the document:\n%s", raw)
	}
	// Started again, the window resumes the change, not a new wizard.
	u2, _ := openWizardWith(t, draft, "", w.env)
	transportsView(t, u2)
}

// A file that is not an export is refused in words, in the window's
// language, and the answers stay as they were.
func TestWelcomeRefusesABadExport(t *testing.T) {
	test := func(lang i18n.Lang, content, want string) {
		t.Helper()
		w := newDNSWorld(t)
		path := filepath.Join(t.TempDir(), "x.json")
		os.WriteFile(path, []byte(content), 0o600)
		u, _ := openWizardWith(t, filepath.Join(t.TempDir(), "draft.json"), lang, w.env)
		s := welcome(t, u)
		s.radio.SetSelected("SpinOffice")
		s.openExport(path)
		if s != u.view || !s.other.Visible() || !strings.Contains(s.other.Text, want) || u.flow.State.Provider != "spinoffice" {
			t.Errorf("%s %q: view %T, message %q, provider %q", lang, content, u.view, s.other.Text, u.flow.State.Provider)
		}
	}
	testApp(t)
	test(i18n.English, "not json", "x.json cannot be opened: is not valid JSON")
	test(i18n.English, strings.Replace(string(mustRead(t, exported(t, newDNSWorld(t)))), `"provider": "spacewell"`, `"provider": "nosuch"`, 1), `names provider "nosuch"`)
	test(i18n.Dutch, "not json", "x.json kan niet worden geopend: is geen geldige JSON")
}

func testApp(t *testing.T) { test.NewTempApp(t) }

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// The welcome step with its two ways in, in Dutch.
func TestWelcomeGoldenDutch(t *testing.T) {
	test.NewTempApp(t)
	_, win := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.Dutch)
	test.AssertRendersToMarkup(t, "welcome_nl.xml", win.Canvas())
}
