package poll

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

const zone = `
$ORIGIN example.nl.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 900
@    3600 IN NS ns1
@    3600 IN NS ns2
ns1  3600 IN A 127.0.0.4
ns2  3600 IN A 127.0.0.5
`

const key = `v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=`

// setup: two authoritative servers and a resolver that has the zone but
// never learns the new record (as a resolver holding a cached NXDOMAIN).
func setup(t *testing.T) (*dnsq.Client, *dnsq.Zone, *dnstest.Server, *dnstest.Server) {
	t.Helper()
	ns1, ns2, port := dnstest.StartNameservers(t, "127.0.0.4", "127.0.0.5")
	ns1.MustAddZone(t, zone)
	ns2.MustAddZone(t, zone)
	resolver := dnstest.Start(t, "127.0.0.1:0")
	resolver.MustAddZone(t, zone)
	c := &dnsq.Client{Servers: []string{resolver.Addr}, AuthPort: port, Timeout: time.Second}
	z, err := c.FindZone(context.Background(), "example.nl")
	if err != nil {
		t.Fatal(err)
	}
	return c, z, ns1, ns2
}

func TestPollUntilEveryServerHasIt(t *testing.T) {
	c, z, ns1, ns2 := setup(t)
	wants := []Want{
		{Label: "DKIM clockwise", Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Judge: TXTEquals(key)},
		{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Judge: SPFIncludes("_spf.clockwise.info")},
	}
	ns1.Add(`example.nl. 300 IN TXT "v=spf1 include:_spf.clockwise.info -all"`)
	ns2.Add(`example.nl. 300 IN TXT "v=spf1 include:_spf.clockwise.info -all"`)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var last Event
	for ev := range Poll(ctx, c, z, wants, Options{Interval: 100 * time.Millisecond}) {
		last = ev
		dkim, spf := ev.Records[0], ev.Records[1]
		switch ev.Round {
		case 1:
			if dkim.Done || dkim.Authoritative[0].State != NotYet || !spf.Done {
				t.Fatalf("round 1: %+v", ev.Records)
			}
			if r := dkim.Resolvers[0]; r.State != NotYet || time.Until(r.VisibleBy) < 890*time.Second {
				t.Errorf("the resolver's negative cache: %+v, want visible in about 900 s", r)
			}
			ns1.Add(`clockwise._domainkey.example.nl. 300 IN TXT "` + key + `"`)
			ns2.Add(`clockwise._domainkey.example.nl. 300 IN TXT "v=DKIM1; k=ed25519; p=OLDKEY"`)
		case 2:
			a := dkim.Authoritative
			if a[0].State != Seen || a[1].State != Wrong || a[1].Value != "v=DKIM1; k=ed25519; p=OLDKEY" || dkim.Done || ev.Done {
				t.Fatalf("round 2: %+v", a)
			}
			ns2.Remove("clockwise._domainkey.example.nl", dns.TypeTXT)
			ns2.Add(`clockwise._domainkey.example.nl. 300 IN TXT "` + key + `"`)
		}
	}
	if !last.Done || last.Round != 3 || last.Records[0].SeenAfter == 0 || last.Records[1].SeenAfter > last.Records[0].SeenAfter {
		t.Errorf("last event: %+v", last)
	}
	if last.Records[0].Resolvers[0].State != NotYet {
		t.Error("the caching resolver should still say not yet: only the authoritative servers know")
	}
}

func TestPollStopsWhenCancelledAndSlowsDown(t *testing.T) {
	c, z, _, _ := setup(t)
	wants := []Want{{Label: "bounce", Name: "bounce.example.nl", Type: dns.TypeCNAME, Judge: TargetIs("bounces.provider.test")}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := Poll(ctx, c, z, wants, Options{Interval: 20 * time.Millisecond, MaxInterval: 40 * time.Millisecond, SlowAfter: 50 * time.Millisecond})
	var rounds []Event
	for ev := range events {
		rounds = append(rounds, ev)
		if len(rounds) == 5 {
			cancel()
		}
	}
	if len(rounds) < 5 || rounds[len(rounds)-1].Done {
		t.Fatalf("rounds %d", len(rounds))
	}
	if rounds[0].Next != 20*time.Millisecond || rounds[4].Next != 40*time.Millisecond {
		t.Errorf("intervals %v then %v, want 20ms then 40ms after the slow-down", rounds[0].Next, rounds[4].Next)
	}
}
