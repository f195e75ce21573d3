package wizard

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/poll"
	"mailwizard/checks/smtp"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
	"mailwizard/wizard/i18n"
)

// Every path of the wizard through its API alone, as both faces drive it,
// against a real DNS server and real SMTP servers on loopback, ending in a
// document that export validate would accept.

const customerZone = `
$ORIGIN example.nl.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns1
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
`

type world struct {
	dns  *dnstest.Server
	env  *Env
	smtp *smtptest.Server // STARTTLS with AUTH
	open *smtptest.Server // STARTTLS without AUTH: IP allow-listing
	dir  string
	// clock is the Env's time: tests move it on to tell apart when a
	// code was sent and when it was confirmed.
	clock time.Time
	// certExpires is when the servers' certificate (for 127.0.0.1) ends.
	certExpires time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, customerZone)
	srv.MustAddZone(t, dnstest.SOA("clockwise.info", 300)+"\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 ip4:31.134.206.128/28 -all\"")
	srv.MustAddZone(t, dnstest.SOA("spinoffice-crm.com", 300)+"\nspf.spinoffice-crm.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	ca := smtptest.NewCA(t)
	expires := time.Now().Add(30 * time.Hour).UTC().Truncate(time.Second)
	cert := smtptest.Issue(t, ca, []string{"127.0.0.1"}, time.Now().Add(-time.Hour), expires)
	w := &world{dns: srv, dir: t.TempDir(), clock: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), certExpires: expires,
		smtp: smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"facturen@example.nl": "Zomer2026!mail"}}),
		open: smtptest.Start(t, smtptest.Options{Cert: &cert}),
		env: &Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Dialer: &net.Dialer{}, Secrets: secrets.NewMemory(),
			RootCAs: ca.Pool, SMTPTimeouts: smtp.Timeouts{Connect: 2 * time.Second, Command: 2 * time.Second}},
	}
	w.env.Now = func() time.Time { return w.clock }
	return w
}

// start walks welcome and domain for provider.
func (w *world) start(t *testing.T, provider string, senders ...string) (*Flow, *transports.Provider, *Discovery) {
	t.Helper()
	s := NewState(i18n.English)
	f := NewFlow(s)
	s.Provider = provider
	must(t, f.Next())
	s.Domain, s.Senders = "example.nl", senders
	must(t, f.Next())
	p, err := s.Profile()
	must(t, err)
	d, err := Discover(context.Background(), w.env, s)
	must(t, err)
	return f, p, d
}

// publish adds records to the zone as an admin types them into a panel.
func (w *world) publish(t *testing.T, records []Record) {
	t.Helper()
	for _, r := range records {
		if r.Value == "" {
			t.Fatalf("%s has no value to publish: %s", r.Label, r.Note)
		}
		switch r.Type {
		case "TXT":
			if r.Label == "SPF" {
				w.dns.Remove(r.Name, dns.TypeTXT)
			}
			w.dns.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(r.Name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: dkimkey.SplitTXT(r.Value)})
		case "CNAME":
			w.dns.AddRR(&dns.CNAME{Hdr: dns.RR_Header{Name: dns.Fqdn(r.Name), Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: dns.Fqdn(r.Value)})
		}
	}
}

// pollUntilSeen runs the DNS step's polling until every record is seen.
func (w *world) pollUntilSeen(t *testing.T, s *State, records []Record) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := PollDNS(ctx, w.env, s, records, poll.Options{Interval: 50 * time.Millisecond})
	must(t, err)
	var last poll.Event
	for ev := range events {
		RecordPoll(w.env, s, records, ev)
		last = ev
	}
	if !last.Done {
		t.Fatalf("polling ended without every record: %+v", last.Records)
	}
}

// finish walks the transports and review steps and exports.
func (w *world) finish(t *testing.T, f *Flow, plaintext bool) (*Exported, *transports.Document) {
	t.Helper()
	if f.Current().ID != StepTransports {
		t.Fatalf("at %s, want the transports step", f.Current().ID)
	}
	must(t, f.Next())
	if f.Current().ID != StepReview || !f.AtEnd() {
		t.Fatalf("at %s, want the review step last", f.Current().ID)
	}
	must(t, f.Next())
	return w.export(t, f, "export.json", plaintext)
}

