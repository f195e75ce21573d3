package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailwizard/checks/dnsq"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// openWizard starts the wizard in a test window with its draft in a
// temporary directory, as Run does with a real window. Its network is a
// DNS server that does not answer; tests of the network steps use
// openWizardWith and the loopback servers.
func openWizard(t *testing.T, draft string, lang i18n.Lang) (*ui, fyne.Window) {
	t.Helper()
	env := &wizard.Env{DNS: &dnsq.Client{Pinned: "127.0.0.1:9", Timeout: 200 * time.Millisecond}, Secrets: secrets.NewMemory()}
	return openWizardWith(t, draft, lang, env)
}

func openWizardWith(t *testing.T, draft string, lang i18n.Lang, env *wizard.Env) (*ui, fyne.Window) {
	t.Helper()
	sess, err := wizard.Start(wizard.Options{DraftPath: draft, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	uiQueue = queue{ch: make(chan func(), 4096)} // nothing left from another test
	u := newUIWith(w, sess, env, uiQueue.push)
	w.Resize(minWindowSize)
	t.Cleanup(u.close)
	return u, w
}

func welcome(t *testing.T, u *ui) *welcomeStep {
	t.Helper()
	s, ok := u.view.(*welcomeStep)
	if !ok {
		t.Fatalf("the window shows %T, want the welcome step", u.view)
	}
	return s
}

func TestWelcomeNeedsAProvider(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	test.AssertRendersToMarkup(t, "welcome.xml", w.Canvas())

	// Next waits for a service; an unanswered question is not marked as
	// a mistake.
	if !u.next.Disabled() {
		t.Fatal("Next is enabled before a service is chosen")
	}
	u.markLive()
	s := welcome(t, u)
	if s.fields["provider"].err.Visible() {
		t.Errorf("the unanswered service is marked: %q", s.fields["provider"].err.Text)
	}
	s.radio.SetSelected("ClockWise")
	if u.next.Disabled() {
		t.Error("Next stays disabled with a service chosen")
	}
	test.AssertRendersToMarkup(t, "welcome_clockwise.xml", w.Canvas())
}

func TestWalkToSummaryAndResume(t *testing.T) {
	test.NewTempApp(t)
	draft := filepath.Join(t.TempDir(), "draft.json")
	u, _ := openWizard(t, draft, i18n.English)

	s := welcome(t, u)
	s.radio.SetSelected("ClockWise")
	if !strings.Contains(s.details.Text, "include:_spf.clockwise.info") {
		t.Errorf("ClockWise details do not show the SPF include: %q", s.details.Text)
	}
	test.Tap(u.next)
	d, ok := u.view.(*domainStep)
	if !ok {
		t.Fatalf("after Next the window shows %T", u.view)
	}
	if u.title.Text != "Your domain" || u.position.Text != "Step 2 of 5" || u.back.Disabled() {
		t.Errorf("header %q %q, back disabled %v", u.title.Text, u.position.Text, u.back.Disabled())
	}
	test.Type(d.entry, "bücher.de")
	if d.ascii.Text != "In DNS this domain is written xn--bcher-kva.de" {
		t.Errorf("IDN hint %q", d.ascii.Text)
	}

	// The window closes (or the machine crashes) here: the draft has it all.
	u.close()
	u2, _ := openWizard(t, draft, "")
	d2, ok := u2.view.(*domainStep)
	if !ok || d2.entry.Text != "bücher.de" {
		t.Fatalf("resumed at %T with %q, want the domain step with what was typed", u2.view, d2.entry.Text)
	}
	test.Tap(u2.next)
	if _, ok := u2.view.(*typeStep); !ok {
		t.Fatalf("after Next the window shows %T", u2.view)
	}
	if u2.title.Text != "How the service sends" || u2.flow.State.Domain != "xn--bcher-kva.de" {
		t.Errorf("type step: title %q, domain %q", u2.title.Text, u2.flow.State.Domain)
	}
	test.Tap(u2.back)
	test.Tap(u2.back)
	if welcome(t, u2).radio.Selected != "ClockWise" {
		t.Error("going back lost the chosen service")
	}
}

func TestDomainStepMarksABadDomain(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	welcome(t, u).radio.SetSelected("SpinOffice")
	test.Tap(u.next)
	d := u.view.(*domainStep)
	test.Type(d.entry, "info@example.nl")
	if !u.next.Disabled() {
		t.Fatal("Next is enabled for an address typed as the domain")
	}
	u.markLive() // what the pause after typing does
	if msg := d.fields["domain"].err.Text; !strings.Contains(msg, "use the part after @") {
		t.Errorf("domain field shows %q", msg)
	}
	test.AssertRendersToMarkup(t, "domain_error.xml", w.Canvas())
}

func TestCustomProviderFieldsAreMarked(t *testing.T) {
	test.NewTempApp(t)
	u, _ := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	s := welcome(t, u)
	if s.custom.Visible() {
		t.Error("the custom form shows before Other service is chosen")
	}
	s.radio.SetSelected("Other service")
	if !s.custom.Visible() {
		t.Fatal("choosing Other service does not show its form")
	}
	test.Type(s.fields["custom.name"].input.(*keyEntry), "Acme Mailer")
	test.Type(s.fields["custom.sending_ranges"].input.(*keyEntry), "192.0.2.1/24")
	u.markLive()
	if msg := s.fields["custom.sending_ranges"].err.Text; !strings.Contains(msg, "write 192.0.2.0/24") {
		t.Errorf("sending ranges field shows %q", msg)
	}
	if s.fields["custom.name"].err.Visible() {
		t.Errorf("a correct name is marked: %q", s.fields["custom.name"].err.Text)
	}
}

func TestLanguageSwitchRebuildsTheWindow(t *testing.T) {
	test.NewTempApp(t)
	draft := filepath.Join(t.TempDir(), "draft.json")
	u, _ := openWizard(t, draft, "")
	welcome(t, u).lang.SetSelected("Nederlands")
	if u.title.Text != "Welkom" || u.next.Text != "Volgende" || u.position.Text != "Stap 1 van 5" {
		t.Errorf("after choosing Nederlands: %q %q %q", u.title.Text, u.next.Text, u.position.Text)
	}
	if !strings.Contains(strings.Join(welcome(t, u).radio.Options, ","), "Andere dienst") {
		t.Errorf("the custom choice is not translated: %v", welcome(t, u).radio.Options)
	}
	u.close()
	raw, _ := os.ReadFile(draft)
	if !strings.Contains(string(raw), `"lang": "nl"`) {
		t.Errorf("the language choice was not saved: %s", raw)
	}
}

// A refused answer is marked in the window's language, as on the terminal.
func TestDomainErrorInDutch(t *testing.T) {
	test.NewTempApp(t)
	u, _ := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.Dutch)
	welcome(t, u).radio.SetSelected("SpinOffice")
	test.Tap(u.next)
	d := u.view.(*domainStep)
	test.Type(d.entry, "exa mple.nl")
	u.markLive()
	if msg := d.fields["domain"].err.Text; !strings.Contains(msg, "bevat") || strings.Contains(msg, "contains") {
		t.Errorf("domain field shows %q, want the Dutch refusal", msg)
	}
}
