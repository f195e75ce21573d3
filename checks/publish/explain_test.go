package publish

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

// A primary that is not BIND: checks/dnsq/dnstest is a miekg/dns server,
// which answers any opcode but QUERY and NOTIFY with NOTIMP, as servers
// without dynamic updates do.
func dnstestPrimary(t *testing.T) (*dnsq.Client, *dnstest.Server) {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, windowsZone)
	return &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, srv
}

func TestExplainServersThatDoNotUpdate(t *testing.T) {
	key, _ := NewKey("mailwizard", "", secret)
	dkim := []Change{{Name: "s1._domainkey.example.nl", Type: dns.TypeTXT, Value: "v=DKIM1; p=abc"}}
	test := func(setup func(*dnstest.Server), code string, temporary bool, words ...string) {
		t.Helper()
		c, srv := dnstestPrimary(t)
		plan, err := Prepare(context.Background(), c, "example.nl", "", dkim)
		if err != nil {
			t.Fatal(err)
		}
		setup(srv)
		_, err = Send(context.Background(), plan, key, nil)
		f := Explain(err)
		if f.Code != code || f.Temporary != temporary {
			t.Errorf("finding %+v, want %s (temporary %v)", f, code, temporary)
		}
		for _, w := range words {
			if !strings.Contains(f.Message+" "+f.Fix, w) {
				t.Errorf("%s: %q %q lacks %q", code, f.Message, f.Fix, w)
			}
		}
	}
	test(func(*dnstest.Server) {}, "publish.notimp", false, "does not take dynamic updates (NOTIMP)", "Publish the records by hand")
	test(func(s *dnstest.Server) { s.Close() }, "publish.unreachable", true, "no answer", "TCP")
}

// Answers that neither BIND nor dnstest can be made to give on demand
// (a server failure, an unsigned or badly signed answer, a TSIG error
// code of the future) are worded from the error value alone.
func TestExplainWords(t *testing.T) {
	grants := []Grant{{Name: "example.nl.", Type: "TXT"}}
	test := func(e *Error, code string, words ...string) {
		t.Helper()
		f := Explain(e)
		if f.Code != code || f.Check != Check {
			t.Errorf("code %q, want %q", f.Code, code)
		}
		for _, w := range words {
			if !strings.Contains(f.Message+" "+f.Fix, w) {
				t.Errorf("%s: %q %q lacks %q", code, f.Message, f.Fix, w)
			}
		}
	}
	server := "ns1.example.nl (192.0.2.53:53)"
	test(&Error{Kind: Answered, Server: server, Zone: "example.nl.", Rcode: dns.RcodeYXRrset}, "publish.yxrrset", "YXRRSET), so nothing was changed", "Look again")
	test(&Error{Kind: Answered, Server: server, Zone: "example.nl.", Rcode: dns.RcodeNotZone}, "publish.notzone", "not in the zone example.nl (NOTZONE)")
	test(&Error{Kind: Answered, Server: server, Zone: "example.nl.", Rcode: dns.RcodeNotAuth}, "publish.notauth", "is not the primary of example.nl", "(NOTAUTH)")
	test(&Error{Kind: Answered, Server: server, Key: "mw.", TSIGError: 99}, "publish.tsig-error", "did not accept the signature (RCODE99)")
	test(&Error{Kind: Answered, Server: server, Rcode: dns.RcodeServerFailure}, "publish.servfail", "(SERVFAIL)", "Try again later")
	test(&Error{Kind: Answered, Server: server, Rcode: dns.RcodeFormatError}, "publish.rcode", "answered the update with FORMERR")
	test(&Error{Kind: Unsigned, Server: server}, "publish.unsigned", "without a signature", "send the update to the primary itself")
	test(&Error{Kind: Answered, Server: server, Key: "mw.", TSIGError: dns.RcodeBadTime}, "publish.badtime", "more than the 300 seconds", "timedatectl")
	test(&Error{Kind: Unverified, Server: server}, "publish.unverified", "did not verify")
	test(&Error{Kind: NoPrimary, Zone: "example.nl."}, "publish.no-primary", "names no primary")
	test(&Error{Kind: Answered, Server: "192.0.2.9:53", Zone: "example.nl.", Key: "mw.", Rcode: dns.RcodeRefused, Grants: grants, MName: "ns1.example.nl"},
		"publish.refused", "update-policy { grant mw name example.nl. TXT; };", "The SOA names ns1.example.nl as the primary",
		"PowerDNS, in pdns.conf: dnsupdate=yes (off by default)", "allow-dnsupdate-from (default 127.0.0.0/8,::1)", "pdnsutil set-meta example.nl TSIG-ALLOW-DNSUPDATE mw")
}

// A primary that does not answer on TCP is temporary, and so is a zone
// the resolvers cannot find.
func TestPrepareUnreachable(t *testing.T) {
	c, _ := dnstestPrimary(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	_, err = Prepare(context.Background(), c, "example.nl", closed, []Change{{Name: "example.nl", Type: dns.TypeTXT, Value: "x"}})
	if f := Explain(err); f.Code != "publish.unreachable" || !f.Temporary {
		t.Errorf("closed port: %+v", f)
	}
	c.Pinned = dnstest.Silent(t)
	c.Timeout = 100 * time.Millisecond
	_, err = Prepare(context.Background(), c, "example.nl", "", nil)
	if f := Explain(err); f.Code != "dns.timeout" || !f.Temporary {
		t.Errorf("no resolver: %+v", f)
	}
}