// export writes the document to name and reads it back as the service
// would.
func (w *world) export(t *testing.T, f *Flow, name string, plaintext bool) (*Exported, *transports.Document) {
	t.Helper()
	out, err := Export(w.env, f.State, ExportOptions{Path: filepath.Join(w.dir, name), Generator: "mailwizard test", Plaintext: plaintext})
	must(t, err)
	doc, err := transports.ReadFile(out.Path)
	must(t, err)
	return out, doc
}

func TestPathHostedWithGeneratedKey(t *testing.T) {
	w := newWorld(t)
	f, p, d := w.start(t, "clockwise", "facturen")
	s := f.State
	if rec := Recommend(i18n.New(i18n.English), s, p, d); rec.Type != transports.Hosted || !strings.Contains(rec.Reason, "p=reject") {
		t.Errorf("recommendation %+v", rec)
	}
	must(t, s.ChooseType(p, transports.Hosted, w.env.now()))
	must(t, f.Next())
	if f.Current().ID != StepHosted {
		t.Fatalf("at %s", f.Current().ID)
	}
	if err := f.Next(); transports.FirstField(err) != "dkim.key" {
		t.Errorf("Next without a key: %v", err)
	}
	if _, err := GenerateKey(context.Background(), w.env, s, dkimkey.Ed25519); err == nil {
		t.Error("an Ed25519 key was made for ClockWise, which signs with RSA only")
	}
	key, err := GenerateKey(context.Background(), w.env, s, dkimkey.RSA2048)
	must(t, err)
	plan, err := PlanHosted(context.Background(), w.env, s, d)
	must(t, err)
	if plan.SPF.Suggestion.Record != "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all" {
		t.Errorf("SPF to publish %q", plan.SPF.Suggestion.Record)
	}
	if !hasChange(plan.Changes, "include:_spf.clockwise.info", "added") || !hasChange(plan.Changes, "include:spf.protection.outlook.com", "kept") {
		t.Errorf("changes %+v", plan.Changes)
	}
	must(t, f.Next())
	if f.Current().ID != StepDNS {
		t.Fatalf("at %s", f.Current().ID)
	}
	records, err := DNSRecords(context.Background(), w.env, s, d)
	must(t, err)
	if len(records) != 2 || len(records[0].Replaces) == 0 || records[1].Relative != "clockwise-202611._domainkey" || records[1].Value != key.RecordValue || len(records[1].Strings) < 2 {
		t.Errorf("records %+v", records)
	}
	zone := ZoneFragment(records, s.Domain, p.Name)
	if !strings.Contains(zone, `example.nl. 3600 IN TXT "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all"`) ||
		!strings.Contains(zone, "clockwise-202611._domainkey.example.nl. 3600 IN TXT \"v=DKIM1; k=rsa; p=") {
		t.Errorf("zone fragment:\n%s", zone)
	}
	if err := f.Next(); transports.FirstField(err) != "dns" {
		t.Errorf("Next before the records are seen: %v", err)
	}
	w.publish(t, records)
	w.pollUntilSeen(t, s, records)
	must(t, f.Next())
	_, doc := w.finish(t, f, false)
	if len(doc.DKIM) != 1 || doc.DKIM[0].Selector != "clockwise-202611" || doc.Transports[0].Hosted.DKIM.Mode != transports.DKIMGenerate {
		t.Errorf("document DKIM %+v", doc.DKIM)
	}
	if len(doc.DNS) != 2 || doc.DNS[0].Status != "ok" || !evidence(doc, "dns.spf") || !evidence(doc, "dns.dkim") {
		t.Errorf("document DNS %+v, evidence %+v", doc.DNS, doc.Evidence)
	}
	// Each record's evidence names the record and the authoritative
	// servers that served it: here the one every query is pinned to (see
	// TestDNSEvidenceNamesTheServers for servers known by name).
	for check, record := range map[string]string{"dns.spf": "example.nl", "dns.dkim": "clockwise-202611._domainkey.example.nl"} {
		ev := evidenceOf(doc, check, "")
		if ev == nil || ev.Record != record || strings.Join(ev.Nameservers, ",") != w.dns.Addr || !ev.At.Equal(w.clock) {
			t.Errorf("%s evidence %+v, want %s seen on %s", check, ev, record, w.dns.Addr)
		}
	}
	if lines := EvidenceLines(i18n.New(i18n.English), s); !slices.Contains(lines, "example.nl: dns.spf passed 2026-11-29 10:00 UTC: example.nl seen on "+w.dns.Addr) {
		t.Errorf("review lines:\n%s", strings.Join(lines, "\n"))
	}
	if len(doc.Secrets) != 0 {
		t.Errorf("secrets exported although ClockWise published no sealing key: %+v", doc.Secrets)
	}
}

