package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// The customer's zone, served by two name servers at TransIP (which
// discovery recognises) on loopback addresses of this package's own.
const dnsWorldZone = `
$ORIGIN example.nl.
@ 300 IN SOA ns0.transip.net. hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns0.transip.net.
@ 300 IN NS ns1.transip.nl.
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
`

// dnsWorld is the zone on both name servers and on a recursive resolver,
// which also serves the services' SPF includes and the name servers'
// addresses; the clock stands still, so times in goldens do too.
type dnsWorld struct {
	ns1, ns2, resolver *dnstest.Server
	env                *wizard.Env
}

func newDNSWorld(t *testing.T) *dnsWorld {
	t.Helper()
	ns1, ns2, port := dnstest.StartNameservers(t, "127.0.0.21", "127.0.0.22")
	resolver := dnstest.Start(t, "127.0.0.1:0")
	for _, srv := range []*dnstest.Server{ns1, ns2, resolver} {
		srv.MustAddZone(t, dnsWorldZone)
	}
	for _, z := range []string{
		dnstest.SOA("transip.net", 300) + "\nns0.transip.net. 300 IN A 127.0.0.21",
		dnstest.SOA("transip.nl", 300) + "\nns1.transip.nl. 300 IN A 127.0.0.22",
		dnstest.SOA("axxerion.com", 300) + "\n_spf.axxerion.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
		dnstest.SOA("clockwise.info", 300) + "\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"",
		dnstest.SOA("protection.outlook.com", 300) + "\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"",
	} {
		resolver.MustAddZone(t, z)
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	env := &wizard.Env{DNS: &dnsq.Client{Servers: []string{resolver.Addr}, AuthPort: port, Timeout: time.Second},
		Secrets: secrets.NewMemory(), Now: func() time.Time { return at }}
	old := dnsPollInterval
	dnsPollInterval = 20 * time.Millisecond
	t.Cleanup(func() { dnsPollInterval = old })
	return &dnsWorld{ns1: ns1, ns2: ns2, resolver: resolver, env: env}
}

// publishByHand puts records on the given servers as an admin types them into
// a DNS panel: the new SPF record in place of the old one.
func publishByHand(t *testing.T, records []wizard.Record, servers ...*dnstest.Server) {
	t.Helper()
	for _, srv := range servers {
		for _, r := range records {
			hdr := dns.RR_Header{Name: dns.Fqdn(r.Name), Class: dns.ClassINET, Ttl: 300}
			switch r.Type {
			case "TXT":
				if r.Label == "SPF" {
					srv.Remove(r.Name, dns.TypeTXT)
				}
				hdr.Rrtype = dns.TypeTXT
				srv.AddRR(&dns.TXT{Hdr: hdr, Txt: dkimkey.SplitTXT(r.Value)})
			case "CNAME":
				hdr.Rrtype = dns.TypeCNAME
				srv.AddRR(&dns.CNAME{Hdr: hdr, Target: dns.Fqdn(r.Value)})
			default:
				t.Fatalf("cannot publish %s", r.Type)
			}
		}
	}
}

// hostedDraft walks the flow through its API to the DNS step with one
// hosted transport of spacewell, whose DKIM key is imported from a fixed
// file (so the records, and the goldens, are the same every run), and
// returns the draft's path.
func hostedDraft(t *testing.T, w *dnsWorld, lang i18n.Lang) string {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := wizard.NewState(lang)
	f := wizard.NewFlow(s)
	s.Provider = "spacewell"
	must(f.Next())
	s.Domain, s.Senders = "example.nl", []string{"facturen"}
	must(f.Next())
	p, err := s.Profile()
	must(err)
	must(s.ChooseType(p, transports.Hosted, w.env.Time()))
	must(f.Next())
	pem, err := os.ReadFile(testKeyFile(t, plainTestKey))
	must(err)
	_, _, err = wizard.ImportKey(w.env, s, pem, nil, "spacewell")
	must(err)
	must(f.Next())
	if f.Current().ID != wizard.StepDNS {
		t.Fatalf("the flow is at %s, want the DNS step", f.Current().ID)
	}
	path := filepath.Join(t.TempDir(), "draft.json")
	must(wizard.Drafts{Path: path}.Save(s))
	return path
}

func dnsView(t *testing.T, u *ui) *dnsStep {
	t.Helper()
	s, ok := u.view.(*dnsStep)
	if !ok {
		t.Fatalf("the window shows %T, want the DNS step", u.view)
	}
	return s
}

// tableText is the polling table as the admin reads it, row by row.
func tableText(s *dnsStep) string {
	var b strings.Builder
	for i, o := range s.table.Objects {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text)
		}
		if i%3 == 2 {
			b.WriteString("\n")
		} else {
			b.WriteString(" | ")
		}
	}
	return b.String()
}

