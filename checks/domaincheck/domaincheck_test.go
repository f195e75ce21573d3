package domaincheck

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
)

var provider = &transports.Provider{ID: "clockwise", Name: "ClockWise", Transports: []transports.Type{transports.Hosted},
	SPFInclude: "_spf.clockwise.test", SendingRanges: []string{"217.115.198.64/27"},
	DKIM: transports.ProviderDKIM{Mode: "generate", DefaultSelector: "clockwise"}}

const key = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

// zoneFor is a customer domain in one of three states: done, half done
// (SPF without the include, no DKIM, p=reject) and untouched.
func zoneFor(domain, state string) string {
	z := dnstest.SOA(domain, 300) + "\n" + fmt.Sprintf(`
$ORIGIN %s.
@ 300 IN NS ns1.dns-host.ns.cloudflare.com.
@ 300 IN MX 0 %s.mail.protection.outlook.com.
`, domain, strings.ReplaceAll(domain, ".", "-"))
	switch state {
	case "done":
		z += `@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test -all"
clockwise._domainkey 300 IN TXT "` + key + `"
_dmarc 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@` + domain + `"
selector1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=MS"
`
	case "half":
		z += `@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
selector1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=MS"
`
	}
	return z
}

func server(t testing.TB, domains map[string]string) *dnsq.Client {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("clockwise.test", 300)+"\n_spf.clockwise.test. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	for d, state := range domains {
		srv.MustAddZone(t, zoneFor(d, state))
	}
	return &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}
}

func TestReportShape(t *testing.T) {
	c := server(t, map[string]string{"done.test": "done", "half.test": "half", "fresh.test": "fresh"})
	ctx := context.Background()

	done := Check(ctx, c, "done.test", Options{Provider: provider, ExpectDKIM: key})
	if checks.Worst(done.Findings) != checks.Info || done.Checks.SPF.Status != "ok" || done.Checks.DKIM.Status != "ok" || done.Checks.DMARC.Status != "ok" {
		t.Errorf("done.test: %+v", done.Findings)
	}
	if done.Checks.MX.Provider != "microsoft365" || done.Hints.DNSHost == nil || done.Hints.DNSHost.ID != "cloudflare" {
		t.Errorf("hints: mx %+v, dns %+v", done.Checks.MX, done.Hints.DNSHost)
	}
	// The provider's selector is there, so the common ones are not probed
	// (a dozen questions saved a domain); without it they are, and
	// Microsoft 365's selector1 is found.
	if len(done.Hints.Selectors) != 1 || done.Hints.Selectors[0].Selector != "clockwise" {
		t.Errorf("selectors found: %+v", done.Hints.Selectors)
	}

	half := Check(ctx, c, "half.test", Options{Provider: provider})
	if len(half.Hints.Selectors) != 1 || half.Hints.Selectors[0].Selector != "selector1" {
		t.Errorf("half.test: selectors found: %+v", half.Hints.Selectors)
	}
	var codes []string
	for _, f := range half.Findings {
		codes = append(codes, f.Code)
	}
	want := "spf.include-missing,spf.range-not-pass,dkim.missing,dmarc.requires-dkim"
	if strings.Join(codes, ",") != want {
		t.Errorf("half.test findings %v, want %s", codes, want)
	}
	if half.Checks.SPF.Suggested != "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test -all" {
		t.Errorf("suggested %q", half.Checks.SPF.Suggested)
	}

	fresh := Check(ctx, c, "fresh.test", Options{Provider: provider})
	if fresh.Checks.SPF.Suggested != "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test ~all" {
		t.Errorf("fresh suggestion %q", fresh.Checks.SPF.Suggested)
	}
	// A missing record's finding says what to publish or run.
	for _, f := range fresh.Findings {
		switch f.Code {
		case "spf.missing":
			if !strings.Contains(f.Fix, fresh.Checks.SPF.Suggested) {
				t.Errorf("spf.missing does not name the record: %q", f.Fix)
			}
		case "dkim.missing":
			if !strings.Contains(f.Fix, "mailwizard dkim gen --domain fresh.test --selector clockwise") {
				t.Errorf("dkim.missing does not say what to run: %q", f.Fix)
			}
		}
	}

	// The JSON contract of DESIGN.md.
	raw, _ := json.Marshal(half)
	var m map[string]any
	json.Unmarshal(raw, &m)
	chk := m["checks"].(map[string]any)
	s := chk["spf"].(map[string]any)
	for _, k := range []string{"status", "record", "lookups", "suggested"} {
		if _, ok := s[k]; !ok {
			t.Errorf("checks.spf lacks %q: %s", k, raw)
		}
	}
	mx := chk["mx"].(map[string]any)
	if mx["provider"] != "microsoft365" || len(mx["hosts"].([]any)) != 1 || m["domain"] != "half.test" || m["provider"] != "clockwise" {
		t.Errorf("json: %s", raw)
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"check", "severity", "code", "message", "fix"} {
		if _, ok := f[k]; !ok {
			t.Errorf("a finding lacks %q", k)
		}
	}
}

