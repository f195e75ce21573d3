package wizard

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/poll"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// verifiedRelay walks an own-server transport with a password in relay
// mode through its test and its code, against the loopback server.
func (w *world) verifiedRelay(t *testing.T) *Flow {
	t.Helper()
	f, p, _ := w.start(t, "perfectview", "facturen")
	s := f.State
	must(t, s.ChooseType(p, transports.SMTP, w.env.now()))
	must(t, f.Next())
	t0 := s.Current()
	t0.SMTP.Host, t0.SMTP.Port, t0.SMTP.Username = "127.0.0.1", w.smtp.Port, "facturen@example.nl"
	must(t, SetSMTPPassword(w.env, s, "Zomer2026!mail"))
	rep, err := TestSMTP(context.Background(), w.env, s)
	must(t, err)
	if !rep.OK() {
		t.Fatalf("test: %s", findingsText(rep))
	}
	must(t, f.Next())
	s.CodeTo = "it@example.org"
	first, _ := VerifySenders(s)
	w.verifyAs(t, w.smtp, s, first)
	must(t, checkVerify(s))
	return f
}

func cloneState(t *testing.T, s *State) *State {
	t.Helper()
	raw, err := json.Marshal(s)
	must(t, err)
	var c State
	must(t, json.Unmarshal(raw, &c))
	return &c
}

func smtpChecks(doc *transports.Document) []string {
	var out []string
	for _, ev := range doc.Evidence {
		if strings.HasPrefix(ev.Check, "smtp.") {
			out = append(out, ev.Check)
		}
	}
	sort.Strings(out)
	return out
}

// Evidence proves the settings it was taken with. Once the admin changes
// any of them, the code must come back again before the transport counts,
// and the export must not carry the old test and code as if they applied.
func TestChangedSettingsVoidEvidence(t *testing.T) {
	w := newWorld(t)
	f := w.verifiedRelay(t)
	s := f.State
	doc, err := Document(s, w.env.now(), "test")
	must(t, err)
	if got := strings.Join(smtpChecks(doc), " "); got != "smtp.test smtp.verify" {
		t.Fatalf("evidence before any change: %q", got)
	}
	test := func(name string, edit func(sm *transports.SMTPSettings)) {
		t.Helper()
		c := cloneState(t, s)
		edit(c.Current().SMTP)
		if err := checkVerify(c); err == nil || !strings.Contains(err.Error(), "settings changed") {
			t.Errorf("%s: the verification step still passes: %v", name, err)
		}
		if err := checkTransports(c); transports.FirstField(err) != "transports[0]" || !strings.Contains(err.Error(), "not verified") {
			t.Errorf("%s: the transport still counts as complete: %v", name, err)
		}
		doc, err := Document(c, w.env.now(), "test")
		must(t, err)
		if got := smtpChecks(doc); len(got) != 0 {
			t.Errorf("%s: the document carries stale evidence %q", name, got)
		}
		if lines := EvidenceLines(i18n.New(i18n.English), c); len(lines) != 0 {
			t.Errorf("%s: the review still shows %q", name, lines)
		}
		if _, err := Export(w.env, c, ExportOptions{Path: filepath.Join(w.dir, "stale.json")}); err == nil {
			t.Errorf("%s: exported with stale evidence", name)
		}
	}
	test("port", func(sm *transports.SMTPSettings) { sm.Port = w.open.Port })
	test("host", func(sm *transports.SMTPSettings) { sm.Host = "smtp.example.nl" })
	test("encryption", func(sm *transports.SMTPSettings) { sm.Encryption = transports.EncryptTLS })
	test("certificate check", func(sm *transports.SMTPSettings) { sm.CertCheck = transports.CertSkip })
	test("username", func(sm *transports.SMTPSettings) { sm.Username = "directie@example.nl" })
	test("mode", func(sm *transports.SMTPSettings) { sm.Mode = transports.ModeMailbox })
	test("authentication", func(sm *transports.SMTPSettings) {
		sm.Auth, sm.Username, sm.PasswordRef = transports.AuthIPAllowlist, "", ""
	})

	// The admin moves the transport to the server without a login: a new
	// test and a new code prove the new settings, and only they are
	// exported.
	sm := s.Current().SMTP
	sm.Port, sm.Auth, sm.Username, sm.PasswordRef = w.open.Port, transports.AuthIPAllowlist, "", ""
	if err := checkVerify(s); err == nil {
		t.Fatal("the code sent through the old port still counts")
	}
	rep, err := TestSMTP(context.Background(), w.env, s)
	must(t, err)
	if !rep.OK() {
		t.Fatalf("test of the new settings: %s", findingsText(rep))
	}
	first, _ := VerifySenders(s)
	w.verifyAs(t, w.open, s, first)
	must(t, checkVerify(s))
	out, err := Export(w.env, s, ExportOptions{Path: filepath.Join(w.dir, "moved.json")})
	must(t, err)
	want := "127.0.0.1:" + strconv.Itoa(w.open.Port) + " starttls strict none-ip-allowlist relay"
	for _, ev := range out.Document.Evidence {
		if strings.HasPrefix(ev.Check, "smtp.") && ev.Settings != want {
			t.Errorf("exported %s taken with %q, want only evidence for %q", ev.Check, ev.Settings, want)
		}
	}
	if got := strings.Join(smtpChecks(out.Document), " "); got != "smtp.test smtp.verify" {
		t.Errorf("exported smtp evidence %q", got)
	}
}