// The records appear with what to type where, the table fills while the
// name servers are asked, and turns to seen as the records are published
// on one server and then the other; the State and the draft keep it.
func TestDNSStepPollsUntilEverySeen(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		t.Run(string(lang), func(t *testing.T) {
			test.NewTempApp(t)
			w := newDNSWorld(t)
			draft := hostedDraft(t, w, lang)
			u, win := openWizardWith(t, draft, lang, w.env)
			s := dnsView(t, u)
			waitFor(t, "a round with both records on both servers", func() bool { return strings.Count(tableText(s), "\n") == 5 })
			if len(s.records) != 2 || s.records[0].Label != "SPF" || s.records[1].Relative != "spacewell._domainkey" || len(s.records[1].Strings) != 2 {
				t.Fatalf("records %+v", s.records)
			}
			if !u.running() || !u.next.Disabled() {
				t.Errorf("while polling: running %v, Next disabled %v", u.running(), u.next.Disabled())
			}
			// The old SPF record is there (another value), the key not yet.
			notYet := map[i18n.Lang]string{i18n.English: "not yet", i18n.Dutch: "nog niet"}[lang]
			other := map[i18n.Lang]string{i18n.English: "another value: v=spf1 include:spf.protection.outlook.com -all", i18n.Dutch: "een andere waarde: v=spf1 include:spf.protection.outlook.com -all"}[lang]
			if got := tableText(s); strings.Count(got, notYet) != 2 || strings.Count(got, other) != 2 || !strings.Contains(got, "ns0.transip.net |") || !strings.Contains(got, "ns1.transip.nl |") {
				t.Fatalf("table before publishing:\n%s", got)
			}

			publishByHand(t, s.records, w.ns1)
			waitFor(t, "the records seen on the first server", func() bool { return strings.Count(tableText(s), notYet)+strings.Count(tableText(s), other) == 2 })
			if u.flow.State.DNS[1].Status != "warning" { // the key on one server, not yet on the other
				t.Errorf("on one server of two the State says %+v", u.flow.State.DNS[1])
			}
			publishByHand(t, s.records, w.ns2, w.resolver)
			waitFor(t, "polling to end", func() bool { return !u.running() })
			if strings.Contains(tableText(s), notYet) || u.next.Disabled() {
				t.Errorf("after publishing: Next disabled %v, table\n%s", u.next.Disabled(), tableText(s))
			}
			allSeen := map[i18n.Lang]string{i18n.English: "Every record is on every name server (after 0s).", i18n.Dutch: "Elk record staat op elke naamserver (na 0s)."}[lang]
			if s.progress.Text != allSeen || s.caches.Visible() {
				t.Errorf("progress %q, caches shown %v %q", s.progress.Text, s.caches.Visible(), s.caches.Text)
			}
			for _, f := range u.flow.State.DNS {
				if f.Status != "ok" || strings.Join(f.Servers, " ") != "ns0.transip.net ns1.transip.nl" {
					t.Errorf("fact %+v", f)
				}
			}
			u.close()
			raw, _ := os.ReadFile(draft)
			if strings.Count(string(raw), `"status": "ok"`) != 2 {
				t.Errorf("the draft does not keep what was seen:\n%s", raw)
			}
			waitFor(t, "discovery's DNS host", func() bool { return len(s.hint.Objects) == 2 })
			if l := s.hint.Objects[1].(*widget.Hyperlink); l.URL.String() != "https://www.transip.nl/knowledgebase/" {
				t.Errorf("the DNS host's help links to %s", l.URL)
			}
			test.AssertRendersToMarkup(t, "dns_seen_"+string(lang)+".xml", win.Canvas())
		})
	}
}