func TestBounceRecord(t *testing.T) {
	p := *provider
	p.Bounce = &transports.BounceRecord{Name: "bounce", Type: "cname", Target: "bounces.clockwise.test"}
	c := server(t, map[string]string{"done.test": "done"})
	rep := Check(context.Background(), c, "done.test", Options{Provider: &p, ExpectDKIM: key})
	if rep.Checks.Bounce == nil || rep.Checks.Bounce.Status != "error" || rep.Findings[0].Code != "bounce.missing" ||
		!strings.Contains(rep.Findings[0].Fix, "named bounce pointing to bounces.clockwise.test") {
		t.Errorf("bounce: %+v %+v", rep.Checks.Bounce, rep.Findings)
	}
}

func BenchmarkCheckOneDomain(b *testing.B) {
	c := server(b, map[string]string{"done.test": "done"})
	for b.Loop() {
		Check(context.Background(), c, "done.test", Options{Provider: provider, ExpectDKIM: key})
	}
}

func BenchmarkCheckThousandDomains(b *testing.B) {
	domains := map[string]string{}
	var list []string
	for i := range 1000 {
		d := fmt.Sprintf("d%04d.test", i)
		domains[d] = []string{"done", "half", "fresh"}[i%3]
		list = append(list, d)
	}
	c := server(b, domains)
	b.ResetTimer()
	for b.Loop() {
		CheckMany(context.Background(), c, list, Options{Provider: provider}, 64)
	}
}

// A bounce domain under the customer's domain, published, aligns SPF in
// relaxed mode (RFC 7489 section 3.1.2): p=reject does not then require
// DKIM, and the report must not say it does. Under aspf=s it does.
func TestBounceRecordAlignsSPF(t *testing.T) {
	p := *provider
	p.Bounce = &transports.BounceRecord{Name: "bounce", Type: "cname", Target: "bounces.clockwise.test"}
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("clockwise.test", 300)+"\n_spf.clockwise.test. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"")
	for domain, dmarc := range map[string]string{"relaxed.test": "v=DMARC1; p=reject", "strict.test": "v=DMARC1; p=reject; aspf=s", "unpublished.test": "v=DMARC1; p=reject"} {
		zone := dnstest.SOA(domain, 300) + fmt.Sprintf(`
$ORIGIN %s.
@ 300 IN TXT "v=spf1 include:_spf.clockwise.test -all"
_dmarc 300 IN TXT %q
`, domain, dmarc)
		if domain != "unpublished.test" {
			zone += "bounce 300 IN CNAME bounces.clockwise.test.\n"
		}
		srv.MustAddZone(t, zone)
	}
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}
	test := func(domain, code string, sev checks.Severity, says string) {
		t.Helper()
		rep := Check(context.Background(), c, domain, Options{Provider: &p})
		for _, f := range rep.Findings {
			if f.Check == "dmarc" && f.Code == code && f.Severity == sev && strings.Contains(f.Message+" "+f.Fix, says) {
				return
			}
		}
		t.Errorf("%s: no %s %s saying %q in %+v", domain, sev, code, says, rep.Findings)
	}
	test("relaxed.test", "dmarc.spf-aligned", checks.Warning, "passes DMARC through SPF")
	test("strict.test", "dmarc.requires-dkim", checks.Error, "aspf=s")
	test("unpublished.test", "dmarc.requires-dkim", checks.Error, "publish the bounce record")
	rep := Check(context.Background(), c, "relaxed.test", Options{Provider: &p})
	for _, f := range rep.Findings {
		if f.Code == "dmarc.requires-dkim" {
			t.Errorf("relaxed.test: %+v", f)
		}
	}
}

