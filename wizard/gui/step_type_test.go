package gui

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// senderZones are the domains the first steps look at, on one loopback DNS
// server: the services' includes, and customers whose records lead to
// different advice.
var senderZones = []string{
	dnstest.SOA("clockwise.info", 300) + "\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 ip4:31.134.206.128/28 -all\"",
	dnstest.SOA("protection.outlook.com", 300) + "\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"",
	dnstest.SOA("spinoffice-crm.com", 300) + "\nspf.spinoffice-crm.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
	dnstest.SOA("axxerion.com", 300) + "\n_spf.axxerion.com. 300 IN TXT \"v=spf1 ip4:198.51.100.0/24 -all\"",
	// Mailboxes at Microsoft 365, DMARC not enforcing.
	`$ORIGIN example.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=none"
`,
	// Its own mail server, DMARC rejecting.
	`$ORIGIN strict.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 10 mail.strict.nl.
mail 300 IN A 192.0.2.25
@ 300 IN TXT "v=spf1 mx -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
`,
	// An include that leads nowhere: dropped from the record to publish.
	`$ORIGIN old.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 0 old-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:gone.old.nl -all"
_dmarc 300 IN TXT "v=DMARC1; p=quarantine"
`,
	// Ten lookups already: ClockWise's include would be the eleventh.
	`$ORIGIN full.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 10 mail.full.nl.
mail 300 IN A 192.0.2.26
@ 300 IN TXT "v=spf1 include:a.full.nl include:b.full.nl include:c.full.nl include:d.full.nl include:e.full.nl" " include:f.full.nl include:g.full.nl include:h.full.nl include:i.full.nl include:j.full.nl -all"
a 300 IN TXT "v=spf1 ip4:192.0.2.1 -all"
b 300 IN TXT "v=spf1 ip4:192.0.2.2 -all"
c 300 IN TXT "v=spf1 ip4:192.0.2.3 -all"
d 300 IN TXT "v=spf1 ip4:192.0.2.4 -all"
e 300 IN TXT "v=spf1 ip4:192.0.2.5 -all"
f 300 IN TXT "v=spf1 ip4:192.0.2.6 -all"
g 300 IN TXT "v=spf1 ip4:192.0.2.7 -all"
h 300 IN TXT "v=spf1 ip4:192.0.2.8 -all"
i 300 IN TXT "v=spf1 ip4:192.0.2.9 -all"
j 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"
`,
}

// senderEnv is the window's Env on the loopback DNS server, with a clock
// that dates selectors November 2026.
func senderEnv(t *testing.T) *wizard.Env {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	for _, z := range senderZones {
		srv.MustAddZone(t, z)
	}
	return &wizard.Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Dialer: &net.Dialer{}, Secrets: secrets.NewMemory(),
		Now: func() time.Time { return time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC) }}
}

// openAtType opens the wizard, chooses the service and types the domain:
// the type step shows, and discovery runs.
func openAtType(t *testing.T, lang i18n.Lang, service, domain string) (*ui, *typeStep) {
	t.Helper()
	u, _ := openWizardWith(t, filepath.Join(t.TempDir(), "draft.json"), lang, senderEnv(t))
	welcome(t, u).radio.SetSelected(service)
	test.Tap(u.next)
	test.Type(u.view.(*domainStep).entry, domain)
	test.Tap(u.next)
	s, ok := u.view.(*typeStep)
	if !ok {
		t.Fatalf("after the domain the window shows %T", u.view)
	}
	return u, s
}

// card is the choice button of a transport type.
func card(t *testing.T, s *typeStep, typ transports.Type) *widget.Button {
	t.Helper()
	for i, c := range s.choices {
		if c.Type == typ {
			return &s.buttons[i].Button
		}
	}
	t.Fatalf("no card for %s among %+v", typ, s.choices)
	return nil
}

// recommended is the text of the card marked as recommended, by type.
func recommended(s *typeStep) (transports.Type, string) {
	for i, c := range s.choices {
		if s.recs[i].Visible() {
			return c.Type, s.recs[i].Text
		}
	}
	return "", ""
}