// Each value has its copy button, which puts exactly the value (not
// the words around it) on the clipboard; the zone file holds the same
// records as setup --zone-out writes.
func TestDNSStepCopyAndZoneFile(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "the records", func() bool { return s.records != nil })
	var copies []*keyButton
	for _, o := range s.recordBox.Objects {
		if c, ok := o.(*fyne.Container); ok {
			for _, in := range c.Objects {
				if b, ok := in.(*keyButton); ok && b.Text == "Copy" {
					copies = append(copies, b)
				}
			}
		}
	}
	// SPF: name, value; DKIM: name, value, two strings.
	if len(copies) != 6 {
		t.Fatalf("%d copy buttons, want 6", len(copies))
	}
	want := []string{"@", s.records[0].Value, "spacewell._domainkey", s.records[1].Value, s.records[1].Strings[0], s.records[1].Strings[1]}
	for i, b := range copies {
		test.Tap(b)
		if got := fyne.CurrentApp().Clipboard().Content(); got != want[i] {
			t.Errorf("copy button %d put %q on the clipboard, want %q", i, got, want[i])
		}
	}

	path := filepath.Join(t.TempDir(), "example.nl.zone")
	s.saveZoneTo(chosenFile{path: path}) // what the save dialog calls with the chosen file
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != wizard.ZoneFragment(s.records, "example.nl", "Spacewell Workplace Management") {
		t.Errorf("zone file:\n%s", raw)
	}
	if !strings.Contains(u.status.Text, path) {
		t.Errorf("status %q does not say where the zone file went", u.status.Text)
	}
	s.saveZoneTo(chosenFile{path: filepath.Join(t.TempDir(), "missing", "x.zone")})
	if u.status.Importance != widget.DangerImportance {
		t.Errorf("a failed write is not shown as a problem: %q", u.status.Text)
	}
}

// With the window in the background, seeing every record sends a desktop
// notification; resolvers that cached "no such record" are told about.
func TestDNSStepNotifiesInTheBackground(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "a round", func() bool { return len(s.table.Objects) > 0 })
	// What the desktop driver calls when another application takes the focus.
	fyne.CurrentApp().Lifecycle().(interface{ OnExitedForeground() func() }).OnExitedForeground()()
	test.AssertNotificationSent(t, &fyne.Notification{Title: "DNS records published",
		Content: "Every record for example.nl is on every name server: the wizard can go on."}, func() {
		publishByHand(t, s.records, w.ns1, w.ns2) // not on the resolver: it cached "no such record"
		waitFor(t, "polling to end", func() bool { return !u.running() })
	})
	if !s.caches.Visible() || !strings.Contains(s.caches.Text, `remember "no such record" until`) {
		t.Errorf("caches line %q (shown %v)", s.caches.Text, s.caches.Visible())
	}
}

// No notification while the admin looks at the window.
func TestDNSStepQuietInTheForeground(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "the records", func() bool { return s.records != nil })
	test.AssertNotificationSent(t, nil, func() {
		publishByHand(t, s.records, w.ns1, w.ns2, w.resolver)
		waitFor(t, "polling to end", func() bool { return !u.running() })
	})
}

