package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
)

// analysisZone serves the provider's include and a set of customer
// domains, each showing one situation an admin meets.
const analysisZone = `
$ORIGIN test.
@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
_spf.clockwise.info.test. 300 IN TXT "v=spf1 ip4:217.115.198.64/27 ip4:31.134.206.128/28 -all"
spf.protection.outlook.com.test. 300 IN TXT "v=spf1 ip4:40.92.0.0/15 -all"

none.test.       300 IN MX 0 none-test.mail.protection.outlook.com.
plain.test.      300 IN TXT "v=spf1 mx -all"
plain.test.      300 IN MX 10 mail.plain.test.
mail.plain.test. 300 IN A 192.0.2.25
done.test.       300 IN TXT "v=spf1 include:_spf.clockwise.info.test ~all"
twice.test.      300 IN TXT "v=spf1 ip4:192.0.2.1 -all"
twice.test.      300 IN TXT "v=spf1 include:spf.protection.outlook.com.test ~all"
broken.test.     300 IN TXT "v=spf1 include:_spf.clockwise.info.test ip4:192.0.2.300 -all"
open.test.       300 IN TXT "v=spf1 mx +all"
open.test.       300 IN MX 10 mail.plain.test.
lax.test.        300 IN TXT "v=spf1 ip4:192.0.2.1 ?all"
full.test.       300 IN TXT "v=spf1 include:a.newsletter-partner.full.test include:b.newsletter-partner.full.test include:c.newsletter-partner.full.test include:d.newsletter-partner.full.test include:e.newsletter-partner.full.test include:f.newsletter-partner.full.test include:g.newsletter-partner.full.test include:h.newsletter-partner.full.test ~all"
void.test.       300 IN TXT "v=spf1 a:gone1.void.test a:gone2.void.test a:gone3.void.test ~all"
dangling.test.   300 IN TXT "v=spf1 include:nospf.test -all"
nospf.test.      300 IN A 192.0.2.9
redir.test.      300 IN TXT "v=spf1 redirect=plain.test"
ptr.test.        300 IN TXT "v=spf1 ptr -all"
doubled.test.doubled.test. 300 IN TXT "v=spf1 include:_spf.clockwise.info.test -all"
`

func analysisServer(t *testing.T) (*dnsq.Client, *dnstest.Server) {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, analysisZone)
	for _, l := range "abcdefgh" {
		srv.Add(string(l) + `.newsletter-partner.full.test. 300 IN TXT "v=spf1 a:mail.plain.test mx:plain.test ip4:192.0.2.0/24 -all"`) // 2 lookups each
	}
	return &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond}, srv
}

var clockwise = &transports.Provider{ID: "clockwise", Name: "ClockWise", SPFInclude: "_spf.clockwise.info.test",
	SendingRanges: []string{"217.115.198.64/27", "31.134.206.128/28"}}

func codes(fs []checks.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, ",")
}

