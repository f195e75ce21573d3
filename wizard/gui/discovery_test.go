package gui

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// Passing the domain step starts discovery in the background: the next
// page opens at once, and what the domain's DNS shows arrives after.
func TestDiscoveryStartsAfterTheDomain(t *testing.T) {
	test.NewTempApp(t)
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN example.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`)
	env := &wizard.Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Secrets: secrets.NewMemory()}
	u, _ := openWizardWith(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English, env)
	welcome(t, u).radio.SetSelected("ClockWise")
	test.Tap(u.next)
	test.Type(u.view.(*domainStep).entry, "example.nl")
	if u.discovery() != nil {
		t.Fatal("a discovery result before the domain was given")
	}
	test.Tap(u.next)
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if got := u.discovery().Report.Checks.MX.Name; got != "Microsoft 365" {
		t.Errorf("discovery saw mailboxes at %q, want Microsoft 365", got)
	}
}

// waitingDiscovery replaces discovery with one that finds nothing and
// returns only when its context is cancelled; it counts the looks that
// started and ended.
func waitingDiscovery(t *testing.T) (started, ended *atomic.Int32) {
	started, ended = new(atomic.Int32), new(atomic.Int32)
	old := discover
	discover = func(ctx context.Context, _ *wizard.Env, _ *wizard.State) (*wizard.Discovery, error) {
		started.Add(1)
		defer ended.Add(1)
		<-ctx.Done()
		return &wizard.Discovery{}, nil
	}
	t.Cleanup(func() { discover = old })
	return started, ended
}

// typeDraft is a draft at the transport type step, where no task runs.
func typeDraft(t *testing.T) string {
	t.Helper()
	s := wizard.NewState(i18n.English)
	f := wizard.NewFlow(s)
	s.Provider = "clockwise"
	must(t, f.Next())
	s.Domain = "example.nl"
	must(t, f.Next())
	path := filepath.Join(t.TempDir(), "draft.json")
	must(t, wizard.Drafts{Path: path}.Save(s))
	return path
}

// While discovery runs, its note says so with Stop; Stop ends the look
// at once (its DNS questions are cancelled, not waited out), the note
// says the steps go by the answers alone, and the next page does not
// start it again; Look again does. Another domain stops the old look.
func TestDiscoveryStopsAndLooksAgain(t *testing.T) {
	test.NewTempApp(t)
	started, ended := waitingDiscovery(t)
	u, _ := openWizard(t, typeDraft(t), i18n.English)
	n := u.newDiscoveryNote("Looking…")
	if u.running() || !u.discoveryRunning() || !n.box.Visible() || n.text.Text != "Looking…" || !n.stop.Visible() || n.again.Visible() {
		t.Fatalf("while discovery runs: a task %v, discovery %v, note shown %v %q, Stop %v, Look again %v", u.running(), u.discoveryRunning(), n.box.Visible(), n.text.Text, n.stop.Visible(), n.again.Visible())
	}

	test.Tap(n.stop)
	if u.discoveryRunning() || n.text.Text != "The DNS of example.nl was not looked at: the steps go by your answers alone." || n.stop.Visible() || !n.again.Visible() {
		t.Errorf("after Stop: running %v, note %q, Stop %v, Look again %v", u.discoveryRunning(), n.text.Text, n.stop.Visible(), n.again.Visible())
	}
	waitFor(t, "the stopped look to end", func() bool { return ended.Load() == 1 })
	pump()
	if u.discovery() != nil {
		t.Error("a stopped discovery left a result")
	}
	u.show() // as Back and Next do
	if u.discoveryRunning() || !u.newDiscoveryNote("").again.Visible() {
		t.Error("the next page started the stopped discovery again")
	}

	test.Tap(n.again)
	if !u.discoveryRunning() || !n.stop.Visible() {
		t.Fatalf("Look again: running %v, Stop %v", u.discoveryRunning(), n.stop.Visible())
	}
	waitFor(t, "the second look", func() bool { return started.Load() == 2 })
	u.flow.State.Domain = "example.org"
	u.startDiscovery()
	waitFor(t, "the look at the old domain to end", func() bool { return ended.Load() == 2 })
	pump()
	waitFor(t, "the look at the new domain", func() bool { return started.Load() == 3 })
	if !u.discoveryRunning() || u.discDomain != "example.org" {
		t.Errorf("after the domain changed: running %v for %q", u.discoveryRunning(), u.discDomain)
	}
	u.stopDiscovery() // what closing the window does
	waitFor(t, "the last look to end", func() bool { return ended.Load() == 3 })
}

// The DNS step says while it looks up where the domain's DNS is hosted,
// with Stop; once discovery found it, the note goes (TestDNSStepPollsUntilEverySeen).
func TestDNSStepSaysDiscoveryRuns(t *testing.T) {
	test.NewTempApp(t)
	waitingDiscovery(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	n := dnsView(t, u).note
	if !n.box.Visible() || n.text.Text != "Looking up where the DNS of example.nl is hosted…" || !n.stop.Visible() {
		t.Fatalf("note shown %v %q, Stop %v", n.box.Visible(), n.text.Text, n.stop.Visible())
	}
	test.Tap(n.stop)
	if u.discoveryRunning() || !n.again.Visible() {
		t.Errorf("after Stop: running %v, Look again %v", u.discoveryRunning(), n.again.Visible())
	}
	u.stopTask()
}

// A look that fails says why on the page, and the next page looks again.
func TestDiscoveryFailureIsSaid(t *testing.T) {
	test.NewTempApp(t)
	old := discover
	discover = func(context.Context, *wizard.Env, *wizard.State) (*wizard.Discovery, error) {
		return nil, errors.New("discovery: no such service")
	}
	t.Cleanup(func() { discover = old })
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	n := dnsView(t, u).note
	waitFor(t, "the failure", func() bool { return n.again.Visible() })
	if want := "The DNS of example.nl could not be looked at: discovery: no such service. The steps go by your answers alone."; n.text.Text != want {
		t.Errorf("note %q, want %q", n.text.Text, want)
	}
	u.show()
	if !u.discoveryRunning() {
		t.Error("the next page does not look again after a failure")
	}
	u.stopTask()
}

// The hosted step's DMARC section waits for discovery with the same note:
// Stop ends the look there too, and the section says the steps go by the
// answers alone instead of "Looking…" for ever.
func TestHostedStepStopsDiscovery(t *testing.T) {
	test.NewTempApp(t)
	waitingDiscovery(t)
	u, _ := openWizard(t, typeDraft(t), i18n.English)
	test.Tap(card(t, u.view.(*typeStep), transports.Hosted))
	test.Tap(u.next)
	s, ok := u.view.(*hostedStep)
	if !ok {
		t.Fatalf("after choosing hosted the window shows %T", u.view)
	}
	n := s.note
	if len(s.dmarc.Objects) != 1 || s.dmarc.Objects[0] != n.box || n.text.Text != "Looking at the DMARC record of example.nl…" || !n.stop.Visible() {
		t.Fatalf("DMARC section while discovery runs: %q, Stop shown %v", shown(s.dmarc), n.stop.Visible())
	}
	test.Tap(n.stop)
	if n.text.Text != "The DNS of example.nl was not looked at: the steps go by your answers alone." || !n.box.Visible() || !n.again.Visible() {
		t.Errorf("DMARC section after Stop: %q, Look again shown %v", n.text.Text, n.again.Visible())
	}
	u.stopTask()
}

// Escape, with no check of the page's own running, stops the discovery
// the page waits for, wherever the focus is.
func TestEscapeStopsDiscovery(t *testing.T) {
	test.NewTempApp(t)
	waitingDiscovery(t)
	u, _ := openWizard(t, typeDraft(t), i18n.English)
	if !u.discoveryRunning() {
		t.Fatal("discovery does not run on the type page")
	}
	press(u.win.Canvas(), fyne.KeyEscape)
	if s := u.view.(*typeStep); u.discoveryRunning() || !s.note.again.Visible() {
		t.Errorf("after Escape: discovery running %v, Look again shown %v", u.discoveryRunning(), s.note.again.Visible())
	}
}
