package spf

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/spf/spftest"
)

// FuzzParse: any TXT text gives a record or a syntax error, never a panic;
// an accepted record re-renders to text that parses to the same terms.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:_spf.clockwise.info ~all",
		"v=spf1 a/24//64 mx:%{d}/16 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
		"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} redirect=_spf.example.com exp=explain.%{d}",
		"v=spf1 ptr:example.com ?all foo=bar",
		"v=spf1 a:%{o}.x%-%_%% -all",
		"v=spf1 include:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		r, err := Parse(txt)
		if err != nil {
			return
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("re-rendered record %q does not parse: %v", r.String(), err)
		}
		if len(again.Mechanisms) != len(r.Mechanisms) || (again.Redirect == nil) != (r.Redirect == nil) {
			t.Fatalf("re-rendering changed the record: %q -> %q", txt, r.String())
		}
		for _, m := range r.Mechanisms {
			if strings.ContainsAny(m.Raw, " \t\r\n") {
				t.Fatalf("a term holds whitespace: %q", m.Raw)
			}
		}
	})
}

// FuzzAnalyze: whatever record a domain publishes, the analysis and the
// suggestion never panic, and a suggested record is always valid SPF.
func FuzzAnalyze(f *testing.F) {
	srv := dnstest.Start(f, "127.0.0.1:0")
	srv.MustAddZone(f, analysisZone)
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond}
	for _, s := range []string{"v=spf1 mx -all", "v=spf1 include:_spf.clockwise.info.test ~all", "v=spf1 redirect=plain.test", "v=spf1 +all", "v=spf1 a:%{d} ptr ?all"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		srv.Remove("fuzz.test", dns.TypeTXT)
		rr := &dns.TXT{Hdr: dns.RR_Header{Name: "fuzz.test.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: spftest.TXTStrings([]string{record})}
		srv.AddRR(rr)
		a := Analyze(context.Background(), c, "fuzz.test", clockwise)
		s, err := Suggest(context.Background(), c, a, clockwise, Mailbox{Known: true})
		if err != nil {
			return
		}
		rec, perr := Parse(s.Record)
		if perr != nil {
			t.Fatalf("suggested an invalid record %q for %q: %v", s.Record, record, perr)
		}
		// A record one would publish oneself: no term twice, no +all.
		seen := map[string]bool{}
		for _, m := range rec.Mechanisms {
			key := strings.ToLower(strings.TrimPrefix(m.Raw, "+"))
			if seen[key] && !s.Unchanged {
				t.Fatalf("suggestion %q names %s twice (record %q)", s.Record, m.Raw, record)
			}
			seen[key] = true
			if m.Name == "all" && m.Qualifier == '+' && !s.Unchanged {
				t.Fatalf("suggestion %q passes everyone (record %q)", s.Record, record)
			}
		}
	})
}