func TestAnalyzeAndSuggest(t *testing.T) {
	c, _ := analysisServer(t)
	ctx := context.Background()
	test := func(domain string, mxIncludes []string, wantCodes, wantRecord string, check func(*Analysis, *Suggestion)) {
		t.Helper()
		a := Analyze(ctx, c, domain, clockwise)
		if got := codes(a.Findings); got != wantCodes {
			t.Errorf("%s: findings %q, want %q (%+v)", domain, got, wantCodes, a.Findings)
		}
		s, err := Suggest(ctx, c, a, clockwise, mxIncludes)
		if wantRecord == "" {
			if err == nil {
				t.Errorf("%s: suggested %q, want none", domain, s.Record)
			}
			return
		}
		if err != nil || s.Record != wantRecord {
			t.Errorf("%s: suggestion %+v, %v; want %q", domain, s, err, wantRecord)
			return
		}
		if _, err := Parse(s.Record); err != nil {
			t.Errorf("%s: the suggestion does not parse: %v", domain, err)
		}
		if check != nil {
			check(a, s)
		}
	}
	test("none.test", []string{"spf.protection.outlook.com.test"}, "spf.missing",
		"v=spf1 include:spf.protection.outlook.com.test include:_spf.clockwise.info.test ~all",
		func(a *Analysis, s *Suggestion) {
			if !strings.Contains(s.Reason, "mailbox provider") || s.Lookups != 2 {
				t.Errorf("reason %q, lookups %d", s.Reason, s.Lookups)
			}
		})
	test("plain.test", nil, "spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 mx include:_spf.clockwise.info.test -all",
		func(a *Analysis, s *Suggestion) {
			if a.Lookups != 1 || a.LookupsWithInclude != 2 || a.IncludesProvider || s.Lookups != 2 {
				t.Errorf("lookups %d / %d / %d", a.Lookups, a.LookupsWithInclude, s.Lookups)
			}
			if len(a.Ranges) != 2 || a.Ranges[0].Result != Fail {
				t.Errorf("ranges %+v", a.Ranges)
			}
		})
	test("done.test", nil, "", "v=spf1 include:_spf.clockwise.info.test ~all", func(a *Analysis, s *Suggestion) {
		if !s.Unchanged || !a.IncludesProvider || a.Ranges[0].Result != Pass || a.Ranges[1].Result != Pass {
			t.Errorf("unchanged %v, ranges %+v", s.Unchanged, a.Ranges)
		}
	})
	test("twice.test", nil, "spf.multiple-records,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 ip4:192.0.2.1 include:spf.protection.outlook.com.test include:_spf.clockwise.info.test -all",
		func(a *Analysis, s *Suggestion) {
			if !strings.Contains(s.Reason, "merged") {
				t.Errorf("reason %q", s.Reason)
			}
		})
	test("broken.test", nil, "spf.syntax", "", nil)
	test("open.test", nil, "spf.allow-all,spf.include-missing", "v=spf1 mx include:_spf.clockwise.info.test +all", nil)
	test("lax.test", nil, "spf.allow-all,spf.include-missing,spf.range-not-pass,spf.range-not-pass", "v=spf1 ip4:192.0.2.1 include:_spf.clockwise.info.test ?all", nil)
	// 8 includes of 2 lookups each: 24 now, and the provider's include
	// would add one more; its ranges go in instead.
	test("full.test", nil, "spf.include-missing,spf.too-many-lookups,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:a.newsletter-partner.full.test include:b.newsletter-partner.full.test include:c.newsletter-partner.full.test include:d.newsletter-partner.full.test include:e.newsletter-partner.full.test include:f.newsletter-partner.full.test include:g.newsletter-partner.full.test include:h.newsletter-partner.full.test ip4:217.115.198.64/27 ip4:31.134.206.128/28 ~all",
		func(a *Analysis, s *Suggestion) {
			if a.Lookups != 24 || !s.UsesRanges || !strings.Contains(s.Reason, "still needs 24") {
				t.Errorf("lookups %d, ranges %v, reason %q", a.Lookups, s.UsesRanges, s.Reason)
			}
			if len(s.Strings) != 2 || strings.Join(s.Strings, "") != s.Record {
				t.Errorf("a %d-byte record is not split for DNS panels: %q", len(s.Record), s.Strings)
			}
		})
	test("void.test", nil, "spf.too-many-void-lookups,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 a:gone1.void.test a:gone2.void.test a:gone3.void.test include:_spf.clockwise.info.test ~all", nil)
	test("dangling.test", nil, "spf.include-broken,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:nospf.test include:_spf.clockwise.info.test -all", nil)
	test("redir.test", nil, "spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:_spf.clockwise.info.test redirect=plain.test", func(a *Analysis, s *Suggestion) {
			if a.Lookups != 2 {
				t.Errorf("redirect and the mx behind it: %d lookups, want 2", a.Lookups)
			}
		})
	test("doubled.test", nil, "dns.zone-name-doubled", "v=spf1 include:_spf.clockwise.info.test -all", func(a *Analysis, s *Suggestion) {
		if s.Unchanged || !strings.Contains(s.Reason, "doubled name") {
			t.Errorf("suggestion for a misplaced record: %+v", s)
		}
	})
	test("ptr.test", nil, "spf.ptr,spf.include-missing,spf.range-not-pass,spf.range-not-pass", "v=spf1 ptr include:_spf.clockwise.info.test -all", nil)
}

func TestAnalyzeDNSFailureIsNotMissing(t *testing.T) {
	c, srv := analysisServer(t)
	srv.Drop("slow.test")
	srv.Rcode("fail.test", dns.RcodeServerFailure)
	for domain, code := range map[string]string{"slow.test": dnsq.CodeTimeout, "fail.test": dnsq.CodeServFail, "nosuchdomain.test": dnsq.CodeNXDomain} {
		a := Analyze(context.Background(), c, domain, clockwise)
		if codes(a.Findings) != code {
			t.Errorf("%s: findings %q, want %q", domain, codes(a.Findings), code)
		}
	}
}

func TestCheckHostEmptySenderUsesHelo(t *testing.T) {
	c, _ := analysisServer(t)
	ev := &Evaluator{Resolver: c}
	v := ev.CheckHost(context.Background(), netip.MustParseAddr("217.115.198.70"), "", "done.test")
	if v.Result != Pass || v.Domain != "done.test" || v.Lookups != 1 || len(v.Trace) == 0 {
		t.Errorf("bounce from the provider: %+v", v)
	}
}
