package bindtest

import (
	"testing"

	"mailwizard/checks/dnsq/dnstest"
)

// Own is a customer's own DNS as the tests of every face need it: the
// zone on a BIND primary and its notified secondary, a recursive
// resolver (dnstest) that serves the same zone and the services'
// includes, and where the zone's name servers are. The zone text names
// its servers ns1 (the primary) and ns2 (the secondary), both with
// address 127.0.0.1: BIND listens on interface addresses only, so the
// two differ by port, which AuthAddrs gives (dnsq.Client.AuthAddrs).
type Own struct {
	Primary, Secondary *Server
	Resolver           *dnstest.Server
	AuthAddrs          map[string]string // "ns1.example.nl." -> primary's host:port
}

// StartOwn starts that DNS for zone with keys; extra are more zones the
// resolver serves (the includes an SPF record names).
func StartOwn(t testing.TB, keys []Key, zone Zone, extra ...string) *Own {
	t.Helper()
	primary, secondary := Pair(t, keys, zone)
	resolver := dnstest.Start(t, "127.0.0.1:0")
	resolver.MustAddZone(t, zone.Text)
	for _, z := range extra {
		resolver.MustAddZone(t, z)
	}
	return &Own{Primary: primary, Secondary: secondary, Resolver: resolver,
		AuthAddrs: map[string]string{"ns1." + zone.Name + ".": primary.Addr, "ns2." + zone.Name + ".": secondary.Addr}}
}

// Include is a zone for an SPF include: name's zone with one record that
// allows addrs ("ip4:192.0.2.0/24").
func Include(zone, name, addrs string) string {
	return dnstest.SOA(zone, 300) + "\n" + name + ". 300 IN TXT \"v=spf1 " + addrs + " -all\""
}
