package gui

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// Walks from the welcome step of a fresh window to the written export,
// through the window's widgets only, against the loopback DNS and mail
// servers: one per way the service can send.

// pathCase is one way through the wizard, answered as an admin would.
type pathCase struct {
	service  string // as the welcome step lists it
	senders  string // as typed on the domain step
	dns      bool   // "can you add records to the DNS?", where it is asked
	typ      transports.Type
	keyFile  string // hosted: the PEM the file dialog hands over; "" makes a key
	selector string // hosted: typed over the dated one; "" keeps it
	replyTo  bool
	mode     transports.SendMode // smtp: whose rights it sends with
	titles   []string            // the steps' titles, in order
}

var (
	titlesStart   = []string{"Welcome", "Your domain", "How the service sends"}
	titlesEnd     = []string{"Transports and rules", "Review and export"}
	hostedTitles  = slices.Concat(titlesStart, []string{"Sending from the service's servers", "Publish the DNS records"}, titlesEnd)
	smtpTitles    = slices.Concat(titlesStart, []string{"Your own mail server", "Prove it with a code"}, titlesEnd)
	noreplyTitles = slices.Concat(titlesStart, []string{"The service's own address"}, titlesEnd)
)

func pathCases(t *testing.T) map[string]pathCase {
	key := testKeyFile(t, plainTestKey) // absolute: a walk changes directory
	return map[string]pathCase{
		"hosted-generated": {service: "ClockWise", senders: "facturen", dns: true, typ: transports.Hosted, titles: hostedTitles},
		"hosted-imported": {service: "Spacewell Workplace Management", senders: "facturen", dns: true, typ: transports.Hosted,
			keyFile: key, selector: "werkorders2026", titles: hostedTitles},
		"noreply":  {service: "ClockWise", senders: "facturen", dns: false, typ: transports.NoReply, replyTo: true, titles: noreplyTitles},
		"own-smtp": {service: "PerfectView", senders: "facturen, directie", typ: transports.SMTP, mode: transports.ModeMailbox, titles: smtpTitles},
	}
}

// walk is one admin going through the window; with crash, the window is
// closed at every step as by a crash and opened again on the same draft.
type walk struct {
	t         *testing.T
	w         *pathWorld
	c         pathCase
	crash     bool
	draft     string
	u         *ui
	win       fyne.Window
	seen      []string        // "title (Step n of m)" of each step reached
	secrets   int             // secrets looked for in the draft
	published []wizard.Record // what the admin put into the DNS
}

// walkPath walks c from the welcome step to Finish and returns the export.
func walkPath(t *testing.T, w *pathWorld, c pathCase, crash bool) (*walk, string) {
	t.Helper()
	// The review proposes DOMAIN.mailwizard.json in the working directory.
	t.Chdir(t.TempDir())
	k := &walk{t: t, w: w, c: c, crash: crash, draft: filepath.Join(t.TempDir(), "draft.json")}
	k.u, k.win = openWizardWith(t, k.draft, i18n.English, w.env)

	k.arrive(wizard.StepWelcome)
	k.blocked("no service chosen")
	welcome(t, k.u).radio.SetSelected(c.service)
	k.moveOn()

	k.arrive(wizard.StepDomain)
	k.blocked("no domain typed")
	d := k.u.view.(*domainStep)
	test.Type(d.entry, "example.nl")
	test.Type(d.senders, c.senders)
	k.moveOn()

	k.arrive(wizard.StepTransportType)
	k.blocked("no type chosen")
	ts := k.u.view.(*typeStep)
	if ts.yes != nil {
		answer := ts.no
		if c.dns {
			answer = ts.yes
		}
		test.Tap(answer)
	}
	i := slices.IndexFunc(ts.choices, func(ch wizard.TypeChoice) bool { return ch.Type == c.typ })
	test.Tap(ts.buttons[i])
	k.moveOn()

	switch c.typ {
	case transports.Hosted:
		k.hosted()
		k.dnsStep()
	case transports.NoReply:
		k.arrive(wizard.StepNoReply)
		k.ready("Reply-To is optional")
		nr := k.u.view.(*noReplyStep)
		if c.replyTo {
			test.Tap(nr.replyTo)
		}
		k.moveOn()
	case transports.SMTP:
		k.ownServer()
		k.verify()
	}

	k.arrive(wizard.StepTransports)
	tv := transportsView(t, k.u)
	test.Type(tv.routeAddr, "facturen@example.nl")
	if want := fmt.Sprintf("facturen@example.nl is sent by %q.", k.u.flow.State.Transports[0].Name); tv.routeAnswer.Text != want {
		t.Errorf("the route answer says %q, want %q", tv.routeAnswer.Text, want)
	}
	k.moveOn()

	k.arrive(wizard.StepReview)
	if k.u.next.Text != "Finish" {
		t.Errorf("the last step's button says %q", k.u.next.Text)
	}
	k.ready("the review")
	k.resume()
	out := k.export()

	var want []string
	for i, title := range c.titles {
		total := len(c.titles)
		if i < 3 { // until the type is chosen, the steps that depend on it are not counted
			total = 5
		}
		want = append(want, fmt.Sprintf("%s (Step %d of %d)", title, i+1, total))
	}
	if !slices.Equal(k.seen, want) {
		t.Errorf("the steps shown:\n%s\nwant:\n%s", strings.Join(k.seen, "\n"), strings.Join(want, "\n"))
	}
	return k, out
}

