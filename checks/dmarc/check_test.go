package dmarc

import (
	"context"
	"strings"
	"testing"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
)

const zone = `
$ORIGIN test.
@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
_dmarc.none.test.        300 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@none.test"
_dmarc.reject.test.      300 IN TXT "v=DMARC1; p=reject; adkim=r; aspf=s; rua=mailto:reports@collector.test,mailto:me@reject.test"
reject.test._report._dmarc.collector.test. 300 IN TXT "v=DMARC1"
_dmarc.quarantine.test.  300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:reports@elsewhere.test"
_dmarc.twice.test.       300 IN TXT "v=DMARC1; p=none"
_dmarc.twice.test.       300 IN TXT "v=DMARC1; p=reject"
_dmarc.bad.test.         300 IN TXT "v=DMARC1; p=block"
_dmarc.dup.test.         300 IN TXT "v=DMARC1; p=none; p=reject"
_dmarc.late.test.        300 IN TXT "p=reject; v=DMARC1"
_dmarc.bis.test.         300 IN TXT "v=DMARC1; rua=mailto:d@bis.test"
_dmarc.legacy.test.      300 IN TXT "v=DMARC1; p=none; pct=50; ri=3600"
_dmarc.other.test.       300 IN TXT "v=spf1 -all"
_dmarc.dd.test.dd.test.  300 IN TXT "v=DMARC1; p=none"
`

func TestCheck(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, zone)
	srv.MustAddZone(t, dnstest.SOA("example.co.uk", 300)+"\n_dmarc.example.co.uk. 300 IN TXT \"v=DMARC1; p=none; sp=reject\"")
	srv.Drop("_dmarc.slow.test")
	srv.MustAddZone(t, dnstest.SOA("slow-org.nl", 300))
	srv.Drop("_dmarc.slow-org.nl")
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond}
	hostedNoDKIM := Sending{Provider: "ClockWise", Hosted: true}
	hostedDKIM := Sending{Provider: "ClockWise", Hosted: true, HostedDKIM: true}
	withBounce := Sending{Provider: "Mailer", Hosted: true, HostedDKIM: true, Bounce: &transports.BounceRecord{Name: "bounce", Type: "cname", Target: "bounces.mailer.test"}}

	test := func(domain string, s Sending, status checks.Severity, codes string, check func(*Result)) {
		t.Helper()
		r := Check(context.Background(), c, domain, s)
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Code)
		}
		if r.Status != status || strings.Join(got, ",") != codes {
			t.Errorf("%s: status %s, findings %v; want %s, %s (%+v)", domain, r.Status, got, status, codes, r.Findings)
		}
		if check != nil {
			check(r)
		}
	}
	test("none.test", hostedNoDKIM, "ok", "", func(r *Result) {
		if r.Policy != "none" || r.ADKIM != "r" {
			t.Errorf("none.test: %+v", r)
		}
	})
	test("reject.test", hostedNoDKIM, checks.Error, "dmarc.requires-dkim", func(r *Result) {
		if !strings.Contains(r.Findings[0].Message, "rejected") {
			t.Errorf("message %q", r.Findings[0].Message)
		}
	})
	test("reject.test", hostedDKIM, "ok", "dmarc.spf-unaligned", nil)
	test("reject.test", withBounce, checks.Warning, "dmarc.spf-unaligned", nil)
	test("quarantine.test", hostedDKIM, checks.Warning, "dmarc.report-unauthorized,dmarc.spf-unaligned", func(r *Result) {
		if !strings.Contains(r.Findings[0].Fix, "quarantine.test._report._dmarc.elsewhere.test") {
			t.Errorf("fix %q", r.Findings[0].Fix)
		}
	})
	test("missing.test", hostedDKIM, checks.Warning, "dmarc.missing", func(r *Result) {
		if r.Suggested != "v=DMARC1; p=none; rua=mailto:dmarc-reports@missing.test" || !strings.Contains(r.Findings[0].Fix, "_dmarc") {
			t.Errorf("suggestion %q / %q", r.Suggested, r.Findings[0].Fix)
		}
	})
	test("other.test", hostedDKIM, checks.Warning, "dmarc.missing", nil) // a TXT that is not DMARC
	test("dd.test", hostedDKIM, checks.Error, "dns.zone-name-doubled", func(r *Result) {
		if !strings.Contains(r.Findings[0].Fix, "with the name _dmarc") {
			t.Errorf("fix %q", r.Findings[0].Fix)
		}
	})
	test("twice.test", hostedDKIM, checks.Error, "dmarc.multiple-records", nil)
	test("bad.test", hostedDKIM, checks.Error, "dmarc.syntax", nil)
	test("dup.test", hostedDKIM, checks.Error, "dmarc.syntax", nil)
	test("late.test", hostedDKIM, checks.Warning, "dmarc.missing", nil) // does not start with v=DMARC1: not a DMARC record
	test("bis.test", hostedNoDKIM, checks.Warning, "dmarc.syntax", func(r *Result) {
		if r.Policy != "none" {
			t.Errorf("DMARCbis: a missing p= reads as none, got %q", r.Policy)
		}
	})
	test("legacy.test", hostedDKIM, "ok", "dmarc.legacy-tags", nil)
	test("slow.test", hostedDKIM, checks.Error, "dns.timeout", nil)
	// The subdomain has no record and the organisational domain's lookup
	// gets no answer: the policy is unknown, not missing.
	test("news.slow-org.nl", hostedDKIM, checks.Error, "dns.timeout", func(r *Result) {
		if !r.Findings[0].Temporary || r.Suggested != "" || !strings.Contains(r.Findings[0].Message, "_dmarc.slow-org.nl") {
			t.Errorf("org lookup unanswered: %+v", r.Findings)
		}
	})
	// No record at the subdomain: the organisational domain's sp= applies.
	test("mail.example.co.uk", hostedNoDKIM, checks.Error, "dmarc.requires-dkim", func(r *Result) {
		if !r.FromOrgDomain || r.Name != "_dmarc.example.co.uk" || r.Policy != "reject" {
			t.Errorf("org fallback: %+v", r)
		}
	})
	if OrgDomain("a.b.example.co.uk") != "example.co.uk" || OrgDomain("Mail.Example.NL.") != "example.nl" {
		t.Error("OrgDomain")
	}
}

// FuzzVerdict: any published DMARC text and any way of sending give a
// result with a status, never a panic.
func FuzzVerdict(f *testing.F) {
	srv := dnstest.Start(f, "127.0.0.1:0")
	srv.MustAddZone(f, zone)
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond}
	f.Add("v=DMARC1; p=reject; rua=mailto:a@b.test!10m", true, false, true)
	f.Add("v=DMARC1; sp=quarantine; aspf=s", true, true, false)
	f.Fuzz(func(t *testing.T, record string, hosted, dkim, bounce bool) {
		srv.Remove("_dmarc.fuzz.test", 16)
		srv.Add(`_dmarc.fuzz.test. 60 IN TXT "` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(record) + `"`)
		s := Sending{Hosted: hosted, HostedDKIM: dkim}
		if bounce {
			s.Bounce = &transports.BounceRecord{Name: "bounce", Type: "cname", Target: "x.test"}
		}
		r := Check(context.Background(), c, "fuzz.test", s)
		if r.Status == "" {
			t.Fatal("no status")
		}
	})
}