// A domain that does not exist gets one finding saying so: every "publish
// this" for it would be advice for a typing error.
func TestDomainThatDoesNotExist(t *testing.T) {
	c := server(t, map[string]string{"done.test": "done"})
	rep := Check(context.Background(), c, "nosuch.done.test", Options{Provider: provider})
	if len(rep.Findings) != 1 || rep.Findings[0].Code != dnsq.CodeNXDomain || rep.Checks.SPF.Suggested != "" || rep.Checks.DMARC.Suggested != "" {
		t.Errorf("findings %+v, spf %+v", rep.Findings, rep.Checks.SPF)
	}
}

// When the DKIM record cannot be looked up, DMARC's verdict is unknown,
// not an instruction to turn DKIM on.
func TestDMARCVerdictWaitsForDKIM(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, zoneFor("half.test", "half"))
	srv.MustAddZone(t, dnstest.SOA("clockwise.test", 300)+"\n_spf.clockwise.test. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"")
	srv.Drop("clockwise._domainkey.half.test")
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond}
	rep := Check(context.Background(), c, "half.test", Options{Provider: provider})
	for _, f := range rep.Findings {
		if f.Code == "dmarc.requires-dkim" && (!f.Temporary || f.Fix != "" || !strings.Contains(f.Message, "unknown")) {
			t.Errorf("a verdict on an unknown DKIM state: %+v", f)
		}
	}
	if checks.OutcomeOf(rep.Findings) != checks.Failed { // the SPF include is definitely missing
		t.Errorf("outcome %v", checks.OutcomeOf(rep.Findings))
	}
}

// With one cache for the run, a domain whose includes were already seen
// asks only for its own records: SPF, MX, NS, the DKIM key, DMARC.
func TestSecondDomainAsksOnlyForItsOwnRecords(t *testing.T) {
	c := server(t, map[string]string{"a.test": "done", "b.test": "done"})
	c.Cache = dnsq.NewCache(0)
	ctx := context.Background()
	first := Check(ctx, c, "a.test", Options{Provider: provider, ExpectDKIM: key})
	second := Check(ctx, c, "b.test", Options{Provider: provider, ExpectDKIM: key})
	t.Logf("queries: first domain %d, second %d", first.Queries, second.Queries)
	if second.Queries > 6 || second.Queries >= first.Queries {
		t.Errorf("the second domain asked %d questions (the first %d); want at most its own 6", second.Queries, first.Queries)
	}
	if second.Checks.SPF.Status != "ok" || second.Checks.DKIM.Status != "ok" {
		t.Errorf("the cached run changed the verdict: SPF %s, DKIM %s", second.Checks.SPF.Status, second.Checks.DKIM.Status)
	}
}

// Without a provider's selector, the mailbox provider's selectors (from
// MX) are probed first and probing stops when they are found; the other
// common selectors are asked only for a domain where those are missing.
func TestSelectorsOfTheMailboxProviderFirst(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	srv.MustAddZone(t, zoneFor("half.test", "half"))
	srv.MustAddZone(t, zoneFor("fresh.test", "fresh"))
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}
	ctx := context.Background()

	half := Check(ctx, c, "half.test", Options{})
	if len(half.Hints.Selectors) != 1 || half.Hints.Selectors[0].Selector != "selector1" {
		t.Errorf("half.test: selectors found %+v, want selector1", half.Hints.Selectors)
	}
	for _, sel := range []string{"google", "default", "s1", "k1"} {
		if n := srv.Queries(sel + "._domainkey.half.test"); n != 0 {
			t.Errorf("half.test: %s was probed %d times after Microsoft 365's selector1 was found", sel, n)
		}
	}
	fresh := Check(ctx, c, "fresh.test", Options{})
	if len(fresh.Hints.Selectors) != 0 {
		t.Errorf("fresh.test: selectors found %+v", fresh.Hints.Selectors)
	}
	for _, sel := range []string{"selector1", "google", "default"} {
		if n := srv.Queries(sel + "._domainkey.fresh.test"); n != 1 {
			t.Errorf("fresh.test: %s asked %d times, want once", sel, n)
		}
	}
	t.Logf("questions: half.test %d, fresh.test %d", half.Queries, fresh.Queries)
}