func TestPathHostedWithCNAMEs(t *testing.T) {
	w := newWorld(t)
	f, p, d := w.start(t, "spinoffice")
	s := f.State
	must(t, s.ChooseType(p, transports.Hosted, w.env.now()))
	must(t, f.Next())
	plan, err := PlanHosted(context.Background(), w.env, s, d)
	must(t, err)
	if len(plan.CNAMEs) != 3 || plan.CNAMEs[0].Relative != "mrsel1._domainkey" {
		t.Errorf("CNAMEs %+v", plan.CNAMEs)
	}
	must(t, f.Next())
	records, err := DNSRecords(context.Background(), w.env, s, d)
	must(t, err)
	if len(records) != 4 {
		t.Fatalf("records %+v", records)
	}
	w.publish(t, records)
	w.pollUntilSeen(t, s, records)
	must(t, f.Next())
	_, doc := w.finish(t, f, false)
	if len(doc.DKIM) != 0 || doc.Transports[0].Hosted.DKIM.Mode != transports.DKIMCNAME || len(doc.DNS) != 4 {
		t.Errorf("document %+v %+v", doc.Transports[0].Hosted, doc.DNS)
	}
}

func TestPathNoReply(t *testing.T) {
	w := newWorld(t)
	f, p, d := w.start(t, "clockwise")
	s := f.State
	no := false
	s.DNSAccess = &no
	if rec := Recommend(i18n.New(i18n.English), s, p, d); rec.Type != transports.NoReply {
		t.Errorf("without DNS access: %+v", rec)
	}
	must(t, s.ChooseType(p, transports.NoReply, w.env.now()))
	must(t, f.Next())
	if f.Current().ID != StepNoReply || !strings.Contains(ReplyToAdvice(i18n.New(i18n.English), s, p, d), "p=reject") {
		t.Fatalf("at %s", f.Current().ID)
	}
	must(t, SetReplyToFrom(s, true))
	must(t, f.Next())
	_, doc := w.finish(t, f, false)
	if doc.Transports[0].NoReply == nil || !doc.Transports[0].NoReply.ReplyToFrom || len(doc.DNS) != 0 {
		t.Errorf("document %+v", doc.Transports[0])
	}
}

var codeInMail = regexp.MustCompile(`Verification code: ([A-Z0-9]{4}-[A-Z0-9]{4})`)

// verifyAs sends a code through the transport being edited and types back
// what arrived at the server.
func (w *world) verifyAs(t *testing.T, srv *smtptest.Server, s *State, from string) {
	t.Helper()
	before := len(srv.Messages())
	pending, err := SendStepCode(context.Background(), w.env, s, from)
	must(t, err)
	msgs := srv.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("%d messages arrived, want %d", len(msgs), before+1)
	}
	code := codeInMail.FindStringSubmatch(string(msgs[len(msgs)-1].Data))
	if err := ConfirmStepCode(w.env, s, pending, "WRONG-CODE"); err == nil || pending.AttemptsLeft() != 4 {
		t.Errorf("a wrong code: %v, %d left", err, pending.AttemptsLeft())
	}
	w.clock = w.clock.Add(2 * time.Minute) // the admin reads the mail
	must(t, ConfirmStepCode(w.env, s, pending, strings.ToLower(code[1])))
}

// seenTLS checks the TLS an smtp check's evidence saw: the loopback
// servers' certificate, verified.
func (w *world) seenTLS(t *testing.T, ev *transports.Evidence) {
	t.Helper()
	if ev == nil || ev.TLS == nil {
		t.Fatalf("no TLS seen in %+v", ev)
	}
	if ev.TLS.Version != "TLS 1.3" || ev.TLS.Subject != "127.0.0.1" || !ev.TLS.NotAfter.Equal(w.certExpires) || !ev.TLS.Verified || ev.TLS.Cipher == "" {
		t.Errorf("%s saw TLS %+v, want TLS 1.3 with the certificate for 127.0.0.1 until %s", ev.Check, ev.TLS, w.certExpires)
	}
}

