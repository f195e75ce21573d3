package dnstest

import (
	"testing"

	"github.com/miekg/dns"
)

// The server's answers decide what the checks under test conclude, so
// its NXDOMAIN/NODATA split and its zone choice are tested on their own.
func TestNegativeAnswersAndZones(t *testing.T) {
	s := Start(t, "127.0.0.1:0")
	s.MustAddZone(t, SOA("example.nl", 300)+"\n"+SOA("sub.example.nl", 60)+`
example.nl. 300 IN TXT "v=spf1 -all"
a.b.c.example.nl. 300 IN TXT "deep"
x.sub.example.nl. 300 IN A 192.0.2.1
`)
	test := func(name string, qtype uint16, wantRcode, wantAnswers int, wantZone string) {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		resp, err := dns.Exchange(m, s.Addr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if resp.Rcode != wantRcode || len(resp.Answer) != wantAnswers {
			t.Errorf("%s %s: rcode %s with %d answers, want %s with %d", name, dns.TypeToString[qtype],
				dns.RcodeToString[resp.Rcode], len(resp.Answer), dns.RcodeToString[wantRcode], wantAnswers)
		}
		zone := ""
		for _, rr := range resp.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				zone = soa.Hdr.Name
			}
		}
		if wantAnswers == 0 && wantRcode != dns.RcodeRefused && zone != wantZone {
			t.Errorf("%s: negative answer names zone %q, want %q", name, zone, wantZone)
		}
	}
	test("example.nl.", dns.TypeTXT, dns.RcodeSuccess, 1, "")
	test("b.c.example.nl.", dns.TypeTXT, dns.RcodeSuccess, 0, "example.nl.") // empty non-terminal: NODATA
	test("c.example.nl.", dns.TypeTXT, dns.RcodeSuccess, 0, "example.nl.")
	test("nope.example.nl.", dns.TypeTXT, dns.RcodeNameError, 0, "example.nl.")
	test("y.sub.example.nl.", dns.TypeA, dns.RcodeNameError, 0, "sub.example.nl.") // the closest zone
	test("x.sub.example.nl.", dns.TypeA, dns.RcodeSuccess, 1, "")
	test("example.com.", dns.TypeA, dns.RcodeRefused, 0, "")

	s.Remove("a.b.c.example.nl", dns.TypeTXT)
	test("b.c.example.nl.", dns.TypeTXT, dns.RcodeNameError, 0, "example.nl.") // nothing below it any more
	test("example.nl.", dns.TypeTXT, dns.RcodeSuccess, 1, "")

	if got := s.Total(); got != 9 {
		t.Errorf("Total() = %d after 9 questions", got)
	}
	if got := s.QueryCounts()["b.c.example.nl."]; got != 2 {
		t.Errorf("QueryCounts()[b.c.example.nl.] = %d, want 2", got)
	}
}