// arrive checks the window shows step id, and notes its title and position.
func (k *walk) arrive(id wizard.StepID) {
	k.t.Helper()
	if got := k.u.flow.Current().ID; got != id {
		k.t.Fatalf("the window shows step %s (%T), want %s; status %q", got, k.u.view, id, k.u.status.Text)
	}
	k.seen = append(k.seen, k.u.title.Text+" ("+k.u.position.Text+")")
}

func (k *walk) blocked(why string) {
	k.t.Helper()
	if !k.u.next.Disabled() {
		k.t.Errorf("%s: Next is enabled with %s", k.u.flow.Current().ID, why)
	}
}

func (k *walk) ready(what string) {
	k.t.Helper()
	if k.u.next.Disabled() {
		k.t.Fatalf("%s: Next stays disabled after %s: %v (running %v)", k.u.flow.Current().ID, what, k.u.flow.Preview(), k.u.running())
	}
}

// moveOn is Next once the step is answered; first, a crash when asked.
func (k *walk) moveOn() {
	k.t.Helper()
	k.ready("its answers")
	k.resume()
	test.Tap(k.u.next)
}

func (k *walk) hosted() {
	t, c := k.t, k.c
	k.arrive(wizard.StepHosted)
	hs := k.u.view.(*hostedStep)
	waitFor(t, "the SPF plan", func() bool { return !k.u.running() })
	k.blocked("no DKIM key")
	if c.selector != "" {
		hs.selector.SetText(c.selector)
	}
	if c.keyFile != "" {
		hs.importKey(c.keyFile, nil) // what the file dialog calls with the chosen file
	} else {
		test.Tap(hs.makeBtn)
	}
	waitFor(t, "the key", func() bool { return !k.u.running() })
	st := k.u.flow.State
	key := st.Key(st.Current().Hosted.DKIM.Selector)
	if key == nil || hs.makeBtn.Visible() || !strings.Contains(labelTexts(hs.dkim.Objects), key.Fingerprint) {
		t.Fatalf("after the key: %+v, form shown %v, section says %q", key, hs.makeBtn.Visible(), labelTexts(hs.dkim.Objects))
	}
	if c.selector != "" && key.Selector != c.selector {
		t.Errorf("the key's selector is %q, want the typed %q", key.Selector, c.selector)
	}
	k.moveOn()
}

// dnsStep: the records are worked out and polled; the crash comes while
// polling, before the admin has published them.
func (k *walk) dnsStep() {
	t := k.t
	k.arrive(wizard.StepDNS)
	s := dnsView(t, k.u)
	waitFor(t, "a polling round", func() bool { return s.records != nil && len(k.u.flow.State.DNS) == len(s.records) })
	k.blocked("the records not published")
	k.resume()
	s = dnsView(t, k.u)
	k.published = s.records
	k.w.publishAll(t, s.records)
	waitFor(t, "every record seen", func() bool { return !k.u.running() })
	for _, f := range k.u.flow.State.DNS {
		if f.Status != "ok" {
			t.Errorf("after publishing: %+v", f)
		}
	}
	k.ready("every record seen")
	test.Tap(k.u.next) // the crash on this step came before
}

func (k *walk) ownServer() {
	t, w := k.t, k.w
	k.arrive(wizard.StepSMTP)
	k.blocked("no server")
	s := k.u.view.(*smtpStep)
	test.Type(s.host, "127.0.0.1")
	s.port.SetText(strconv.Itoa(w.mail.Port)) // over the 587 filled in
	test.Type(s.username, "facturen@example.nl")
	if k.c.mode == transports.ModeMailbox {
		s.mode.SetSelected(s.mode.Options[1])
	}
	k.blocked("no password")
	test.Type(s.password, ownPassword)
	test.Tap(s.storeBtn)
	test.Tap(s.check.testBtn)
	waitFor(t, "the connection test", func() bool { return !k.u.running() })
	if got := phaseStates(s); got != "connect=works tls=works certificate=works login=works sender=works" {
		t.Errorf("the test's phases: %s\n%s", got, labelTexts(s.check.findings.Objects))
	}
	k.moveOn()
}