func TestTypeStepAsksForDNSAccessThenOffersCards(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtType(t, i18n.English, "ClockWise", "example.nl")
	if !s.note.box.Visible() || !strings.Contains(s.note.text.Text, "Looking at the DNS of example.nl") {
		t.Errorf("before discovery: %q", s.note.text.Text)
	}
	if s.fields["type"].box.Visible() || !s.fields["dns_access"].box.Visible() {
		t.Error("the cards show before the DNS question is answered")
	}
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if s.note.box.Visible() {
		t.Errorf("after discovery the page still says %q", s.note.text.Text)
	}

	test.Tap(s.yes)
	if st := u.flow.State; st.DNSAccess == nil || !*st.DNSAccess || !s.fields["type"].box.Visible() {
		t.Fatalf("after Yes: access %v, cards shown %v", st.DNSAccess, s.fields["type"].box.Visible())
	}
	if len(s.choices) != 3 || !strings.Contains(s.choices[0].Cost, "Needs DNS changes") {
		t.Errorf("cards %+v", s.choices)
	}
	if typ, why := recommended(s); typ != transports.Hosted || !strings.Contains(why, "Microsoft 365") {
		t.Errorf("recommended %s: %q, want hosted for the Microsoft 365 mailboxes", typ, why)
	}
	if !u.next.Disabled() {
		t.Error("Next is enabled before a type is chosen")
	}

	test.Tap(card(t, s, transports.NoReply))
	st := u.flow.State
	if st.CurrentType() != transports.NoReply || len(st.Transports) != 1 || st.Current().Name != "ClockWise no-reply address" {
		t.Fatalf("after choosing no-reply: %+v", st.Transports)
	}
	if card(t, s, transports.NoReply).Icon != theme.RadioButtonCheckedIcon() || card(t, s, transports.Hosted).Icon != theme.RadioButtonIcon() {
		t.Error("the chosen card is not marked")
	}
	if u.next.Disabled() {
		t.Error("Next stays disabled with a type chosen")
	}
	if !outlineHas(u, "No-reply") || outlineHas(u, "DNS records") || u.position.Text != "Step 3 of 6" {
		t.Errorf("the outline and the header (%q) do not follow the chosen type", u.position.Text)
	}
	test.AssertRendersToMarkup(t, "type_chosen_en.xml", u.win.Canvas())

	// No DNS access: the advice turns to the transports that need none.
	test.Tap(s.no)
	if typ, why := recommended(s); typ != transports.NoReply || !strings.Contains(why, "You cannot change the DNS of example.nl") {
		t.Errorf("without DNS access recommended %s: %q", typ, why)
	}
	if *u.flow.State.DNSAccess {
		t.Error("No was not kept")
	}
}

func outlineHas(u *ui, title string) bool {
	for _, o := range u.outline.Objects {
		if todo, ok := o.(*todoStep); ok && todo.title == title {
			return true
		}
		if b, ok := o.(*keyButton); ok && b.Text == title {
			return true
		}
	}
	return false
}

// A transport added from the transports step is a new one; the page says
// which of the list it is, and choosing keeps the first as it was.
func TestTypeStepAddsASecondTransport(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtType(t, i18n.English, "ClockWise", "strict.nl")
	test.Tap(s.yes)
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if typ, why := recommended(s); typ != transports.Hosted || !strings.Contains(why, "DMARC p=reject") {
		t.Errorf("recommended %s: %q, want hosted for DMARC p=reject", typ, why)
	}
	test.Tap(card(t, s, transports.NoReply))
	if s.which.Visible() {
		t.Errorf("one transport, yet the page says %q", s.which.Text)
	}

	wizard.AddTransport(u.flow)
	u.show()
	s = u.view.(*typeStep)
	if s.which.Text != "Transport 2 of 2: a new one, tried after the others." || !s.fields["type"].box.Visible() {
		t.Errorf("adding: %q, cards shown %v", s.which.Text, s.fields["type"].box.Visible())
	}
	if !u.next.Disabled() {
		t.Error("Next is enabled for a new transport without a type")
	}
	test.Tap(card(t, s, transports.Hosted))
	st := u.flow.State
	if len(st.Transports) != 2 || st.Editing != 2 || st.Transports[0].Type != transports.NoReply || st.CurrentType() != transports.Hosted {
		t.Fatalf("after choosing: editing %d of %+v", st.Editing, st.Transports)
	}
	if want := `Transport 2 of 2: "ClockWise servers" (hosted), for *@strict.nl.`; s.which.Text != want {
		t.Errorf("which: %q, want %q", s.which.Text, want)
	}
}

// A service that offers one type asks nothing about DNS first.
func TestTypeStepWithOneType(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtType(t, i18n.Dutch, "SpinOffice", "example.nl")
	if s.yes != nil || !s.fields["type"].box.Visible() || len(s.choices) != 1 {
		t.Fatalf("SpinOffice: question %v, cards %v, %d choices", s.yes != nil, s.fields["type"].box.Visible(), len(s.choices))
	}
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	test.Tap(card(t, s, transports.Hosted))
	if _, why := recommended(s); !strings.HasPrefix(why, "Aanbevolen: ") {
		t.Errorf("recommendation %q, want Dutch", why)
	}
	test.AssertRendersToMarkup(t, "type_chosen_nl.xml", u.win.Canvas())
}
