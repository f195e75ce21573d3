package poll

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dkim"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
)

const zone = `
$ORIGIN example.nl.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 900
@    3600 IN NS ns1
@    3600 IN NS ns2
ns1  3600 IN A 127.0.0.4
ns2  3600 IN A 127.0.0.5
`

var clockwise = &transports.Provider{Name: "ClockWise", SPFInclude: "_spf.clockwise.info", SPFFallback: []string{"ip4:217.115.198.76"}}

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
		{Label: "DKIM clockwise", Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Judge: DKIMKey(dkim.Expect{Selector: "clockwise", Value: key})},
		{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Judge: SPFAuthorizes(c, clockwise)},
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

// Poll and check answer "is it published?" with one rule: a DKIM key
// that check accepts (the panel broke it into spaced pieces) is seen; an
// SPF record check rejects (v=spf10) is not; an include inside another
// include counts.
func TestPollJudgesAsTheChecksDo(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, zone)
	srv.Add(`relay.example.nl. 300 IN TXT "v=spf1 include:_spf.clockwise.info -all"`)
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}
	ctx := context.Background()
	spaced := strings.Replace(key, "p=11qYAYKx", "p=11qY AYKx", 1)
	if ok, _ := DKIMKey(dkim.Expect{Selector: "s", Value: key})(ctx, []string{spaced}); !ok {
		t.Errorf("a key check accepts (spaces inside p=) is not seen by poll")
	}
	if ok, _ := DKIMKey(dkim.Expect{Selector: "s", Value: key})(ctx, []string{"v=DKIM1; k=ed25519; p=OTHER"}); ok {
		t.Errorf("another key is seen as the right one")
	}
	if ok, _ := DKIMKey(dkim.Expect{Selector: "s"})(ctx, []string{key}); !ok {
		t.Errorf("any valid key is not accepted when no value is expected")
	}
	spfJudge := SPFAuthorizes(c, clockwise)
	for record, want := range map[string]bool{
		"v=spf1 ip4:217.115.198.76 -all":           true, // the manual's alternative to the include
		"v=spf1 ip4:217.115.198.77 -all":           false,
		"v=spf1 include:_spf.clockwise.info -all":  true,
		"v=spf10 include:_spf.clockwise.info -all": false,
		"v=spf1 include:relay.example.nl -all":     true,
		"v=spf1 include:_spf.clockwise.infox -all": false,
	} {
		if ok, _ := spfJudge(ctx, []string{record}); ok != want {
			t.Errorf("%q: seen %v, want %v", record, ok, want)
		}
	}
}

// With --dns-server every query goes to one server: the report names that
// server, not name servers that were never asked; durations are seconds.
func TestPinnedPollReportsThePinnedServer(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, zone)
	srv.Add(`example.nl. 300 IN TXT "v=spf1 include:_spf.clockwise.info -all"`)
	c := &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}
	z, err := c.FindZone(context.Background(), "example.nl")
	if err != nil {
		t.Fatal(err)
	}
	wants := []Want{{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Judge: SPFAuthorizes(c, clockwise)}}
	var last Event
	for ev := range Poll(context.Background(), c, z, wants, Options{Interval: 50 * time.Millisecond}) {
		last = ev
	}
	a := last.Records[0].Authoritative
	if len(a) != 1 || a[0].Server != srv.Addr || a[0].Nameserver != "" || a[0].State != Seen {
		t.Errorf("authoritative answers with a pinned server: %+v", a)
	}
	last.Elapsed = 1500 * time.Millisecond
	raw, _ := json.Marshal(last)
	var m map[string]any
	json.Unmarshal(raw, &m)
	if m["elapsed"] != 1.5 {
		t.Errorf("elapsed in JSON is %v, want seconds (1.5): %s", m["elapsed"], raw)
	}
}