func (k *walk) verify() {
	t, w := k.t, k.w
	k.arrive(wizard.StepVerify)
	k.blocked("no code back")
	v := k.u.view.(*verifyStep)
	test.Type(v.codeTo, "it@example.org")
	for i, r := range v.senders {
		n := len(w.mail.Messages()) + 1
		test.Tap(r.sendBtn)
		waitFor(t, "the code mail", func() bool { return !k.u.running() })
		code, m := codeMailed(t, w.mail, n)
		if m.From != r.from || strings.Join(m.To, ",") != "it@example.org" {
			t.Errorf("the code went from %s to %v, want from %s", m.From, m.To, r.from)
		}
		test.Type(r.code, code)
		r.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if !strings.HasPrefix(r.status.Text, "Confirmed: mail from "+r.from) {
			t.Errorf("after the code: %q %q", r.status.Text, r.problem.Text)
		}
		if i < len(v.senders)-1 {
			k.blocked("a sender still to prove")
		}
	}
	k.moveOn()
}

// export is Finish: the save dialog, Save on the proposed file, the
// document written and the draft gone; then Finish closes the window.
func (k *walk) export() string {
	t := k.t
	spy := &closeSpy{Window: k.win}
	k.u.win = spy
	name := wizard.DefaultOut("example.nl")
	test.Tap(k.u.next)
	if spy.closed {
		t.Fatal("Finish closed the window before the export")
	}
	saveInDialog(t, k.win, name)
	s := k.u.view.(*reviewStep)
	waitFor(t, "the export", func() bool { return !k.u.running() })
	if !s.exported {
		t.Fatalf("not exported: %q %q", s.other.Text, k.u.status.Text)
	}
	if _, err := os.Stat(k.draft); !os.IsNotExist(err) {
		t.Errorf("the draft is still there after the export: %v", err)
	}
	test.Tap(k.u.next)
	if !spy.closed {
		t.Error("Finish after the export does not close the window")
	}
	out, err := filepath.Abs(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resultText(s), "Written: "+out) {
		t.Errorf("the review says:\n%s", resultText(s))
	}
	return out
}

// checkExport reads the export as the service does (schema and every
// rule) and checks it holds the walked transport and its evidence.
func checkExport(t *testing.T, c pathCase, out string) *transports.Document {
	t.Helper()
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatalf("the export does not read back: %v", err)
	}
	if doc.Domain != "example.nl" || len(doc.Transports) != 1 || doc.Transports[0].Type != c.typ || doc.Secrets != nil {
		t.Fatalf("document: domain %q, transports %+v, secrets %d", doc.Domain, doc.Transports, len(doc.Secrets))
	}
	passed := map[string]bool{}
	for _, ev := range doc.Evidence {
		passed[ev.Check] = ev.Passed
	}
	tr := doc.Transports[0]
	switch c.typ {
	case transports.Hosted:
		if len(doc.DKIM) != 1 || doc.DKIM[0].Selector != tr.Hosted.DKIM.Selector || c.selector != "" && doc.DKIM[0].Selector != c.selector {
			t.Errorf("keys %+v for %+v", doc.DKIM, tr.Hosted.DKIM)
		}
		if !passed["dns.spf"] || !passed["dns.dkim"] || len(doc.DNS) != 2 || doc.DNS[0].Status != "ok" || doc.DNS[1].Status != "ok" {
			t.Errorf("DNS not proven seen: evidence %+v, facts %+v", doc.Evidence, doc.DNS)
		}
	case transports.NoReply:
		if tr.NoReply.ReplyToFrom != c.replyTo || len(doc.DNS) != 0 {
			t.Errorf("no-reply %+v, DNS facts %+v", tr.NoReply, doc.DNS)
		}
	case transports.SMTP:
		if tr.SMTP.Host != "127.0.0.1" || tr.SMTP.Mode != c.mode || tr.SMTP.PasswordRef == "" {
			t.Errorf("smtp %+v", tr.SMTP)
		}
		if !passed["smtp.test"] || !passed["smtp.verify"] || (c.mode == transports.ModeMailbox) != passed["smtp.send-as"] {
			t.Errorf("the code is not proven confirmed: %+v", doc.Evidence)
		}
	}
	return doc
}

func TestPathsFromWelcomeToExport(t *testing.T) {
	cases := pathCases(t)
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			test.NewTempApp(t)
			_, out := walkPath(t, newPathWorld(t), c, false)
			checkExport(t, c, out)
		})
	}
}

// A crash at any step loses nothing: the window opens again where it
// was, with what was entered, and the walk goes on from there to the
// export.
func TestPathsResumeAtEveryStep(t *testing.T) {
	cases := pathCases(t)
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			test.NewTempApp(t)
			k, out := walkPath(t, newPathWorld(t), c, true)
			checkExport(t, c, out)
			if c.typ != transports.NoReply && k.secrets == 0 {
				t.Error("no secret was looked for in the drafts")
			}
		})
	}
}