// Export now, publish later: polling stops and Next is allowed. A window
// opened again shows what the last visit saw, and unticking the choice
// polls on until the rest is there.
func TestDNSStepDefersAndResumes(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	draft := hostedDraft(t, w, i18n.English)
	u, _ := openWizardWith(t, draft, i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "the records", func() bool { return s.records != nil })
	publishByHand(t, s.records[:1], w.ns1, w.ns2, w.resolver)
	waitFor(t, "SPF seen", func() bool { return len(u.flow.State.DNS) == 2 && u.flow.State.DNS[0].Status == "ok" })
	if !u.next.Disabled() {
		t.Fatal("Next is enabled with the DKIM record missing")
	}
	s.deferCheck.SetChecked(true)
	if u.running() || u.next.Disabled() || !u.flow.State.DNSDeferred {
		t.Errorf("after choosing to publish later: running %v, Next disabled %v, deferred %v", u.running(), u.next.Disabled(), u.flow.State.DNSDeferred)
	}
	u.close()

	u2, _ := openWizardWith(t, draft, "", w.env)
	s2 := dnsView(t, u2)
	waitFor(t, "the records", func() bool { return s2.records != nil && !u2.running() })
	if got := tableText(s2); !strings.Contains(got, "SPF | ns0.transip.net | seen at the last check") ||
		!strings.Contains(got, "DKIM spacewell | ns1.transip.nl | not seen at the last check") {
		t.Errorf("the table of the last visit:\n%s", got)
	}
	if !s2.deferCheck.Checked || u2.next.Disabled() {
		t.Errorf("resumed: deferred %v, Next disabled %v", s2.deferCheck.Checked, u2.next.Disabled())
	}
	s2.deferCheck.SetChecked(false)
	if !u2.running() || !u2.next.Disabled() {
		t.Fatalf("unticked: running %v, Next disabled %v", u2.running(), u2.next.Disabled())
	}
	publishByHand(t, s2.records[1:], w.ns1, w.ns2, w.resolver)
	waitFor(t, "polling to end", func() bool { return !u2.running() })
	if u2.next.Disabled() || u2.flow.State.DNSDeferred {
		t.Errorf("every record seen: Next disabled %v, deferred %v", u2.next.Disabled(), u2.flow.State.DNSDeferred)
	}
}

// Escape stops the wait and says how to go on; Check again goes on.
func TestDNSStepCancelAndCheckAgain(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "a round", func() bool { return len(s.table.Objects) > 0 })
	// With a button of the page focused, as after Tab: the key goes to it.
	win.Canvas().Focus(s.saveZone)
	press(win.Canvas(), fyne.KeyEscape)
	waitFor(t, "the stop", func() bool { return !u.running() })
	if !s.again.Visible() || !strings.HasPrefix(s.progress.Text, "Stopped.") || u.back.Disabled() {
		t.Errorf("after Escape: again shown %v, progress %q, Back disabled %v", s.again.Visible(), s.progress.Text, u.back.Disabled())
	}
	test.Tap(s.again)
	if !u.running() {
		t.Fatal("Check again does not poll")
	}
	publishByHand(t, s.records, w.ns1, w.ns2, w.resolver)
	waitFor(t, "polling to end", func() bool { return !u.running() })
	if u.next.Disabled() {
		t.Error("Next stays disabled with every record seen")
	}
}

// An SPF record that cannot be worked out (the domain's SPF does not
// answer) is said with the reason and not waited for; Check again works
// the records out anew.
func TestDNSStepRecordWithoutValue(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	w.resolver.Rcode("example.nl", dns.RcodeServerFailure)
	u, _ := openWizardWith(t, hostedDraft(t, w, i18n.English), i18n.English, w.env)
	s := dnsView(t, u)
	waitFor(t, "the records", func() bool { return s.records != nil && !u.running() })
	spf := s.recordBox.Objects[1].(*widget.Label)
	if !strings.HasPrefix(spf.Text, "SPF cannot be given yet: ") || !strings.HasSuffix(spf.Text, "Check again later.") {
		t.Errorf("the SPF record says %q", spf.Text)
	}
	if len(s.table.Objects) != 0 || !s.again.Visible() || !u.next.Disabled() {
		t.Errorf("without a value: table %d cells, Check again shown %v, Next disabled %v", len(s.table.Objects), s.again.Visible(), u.next.Disabled())
	}
	asked := w.resolver.Queries("example.nl")
	test.Tap(s.again)
	waitFor(t, "the records again", func() bool { return !u.running() })
	if w.resolver.Queries("example.nl") == asked {
		t.Error("Check again did not work the SPF record out anew")
	}
}
