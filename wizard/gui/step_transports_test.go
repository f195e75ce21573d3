package gui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// listDraft walks the flow through its API to the transports step of
// provider with a hosted transport (its key made with algo, its records to
// be published later) and a no-reply one, and returns the draft's path.
func listDraft(t *testing.T, w *dnsWorld, lang i18n.Lang, provider string, algo dkimkey.Algorithm) string {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := wizard.NewState(lang)
	f := wizard.NewFlow(s)
	s.Provider = provider
	if provider == "custom" {
		s.Custom = &wizard.CustomFields{Name: "Acme Mailer", SPFInclude: "_spf.clockwise.info", NoReplyAddress: "noreply@acme.example"}
	}
	must(f.Next())
	s.Domain, s.Senders = "example.nl", []string{"facturen", "info"}
	must(f.Next())
	p, err := s.Profile()
	must(err)
	must(s.ChooseType(p, transports.Hosted, w.env.Time()))
	must(f.Next())
	_, err = wizard.GenerateKey(context.Background(), w.env, s, algo)
	must(err)
	must(f.Next())
	s.DNSDeferred = true
	must(f.Next())
	wizard.AddTransport(f)
	must(s.ChooseType(p, transports.NoReply, w.env.Time()))
	for f.Current().ID != wizard.StepTransports {
		must(f.Next())
	}
	path := filepath.Join(t.TempDir(), "draft.json")
	must(wizard.Drafts{Path: path}.Save(s))
	return path
}

func transportsView(t *testing.T, u *ui) *transportsStep {
	t.Helper()
	s, ok := u.view.(*transportsStep)
	if !ok {
		t.Fatalf("the window shows %T, want the transports step", u.view)
	}
	return s
}

