package publish_test

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/publish"
	"mailwizard/checks/publish/bindtest"
)

// The customer's zone as BIND serves it: an SPF record for Microsoft
// 365, a site-verification TXT record beside it at the apex, and two
// name servers, both on 127.0.0.1 (ns1 the primary, ns2 its secondary).
const zoneText = `$ORIGIN example.nl.
$TTL 300
@   IN SOA ns1 hostmaster 2026120101 7200 3600 1209600 300
@   IN NS  ns1
@   IN NS  ns2
ns1 IN A   127.0.0.1
ns2 IN A   127.0.0.1
@   IN TXT "v=spf1 include:spf.protection.outlook.com -all"
@   IN TXT "google-site-verification=4ea1b2c3"
`

const (
	oldSPF = "v=spf1 include:spf.protection.outlook.com -all"
	newSPF = "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all"
)

// world is the primary (with two keys: one for the zone, one allowed a
// single other name), its secondary, a recursive resolver that knows
// the zone's SOA and name servers, and a client that reaches the two
// BIND servers by their NS names.
type world struct {
	primary, secondary *bindtest.Server
	resolver           *dnstest.Server
	client             *dnsq.Client
	key, narrow        publish.Key
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldWith(t, zoneText)
}

// newWorldWith is the world with another zone on the primary (the
// resolver knows its SOA and name servers all the same).
func newWorldWith(t testing.TB, zoneText string) *world {
	t.Helper()
	key := bindtest.NewKey("mailwizard", "hmac-sha256")
	narrow := bindtest.NewKey("narrow", "hmac-sha512")
	own := bindtest.StartOwn(t, []bindtest.Key{key, narrow}, bindtest.Zone{Name: "example.nl", Text: zoneText,
		Policy: []string{"grant mailwizard zonesub ANY;", "grant narrow name other.example.nl. TXT;"}})
	w := &world{primary: own.Primary, secondary: own.Secondary, resolver: own.Resolver,
		client: &dnsq.Client{Servers: []string{own.Resolver.Addr}, Timeout: time.Second, AuthAddrs: own.AuthAddrs}}
	var err error
	if w.key, err = publish.NewKey(key.Name, key.Algorithm, key.Secret); err != nil {
		t.Fatal(err)
	}
	if w.narrow, err = publish.NewKey(narrow.Name, narrow.Algorithm, narrow.Secret); err != nil {
		t.Fatal(err)
	}
	return w
}

// dkimValue is an RSA-2048 key record's length: past 255 bytes, so it
// travels as two strings.
func dkimValue(t testing.TB) string {
	t.Helper()
	b := make([]byte, 294)
	rand.Read(b)
	return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(b)
}

// changes are what the wizard publishes for a hosted transport with a
// generated key, and a service's CNAME delegation beside it.
func changes(dkim string) []publish.Change {
	return []publish.Change{
		{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Value: newSPF, SPF: true, Replaces: []string{oldSPF}},
		{Label: "DKIM clockwise", Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Value: dkim},
		{Label: "DKIM mrsel1", Name: "mrsel1._domainkey.example.nl", Type: dns.TypeCNAME, Value: "mrsel1._domainkey.spinoffice-crm.com"},
		{Label: "DKIM mrsel2", Name: "mrsel2._domainkey.example.nl", Type: dns.TypeCNAME, Value: "mrsel2._domainkey.spinoffice-crm.com."},
	}
}

// joined are TXT records as their values: the strings joined.
func joined(records [][]string) []string {
	var out []string
	for _, r := range records {
		out = append(out, strings.Join(r, ""))
	}
	return out
}

func cname(t testing.TB, s *bindtest.Server, name string) string {
	t.Helper()
	r, err := s.Ask(name, dns.TypeCNAME)
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range r.Answer {
		if c, ok := rr.(*dns.CNAME); ok {
			return c.Target
		}
	}
	return ""
}