func TestPathOwnServerWithPasswordAndSendAs(t *testing.T) {
	w := newWorld(t)
	f, p, _ := w.start(t, "perfectview", "facturen", "directie")
	s := f.State
	must(t, s.ChooseType(p, transports.SMTP, w.env.now()))
	must(t, f.Next())
	t0 := s.Current()
	t0.SMTP.Host, t0.SMTP.Port, t0.SMTP.Username, t0.SMTP.Mode = "127.0.0.1", w.smtp.Port, "facturen@example.nl", transports.ModeMailbox
	if err := f.Next(); transports.FirstField(err) != "smtp.password_ref" {
		t.Errorf("Next without a password: %v", err)
	}
	if PasswordStored(w.env, s) {
		t.Error("a password is stored before one was given")
	}
	must(t, SetSMTPPassword(w.env, s, "Zomer2026!mail"))
	if !PasswordStored(w.env, s) {
		t.Error("the password given is not found in the keychain")
	}
	rep, err := TestSMTP(context.Background(), w.env, s)
	must(t, err)
	if !rep.OK() || !rep.Auth.OK {
		t.Errorf("test: %+v", rep.Findings)
	}
	must(t, f.Next())
	if f.Current().ID != StepVerify {
		t.Fatalf("at %s", f.Current().ID)
	}
	s.CodeTo = "it@example.org"
	first, sendAs := VerifySenders(s)
	if first != "facturen@example.nl" || sendAs != "directie@example.nl" {
		t.Errorf("senders to prove: %q, %q", first, sendAs)
	}
	w.verifyAs(t, w.smtp, s, first)
	if err := f.Next(); err == nil || !strings.Contains(err.Error(), "send-as") {
		t.Errorf("Next before the send-as code: %v", err)
	}
	w.verifyAs(t, w.smtp, s, sendAs)
	must(t, f.Next())
	out, doc := w.finish(t, f, false)
	sm := doc.Transports[0].SMTP
	if sm.PasswordRef == "" || sm.Mode != transports.ModeMailbox || !evidence(doc, CheckSMTPVerify) || !evidence(doc, CheckSMTPSendAs) {
		t.Errorf("document %+v, evidence %+v", sm, doc.Evidence)
	}
	// What each check saw, tied to the settings it ran with.
	name, server := doc.Transports[0].Name, "127.0.0.1:"+strconv.Itoa(w.smtp.Port)
	settings := "127.0.0.1:" + strconv.Itoa(w.smtp.Port) + " starttls strict password facturen@example.nl mailbox"
	test, verify, proof := evidenceOf(doc, CheckSMTPTest, name), evidenceOf(doc, CheckSMTPVerify, name), evidenceOf(doc, CheckSMTPSendAs, name)
	for _, ev := range []*transports.Evidence{test, verify, proof} {
		w.seenTLS(t, ev)
		if ev.Auth != "PLAIN accepted" || ev.Server != server || ev.Settings != settings || ev.Origin != transports.OriginAdminDesk {
			t.Errorf("%s evidence %+v", ev.Check, ev)
		}
	}
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	if !test.At.Equal(start) || test.Sender != "facturen@example.nl" {
		t.Errorf("test evidence at %s as %q", test.At, test.Sender)
	}
	// Each code's evidence is dated when it was confirmed, two minutes
	// after it was sent.
	if !verify.At.Equal(start.Add(2*time.Minute)) || verify.Sender != "facturen@example.nl" ||
		!proof.At.Equal(start.Add(4*time.Minute)) || proof.Sender != "directie@example.nl" {
		t.Errorf("verify at %s as %q, send-as at %s as %q", verify.At, verify.Sender, proof.At, proof.Sender)
	}
	raw, _ := os.ReadFile(out.Path)
	if !strings.Contains(string(raw), `"version": 2`) || strings.Contains(string(raw), "Zomer2026!mail") {
		t.Errorf("the export is not version 2, or shows the password:\n%s", raw)
	}
	want := name + ": smtp.verify passed 2026-11-29 10:02 UTC at " + server + ": TLS 1.3, certificate 127.0.0.1 (valid until " +
		w.certExpires.Format("2006-01-02") + "), PLAIN accepted; code sent as facturen@example.nl confirmed"
	if lines := EvidenceLines(i18n.New(i18n.English), s); len(lines) != 3 || !slices.Contains(lines, want) {
		t.Errorf("review lines:\n%s\nwant among them:\n%s", strings.Join(lines, "\n"), want)
	}
	nl := "certificaat 127.0.0.1 (geldig tot " + w.certExpires.Format("2006-01-02") + "), PLAIN geaccepteerd; code verstuurd als directie@example.nl bevestigd"
	if lines := EvidenceLines(i18n.New(i18n.Dutch), s); !strings.Contains(strings.Join(lines, "\n"), nl) {
		t.Errorf("Dutch review lines:\n%s", strings.Join(lines, "\n"))
	}
	if len(doc.Secrets) != 0 || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0].String(), "another way") {
		t.Errorf("PerfectView has no sealing key: secrets %+v, warnings %q", doc.Secrets, out.Warnings)
	}
	// On the admin's word the password goes in, in plain text.
	_, doc = w.export(t, f, "export2.json", true)
	if len(doc.Secrets) != 1 || doc.Secrets[0].Plaintext != "Zomer2026!mail" {
		t.Errorf("plain-text export: %+v", doc.Secrets)
	}
}