// cardButton finds the button labelled text on transport i's card.
func cardButton(t *testing.T, s *transportsStep, i int, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *keyButton:
			if v.Text == text && found == nil {
				found = &v.Button
			}
		case *widget.Button:
			if v.Text == text && found == nil {
				found = v
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(s.list.Objects[2*i]) // cards alternate with separators
	if found == nil {
		t.Fatalf("no %q button on card %d", text, i+1)
	}
	return found
}

// cardText is what card i says.
func cardText(s *transportsStep, i int) string {
	var lines []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			if v.Visible() && v.Text != "" {
				lines = append(lines, v.Text)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(s.list.Objects[2*i])
	return strings.Join(lines, "\n")
}

func labelsText(c *fyne.Container) string {
	var lines []string
	for _, o := range c.Objects {
		if l, ok := o.(*widget.Label); ok {
			lines = append(lines, l.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// The list in order with each rule; a rule that can never match is
// warned about; the route box answers as typed, subsystem included; a
// rule is edited (a refused one marked on its field) and transports move.
func TestTransportsStepRulesAndRoutes(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, listDraft(t, w, i18n.English, "clockwise", dkimkey.RSA2048), i18n.English, w.env)
	s := transportsView(t, u)
	if got := cardText(s, 0); got != "1. ClockWise servers\nFrom ClockWise's servers, with your domain as sender\nSends for: *@example.nl" {
		t.Errorf("first card:\n%s", got)
	}
	if got := labelsText(s.warnings); !strings.Contains(got, `"ClockWise no-reply address" is never used: "ClockWise servers" above it already takes every sender it would (*@example.nl)`) {
		t.Errorf("shadow warnings: %q", got)
	}
	if s.senders.Text != "facturen@example.nl is sent by \"ClockWise servers\".\ninfo@example.nl is sent by \"ClockWise servers\"." {
		t.Errorf("senders' routes %q", s.senders.Text)
	}

	// The hosted transport takes only the billing part of the service.
	test.Tap(cardButton(t, s, 0, "Change rule"))
	sub := s.fields["transports[0].match.subsystem"].input.(*widget.Select)
	if sub.Selected != "every part of the service" || len(sub.Options) != 3 {
		t.Fatalf("subsystem choice %q of %v", sub.Selected, sub.Options)
	}
	sub.SetSelected("billing")
	test.Tap(findButton(t, s.list, "Apply rule"))
	if m := u.flow.State.Transports[0].Match; m.Subsystem != "billing" || m.Domain != "example.nl" {
		t.Errorf("rule in the State %+v", m)
	}
	if len(s.warnings.Objects) > 0 {
		t.Errorf("a warning stays after narrowing the rule: %q", labelsText(s.warnings))
	}
	test.Type(s.routeAddr, "facturen@example.nl")
	if s.routeAnswer.Text != `facturen@example.nl is sent by "ClockWise no-reply address".` {
		t.Errorf("route without a part: %q", s.routeAnswer.Text)
	}
	s.routeSub.SetSelected("billing")
	if s.routeAnswer.Text != `facturen@example.nl is sent by "ClockWise servers".` {
		t.Errorf("route for billing: %q", s.routeAnswer.Text)
	}
	s.routeAddr.SetText("someone@other.example")
	if s.routeAnswer.Text != "someone@other.example matches no rule: no transport sends it." {
		t.Errorf("route for another domain: %q", s.routeAnswer.Text)
	}

	// A refused rule is marked on its field and not taken.
	test.Tap(cardButton(t, s, 1, "Change rule"))
	domain := s.fields["transports[1].match.domain"]
	domain.input.(*keyEntry).SetText("exa mple.nl")
	test.Tap(findButton(t, s.list, "Apply rule"))
	if !domain.err.Visible() || domain.err.Text == "" || u.flow.State.Transports[1].Match.Domain != "example.nl" {
		t.Errorf("refused domain: marked %v %q, State %q", domain.err.Visible(), domain.err.Text, u.flow.State.Transports[1].Match.Domain)
	}
	// Next with a refused rule open stays, the rule marked.
	u.goNext()
	if u.flow.Current().ID != wizard.StepTransports || !domain.err.Visible() {
		t.Fatalf("Next with a refused rule open: at %s, marked %v", u.flow.Current().ID, domain.err.Visible())
	}
	// Typed and not applied, the rule is applied when the page is left.
	domain.input.(*keyEntry).SetText(".example.nl")
	u.goNext()
	if got := u.flow.State.Transports[1].Match.Domain; got != ".example.nl" || u.flow.Current().ID == wizard.StepTransports {
		t.Fatalf("Next with a rule typed: State has %q, at %s", got, u.flow.Current().ID)
	}
	u.goBack()
	s = transportsView(t, u)
	if got := cardText(s, 1); !strings.Contains(got, "Sends for: *@example.nl and its subdomains") {
		t.Errorf("second card after its rule:\n%s", got)
	}

	// Down moves the first below the second; the first has no Up.
	if !cardUp(s, 0).Disabled() || cardUp(s, 1).Disabled() {
		t.Error("Up buttons: the first can move up or the second cannot")
	}
	test.Tap(cardDown(s, 0))
	if u.flow.State.Transports[0].Name != "ClockWise no-reply address" || !strings.HasPrefix(cardText(s, 1), "2. ClockWise servers") {
		t.Errorf("after moving down: %q first, card 2:\n%s", u.flow.State.Transports[0].Name, cardText(s, 1))
	}
}

func cardUp(s *transportsStep, i int) *widget.Button {
	return &s.list.Objects[2*i].(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(*keyButton).Button
}

func cardDown(s *transportsStep, i int) *widget.Button {
	return &s.list.Objects[2*i].(*fyne.Container).Objects[1].(*fyne.Container).Objects[1].(*keyButton).Button
}

// findButton finds a button labelled text anywhere under c.
// findButton finds the first button labelled text under o.
func findButton(t *testing.T, c fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *keyButton:
			if v.Text == text && found == nil {
				found = &v.Button
			}
		case *widget.Button:
			if v.Text == text && found == nil {
				found = v
			}
		case *fyne.Container:
			for _, o := range v.Objects {
				walk(o)
			}
		}
	}
	walk(c)
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}

// Remove asks first; removing keeps the keychain as it is.
func TestTransportsStepRemoves(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win := openWizardWith(t, listDraft(t, w, i18n.English, "clockwise", dkimkey.RSA2048), i18n.English, w.env)
	s := transportsView(t, u)
	test.Tap(cardButton(t, s, 1, "Remove"))
	if win.Canvas().Overlays().Top() == nil || len(u.flow.State.Transports) != 2 {
		t.Fatalf("Remove did not ask first (%d transports)", len(u.flow.State.Transports))
	}
	win.Canvas().Overlays().Top().Hide()
	key := u.flow.State.Keys[0].PrivateKeyRef
	s.remove(0) // what the confirmation's Yes does
	if len(u.flow.State.Transports) != 1 || len(s.list.Objects) != 1 || len(s.warnings.Objects) != 0 {
		t.Errorf("after removing: %d transports, %d cards", len(u.flow.State.Transports), len(s.list.Objects))
	}
	if u.flow.State.Transports[0].Name != "ClockWise no-reply address" {
		t.Errorf("the wrong transport went: %q stays", u.flow.State.Transports[0].Name)
	}
	if _, err := w.env.Secrets.Get(key); err != nil {
		t.Errorf("removing the hosted transport took its key from the keychain: %v", err)
	}
}

// Add and Change settings open the flow's type step for a new or that
// transport.
func TestTransportsStepAddAndSettings(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, listDraft(t, w, i18n.English, "clockwise", dkimkey.RSA2048), i18n.English, w.env)
	s := transportsView(t, u)
	test.Tap(cardButton(t, s, 1, "Change settings"))
	if u.flow.Current().ID != wizard.StepTransportType || u.flow.State.Editing != 2 {
		t.Errorf("Change settings went to %s editing %d", u.flow.Current().ID, u.flow.State.Editing)
	}
	u.flow.GoTo(wizard.StepTransports)
	u.show()
	test.Tap(findButton(t, transportsView(t, u).box, "Add a transport (another sender, subsystem or domain)"))
	if u.flow.Current().ID != wizard.StepTransportType || u.flow.State.Editing != 0 {
		t.Errorf("Add went to %s editing %d", u.flow.Current().ID, u.flow.State.Editing)
	}
}

// Rotation makes a new key under a new selector, keeps the old one as
// retiring and shows the DNS step for the new record; dropping the old
// keys names the records to delete.
func TestTransportsStepRotatesAndDrops(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win := openWizardWith(t, listDraft(t, w, i18n.English, "custom", dkimkey.Ed25519), i18n.English, w.env)
	s := transportsView(t, u)
	old := u.flow.State.Transports[0].Hosted.DKIM.Selector
	test.Tap(cardButton(t, s, 0, "Rotate DKIM key"))
	if win.Canvas().Overlays().Top() == nil {
		t.Fatal("no choice of key type for a service that takes two")
	}
	win.Canvas().Overlays().Top().Hide()
	s.rotate(0, dkimkey.Ed25519) // what the dialog's confirm does
	waitFor(t, "the DNS step", func() bool { _, ok := u.view.(*dnsStep); return ok })
	st := u.flow.State
	sel := st.Transports[0].Hosted.DKIM.Selector
	if sel == old || st.Key(sel) == nil || len(st.Retiring) != 1 || st.Retiring[0] != old || st.DNSDeferred {
		t.Errorf("after rotation: selector %q (was %q), retiring %v, deferred %v", sel, old, st.Retiring, st.DNSDeferred)
	}
	if !strings.Contains(u.status.Text, "New key under selector "+sel) {
		t.Errorf("status %q", u.status.Text)
	}
	d := dnsView(t, u)
	waitFor(t, "the records", func() bool { return d.records != nil })
	if d.records[1].Name != sel+"._domainkey.example.nl" {
		t.Errorf("the DNS step asks for %s", d.records[1].Name)
	}

	u.stopTask()
	u.flow.GoTo(wizard.StepTransports)
	u.show()
	s = transportsView(t, u)
	if !strings.Contains(labelsText(s.retiring), old) {
		t.Fatalf("retiring keys not shown: %q", labelsText(s.retiring))
	}
	test.Tap(findButton(t, s.retiring, "Drop the old keys: the service has signed with the new ones for a week"))
	if len(st.Retiring) != 0 || st.Key(old) != nil || len(s.retiring.Objects) != 0 {
		t.Errorf("after dropping: retiring %v, old key kept %v", st.Retiring, st.Key(old) != nil)
	}
	if want := "Delete their records from the DNS too: TXT " + old + "._domainkey.example.nl."; !strings.Contains(u.status.Text, want) {
		t.Errorf("status %q, want %q", u.status.Text, want)
	}
}

// A transport a preset answered ahead and left unfinished is pointed to,
// and Next marks its card with what it lacks.
func TestTransportsStepPointsToIncomplete(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	draft := listDraft(t, w, i18n.English, "clockwise", dkimkey.RSA2048)
	st, err := wizard.Drafts{Path: draft}.Load()
	if err != nil {
		t.Fatal(err)
	}
	st.Transports = append(st.Transports, transports.Transport{Name: "Relay", Type: transports.SMTP, Match: transports.Match{LocalPart: "info", Domain: "example.nl"},
		SMTP: &transports.SMTPSettings{Host: "smtp.example.nl", Port: 587, Encryption: transports.EncryptSTARTTLS, CertCheck: transports.CertStrict, Auth: transports.AuthPassword, Mode: transports.ModeRelay}})
	if err := (wizard.Drafts{Path: draft}).Save(st); err != nil {
		t.Fatal(err)
	}
	u, _ := openWizardWith(t, draft, i18n.English, w.env)
	s := transportsView(t, u)
	if got := labelsText(s.incomplete); got != `Next: "Relay" (smtp) still needs its settings and checks.` {
		t.Errorf("incomplete note %q", got)
	}
	if !u.next.Disabled() {
		t.Error("Next is enabled with an unverified transport")
	}
	u.goNext()
	if l := s.cardErrs["transports[2]"]; !l.Visible() || !strings.Contains(l.Text, "the password must be stored in the keychain first") || s.other.Visible() {
		t.Errorf("the third card says %q; other %q; status %q", l.Text, s.other.Text, u.status.Text)
	}
	test.Tap(findButton(t, s.incomplete, "Complete its settings"))
	if u.flow.Current().ID != wizard.StepTransportType || u.flow.State.Editing != 3 {
		t.Errorf("Complete went to %s editing %d", u.flow.Current().ID, u.flow.State.Editing)
	}
}

func TestTransportsStepGolden(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		t.Run(string(lang), func(t *testing.T) {
			test.NewTempApp(t)
			w := newDNSWorld(t)
			u, win := openWizardWith(t, listDraft(t, w, lang, "clockwise", dkimkey.RSA2048), lang, w.env)
			s := transportsView(t, u)
			test.Type(s.routeAddr, "facturen@example.nl")
			test.AssertRendersToMarkup(t, "transports_"+string(lang)+".xml", win.Canvas())
			s.openRule(1)
			test.AssertRendersToMarkup(t, "transports_rule_"+string(lang)+".xml", win.Canvas())
		})
	}
}