// A test that fails takes the earlier test's evidence away: the document
// must not say the server passed a test it now fails.
func TestFailedTestDropsTestEvidence(t *testing.T) {
	w := newWorld(t)
	f := w.verifiedRelay(t)
	s := f.State
	name := s.Current().Name
	if !s.HasEvidence(CheckSMTPTest, name) {
		t.Fatal("no test evidence after a passed test")
	}
	must(t, SetSMTPPassword(w.env, s, "wrong password"))
	rep, err := TestSMTP(context.Background(), w.env, s)
	must(t, err)
	if rep.OK() {
		t.Fatal("the test passed with a wrong password")
	}
	if s.HasEvidence(CheckSMTPTest, name) {
		t.Error("the failed test left the earlier test's evidence standing")
	}
	doc, err := Document(s, w.env.now(), "test")
	must(t, err)
	if got := strings.Join(smtpChecks(doc), " "); got != "smtp.verify" {
		t.Errorf("document smtp evidence %q, want the code's only", got)
	}
}

// DNS evidence names the record and every authoritative server that
// served it, by name; a record on one server of two is no evidence yet.
func TestDNSEvidenceNamesTheServers(t *testing.T) {
	const zone = `
$ORIGIN example.nl.
@    300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    300 IN NS ns1
@    300 IN NS ns2
ns1  300 IN A 127.0.0.4
ns2  300 IN A 127.0.0.5
`
	ns1, ns2, port := dnstest.StartNameservers(t, "127.0.0.4", "127.0.0.5")
	resolver := dnstest.Start(t, "127.0.0.1:0")
	for _, srv := range []*dnstest.Server{ns1, ns2, resolver} {
		srv.MustAddZone(t, zone)
	}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	env := &Env{DNS: &dnsq.Client{Servers: []string{resolver.Addr}, AuthPort: port, Timeout: time.Second}, Now: func() time.Time { return at }}
	s := NewState(i18n.English)
	s.Provider, s.Domain = "clockwise", "example.nl"
	p, err := s.Profile()
	must(t, err)
	spf := "v=spf1 include:_spf.clockwise.info -all"
	records := Records(p, s.Domain, "example.nl", SPFRecord{Value: spf}, nil)
	txt := func() dns.RR {
		return &dns.TXT{Hdr: dns.RR_Header{Name: "example.nl.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{spf}}
	}
	round := func() poll.Event {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		events, err := PollDNS(ctx, env, s, records, poll.Options{Interval: time.Hour})
		must(t, err)
		ev := <-events
		RecordPoll(env, s, records, ev)
		return ev
	}

	ns1.AddRR(txt())
	if ev := round(); ev.Done || len(s.Evidence) != 0 {
		t.Fatalf("on one server of two: done %v, evidence %+v", ev.Done, s.Evidence)
	}
	ns2.AddRR(txt())
	if ev := round(); !ev.Done {
		t.Fatalf("on both servers, not done: %+v", ev.Records)
	}
	if len(s.Evidence) != 1 {
		t.Fatalf("evidence %+v", s.Evidence)
	}
	ev := s.Evidence[0]
	if ev.Check != "dns.spf" || ev.Record != "example.nl" || strings.Join(ev.Nameservers, " ") != "ns1.example.nl ns2.example.nl" || !ev.At.Equal(at) {
		t.Errorf("evidence %+v, want example.nl seen on ns1.example.nl and ns2.example.nl", ev)
	}
	if lines := EvidenceLines(i18n.New(i18n.Dutch), s); len(lines) != 1 ||
		lines[0] != "example.nl: dns.spf geslaagd 2026-11-29 10:00 UTC: example.nl gezien op ns1.example.nl, ns2.example.nl" {
		t.Errorf("review lines %q", lines)
	}
}

// The DNS evidence follows the records' order whichever round saw each
// first, so the window and setup write the same document; other
// evidence keeps its place.
func TestDNSEvidenceInTheRecordsOrder(t *testing.T) {
	records := []Record{{Label: "SPF", Type: "TXT", Name: "example.nl"}, {Label: "DKIM s1", Type: "TXT", Name: "s1._domainkey.example.nl"}}
	s := NewState(i18n.English)
	s.Evidence = []transports.Evidence{
		{Check: "dns.dkim", Record: "s1._domainkey.example.nl"},
		{Check: "smtp.verify", Transport: "relay"},
		{Check: "dns.spf", Record: "example.nl"},
	}
	s.orderDNSEvidence(records)
	var got []string
	for _, ev := range s.Evidence {
		got = append(got, ev.Check)
	}
	if strings.Join(got, " ") != "dns.spf smtp.verify dns.dkim" {
		t.Errorf("evidence in the order %v, want dns.spf smtp.verify dns.dkim", got)
	}
}
