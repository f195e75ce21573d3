package dnsq

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq/dnstest"
)

func TestAuthoritativeServersSeeWhatResolversDoNot(t *testing.T) {
	ns1, ns2, port := dnstest.StartNameservers(t, "127.0.0.2", "127.0.0.3")
	zone := `
$ORIGIN example.nl.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 900
@    3600 IN NS ns1
@    3600 IN NS ns2
ns1  3600 IN A 127.0.0.2
ns2  3600 IN A 127.0.0.3
`
	ns1.MustAddZone(t, zone)
	ns2.MustAddZone(t, zone)
	resolver := dnstest.Start(t, "127.0.0.1:0")
	resolver.MustAddZone(t, zone)

	c := &Client{Servers: []string{resolver.Addr}, AuthPort: port, Timeout: time.Second}
	ctx := context.Background()
	z, err := c.FindZone(ctx, "clockwise._domainkey.example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if z.Name != "example.nl." || len(z.Nameservers) != 2 || z.Nameservers[0].Addrs[0] != "127.0.0.2" || z.NegativeTTL() != 900 {
		t.Fatalf("zone %+v", z)
	}
	// The admin published on ns1; ns2 has not transferred it yet.
	ns1.Add(`clockwise._domainkey.example.nl. 300 IN TXT "v=DKIM1; k=ed25519; p=abc"`)
	answers := c.AskAuthoritative(ctx, z, "clockwise._domainkey.example.nl", dns.TypeTXT)
	got := map[string]Outcome{}
	for _, a := range answers {
		if a.Err != nil {
			t.Fatalf("%s: %v", a.Addr, a.Err)
		}
		got[a.Nameserver] = a.Result.Outcome
		if !a.Result.Authoritative {
			t.Errorf("%s answered without the AA flag", a.Addr)
		}
	}
	if got["ns1.example.nl."] != Answer || got["ns2.example.nl."] != NXDomain {
		t.Errorf("answers %v", got)
	}
	if Agree(answers) {
		t.Error("the servers disagree, but Agree says they agree")
	}
	// The recursive resolver knows nothing yet: only the direct question
	// sees the new record.
	if r, _ := c.Lookup(ctx, "clockwise._domainkey.example.nl", dns.TypeTXT); r.Outcome != NXDomain {
		t.Errorf("resolver: %v", r.Outcome)
	}
	if ns1.Queries("clockwise._domainkey.example.nl") != 1 {
		t.Errorf("ns1 was asked %d times", ns1.Queries("clockwise._domainkey.example.nl"))
	}
}

func TestFindZoneOfAnApex(t *testing.T) {
	c, _ := testClient(t)
	z, err := c.FindZone(context.Background(), "example.nl")
	if err != nil || z.Name != "example.nl." {
		t.Fatalf("%+v, %v", z, err)
	}
	if _, err := c.FindZone(context.Background(), "unserved.test"); err == nil {
		t.Error("a zone no server knows was found")
	}
}
