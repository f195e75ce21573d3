package spf

import (
	"context"
	"errors"
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
twicewith.test.  300 IN TXT "v=spf1 mx -all"
twicewith.test.  300 IN TXT "v=spf1 include:_spf.clockwise.info.test -all"
twicewith.test.  300 IN MX 10 mail.plain.test.
nested.test.     300 IN TXT "v=spf1 include:relay.nested.test -all"
relay.nested.test. 300 IN TXT "v=spf1 include:_spf.clockwise.info.test ip4:192.0.2.7 -all"
gone.test.       300 IN TXT "v=spf1 include:nxdomain.gone.test include:_spf.clockwise.info.test -all"
slowinc.test.    300 IN TXT "v=spf1 include:_spf.slow.test -all"
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
	test := func(domain string, mx Mailbox, wantCodes, wantRecord string, check func(*Analysis, *Suggestion)) {
		t.Helper()
		a := Analyze(ctx, c, domain, clockwise)
		if got := codes(a.Findings); got != wantCodes {
			t.Errorf("%s: findings %q, want %q (%+v)", domain, got, wantCodes, a.Findings)
		}
		s, err := Suggest(ctx, c, a, clockwise, mx)
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
	known := func(includes ...string) Mailbox { return Mailbox{Known: true, Includes: includes} }
	none := known()
	test("none.test", known("spf.protection.outlook.com.test"), "spf.missing",
		"v=spf1 include:spf.protection.outlook.com.test include:_spf.clockwise.info.test ~all",
		func(a *Analysis, s *Suggestion) {
			if !strings.Contains(s.Reason, "mailbox provider") || s.Lookups != 2 {
				t.Errorf("reason %q, lookups %d", s.Reason, s.Lookups)
			}
		})
	test("plain.test", none, "spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 mx include:_spf.clockwise.info.test -all",
		func(a *Analysis, s *Suggestion) {
			if a.Lookups != 1 || a.LookupsWithInclude != 2 || a.IncludesProvider || s.Lookups != 2 {
				t.Errorf("lookups %d / %d / %d", a.Lookups, a.LookupsWithInclude, s.Lookups)
			}
			if len(a.Ranges) != 2 || a.Ranges[0].Result != Fail {
				t.Errorf("ranges %+v", a.Ranges)
			}
		})
	test("done.test", none, "", "v=spf1 include:_spf.clockwise.info.test ~all", func(a *Analysis, s *Suggestion) {
		if !s.Unchanged || !a.IncludesProvider || a.Ranges[0].Result != Pass || a.Ranges[1].Result != Pass {
			t.Errorf("unchanged %v, ranges %+v", s.Unchanged, a.Ranges)
		}
	})
	test("twice.test", none, "spf.multiple-records,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 ip4:192.0.2.1 include:spf.protection.outlook.com.test include:_spf.clockwise.info.test -all",
		func(a *Analysis, s *Suggestion) {
			if !strings.Contains(s.Reason, "merged") {
				t.Errorf("reason %q", s.Reason)
			}
		})
	test("broken.test", none, "spf.syntax", "", nil)
	// A suggestion is a record one would publish oneself: +all is not.
	test("open.test", none, "spf.allow-all,spf.include-missing", "v=spf1 mx include:_spf.clockwise.info.test ~all", func(a *Analysis, s *Suggestion) {
		if !strings.Contains(s.Reason, "+all") {
			t.Errorf("the reason does not say why +all went: %q", s.Reason)
		}
	})
	test("lax.test", none, "spf.allow-all,spf.include-missing,spf.range-not-pass,spf.range-not-pass", "v=spf1 ip4:192.0.2.1 include:_spf.clockwise.info.test ?all", nil)
	// 8 includes of 2 lookups each: 24 now, and the provider's include
	// would add one more; its ranges go in instead.
	test("full.test", none, "spf.include-missing,spf.too-many-lookups,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:a.newsletter-partner.full.test include:b.newsletter-partner.full.test include:c.newsletter-partner.full.test include:d.newsletter-partner.full.test include:e.newsletter-partner.full.test include:f.newsletter-partner.full.test include:g.newsletter-partner.full.test include:h.newsletter-partner.full.test ip4:217.115.198.64/27 ip4:31.134.206.128/28 ~all",
		func(a *Analysis, s *Suggestion) {
			if a.Lookups != 24 || !s.UsesRanges || !strings.Contains(s.Reason, "still needs 24") {
				t.Errorf("lookups %d, ranges %v, reason %q", a.Lookups, s.UsesRanges, s.Reason)
			}
			if len(s.Strings) != 2 || strings.Join(s.Strings, "") != s.Record {
				t.Errorf("a %d-byte record is not split for DNS panels: %q", len(s.Record), s.Strings)
			}
		})
	test("void.test", none, "spf.too-many-void-lookups,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 a:gone1.void.test a:gone2.void.test a:gone3.void.test include:_spf.clockwise.info.test ~all", nil)
	// An include of a name without an SPF record makes receivers return
	// permerror: the suggestion leaves it out and says so.
	test("dangling.test", none, "spf.include-broken,spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:_spf.clockwise.info.test -all", func(a *Analysis, s *Suggestion) {
			if !strings.Contains(s.Reason, "include:nospf.test") {
				t.Errorf("the reason does not name the dropped include: %q", s.Reason)
			}
		})
	test("gone.test", none, "spf.include-broken,spf.range-not-pass,spf.range-not-pass", "v=spf1 include:_spf.clockwise.info.test -all", nil)
	// Two records, one with the include already: it is named once.
	test("twicewith.test", none, "spf.multiple-records,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 mx include:_spf.clockwise.info.test -all", nil)
	// An include inside an include authorises the provider as well.
	test("nested.test", none, "", "v=spf1 include:relay.nested.test -all", func(a *Analysis, s *Suggestion) {
		if !a.IncludesProvider || !s.Unchanged {
			t.Errorf("nested include: includes %v, unchanged %v", a.IncludesProvider, s.Unchanged)
		}
	})
	test("redir.test", none, "spf.include-missing,spf.range-not-pass,spf.range-not-pass",
		"v=spf1 include:_spf.clockwise.info.test redirect=plain.test", func(a *Analysis, s *Suggestion) {
			if a.Lookups != 2 {
				t.Errorf("redirect and the mx behind it: %d lookups, want 2", a.Lookups)
			}
		})
	test("doubled.test", none, "dns.zone-name-doubled", "v=spf1 include:_spf.clockwise.info.test -all", func(a *Analysis, s *Suggestion) {
		if s.Unchanged || !strings.Contains(s.Reason, "doubled name") {
			t.Errorf("suggestion for a misplaced record: %+v", s)
		}
	})
	test("ptr.test", none, "spf.ptr,spf.include-missing,spf.range-not-pass,spf.range-not-pass", "v=spf1 ptr include:_spf.clockwise.info.test -all", nil)
}

// Without a definite answer there is no record to publish: an admin who
// followed one would overwrite the real record.
func TestAnalyzeDNSFailureIsNotMissing(t *testing.T) {
	c, srv := analysisServer(t)
	srv.Drop("slow.test")
	srv.Drop("_spf.slow.test")
	srv.Rcode("fail.test", dns.RcodeServerFailure)
	mx := Mailbox{Known: true}
	test := func(domain, code string, temporary bool, wantErr error) {
		t.Helper()
		a := Analyze(context.Background(), c, domain, clockwise)
		if got := codes(a.Findings); !strings.HasPrefix(got, code) {
			t.Errorf("%s: findings %q, want %q first", domain, got, code)
		}
		if a.Findings[0].Temporary != temporary {
			t.Errorf("%s: temporary %v, want %v", domain, a.Findings[0].Temporary, temporary)
		}
		if s, err := Suggest(context.Background(), c, a, clockwise, mx); !errors.Is(err, wantErr) {
			t.Errorf("%s: suggestion %+v, error %v; want %v", domain, s, err, wantErr)
		}
	}
	test("slow.test", dnsq.CodeTimeout, true, ErrUnknown)
	test("fail.test", dnsq.CodeServFail, true, ErrUnknown)
	test("slowinc.test", CodeIncomplete, true, ErrUnknown)
	test("nosuchdomain.test", dnsq.CodeNXDomain, false, ErrNoSuchDomain)
	// No SPF record, but the MX records are unknown: which mail servers
	// the new record must keep is unknown too.
	a := Analyze(context.Background(), c, "none.test", clockwise)
	if _, err := Suggest(context.Background(), c, a, clockwise, Mailbox{}); !errors.Is(err, ErrUnknown) {
		t.Errorf("none.test with unknown MX: %v", err)
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