func TestPathOwnServerWithAllowList(t *testing.T) {
	w := newWorld(t)
	f, p, _ := w.start(t, "perfectview", "info@example.nl")
	s := f.State
	must(t, s.ChooseType(p, transports.SMTP, w.env.now()))
	must(t, f.Next())
	t0 := s.Current()
	t0.SMTP.Host, t0.SMTP.Port, t0.SMTP.Auth = "127.0.0.1", w.open.Port, transports.AuthIPAllowlist
	rep, err := TestSMTP(context.Background(), w.env, s)
	must(t, err)
	if !rep.OK() || !strings.Contains(findingsText(rep), "212.61.168.0/27") {
		t.Errorf("test: %+v", rep.Findings)
	}
	if steps := ConnectorSteps(i18n.New(i18n.English), p); !strings.Contains(strings.Join(steps, " "), "212.61.168.0/27") {
		t.Errorf("connector steps %q", steps)
	}
	must(t, f.Next())
	s.CodeTo = "it@example.org"
	first, sendAs := VerifySenders(s)
	if sendAs != "" {
		t.Errorf("relay mode needs no send-as proof, asked for %q", sendAs)
	}
	w.verifyAs(t, w.open, s, first)
	must(t, f.Next())
	_, doc := w.finish(t, f, false)
	if sm := doc.Transports[0].SMTP; sm.Auth != transports.AuthIPAllowlist || sm.PasswordRef != "" || len(doc.Secrets) != 0 {
		t.Errorf("document %+v", sm)
	}
	for _, check := range []string{CheckSMTPTest, CheckSMTPVerify} {
		ev := evidenceOf(doc, check, doc.Transports[0].Name)
		w.seenTLS(t, ev)
		if ev.Auth != smtp.AuthAllowListed || ev.Sender != "info@example.nl" {
			t.Errorf("%s evidence %+v, want no login (allow-listed) as info@example.nl", check, ev)
		}
	}
}

func hasChange(cs []TermChange, term, change string) bool {
	for _, c := range cs {
		if c.Term == term && c.Change == change {
			return true
		}
	}
	return false
}

func evidence(doc *transports.Document, check string) bool {
	for _, ev := range doc.Evidence {
		if ev.Check == check && ev.Passed && ev.Origin == transports.OriginAdminDesk {
			return true
		}
	}
	return false
}

// evidenceOf is the document's evidence of check for transport ("" for
// the domain), or nil.
func evidenceOf(doc *transports.Document, check, transport string) *transports.Evidence {
	for i, ev := range doc.Evidence {
		if ev.Check == check && ev.Transport == transport {
			return &doc.Evidence[i]
		}
	}
	return nil
}

func findingsText(r *smtp.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.Message + " " + f.Fix + "\n")
	}
	return b.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
