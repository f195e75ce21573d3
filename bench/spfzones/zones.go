package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// TTLs as real zones publish them: the shared includes change rarely and
// say so (3600), a customer's own records are kept short (300), and every
// zone's negative TTL, the SOA minimum, is 300 (RFC 2308 section 5).
const (
	sharedTTL   = 3600
	customerTTL = 300
	negativeTTL = 300
)

// sharedZones are the two services every customer names: Microsoft 365's
// include, whose real record walks one more level of includes with the
// address ranges (spfa, spfb, spfc), and the mail service's own include,
// which also names one more level.
func sharedZones() string {
	return soa("protection.outlook.com") + fmt.Sprintf(`
$ORIGIN protection.outlook.com.
$TTL %d
spf  IN TXT "v=spf1 include:spfa.protection.outlook.com include:spfb.protection.outlook.com include:spfc.protection.outlook.com -all"
spfa IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 -all"
spfb IN TXT "v=spf1 ip4:52.96.0.0/14 ip4:52.102.0.0/16 ip4:52.103.0.0/17 ip6:2a01:111:f403:8000::/50 ip6:2a01:111:f403:c000::/51 -all"
spfc IN TXT "v=spf1 ip4:40.95.0.0/16 ip4:52.104.0.0/14 ip4:23.103.128.0/19 ip6:2a01:111:f403:f000::/52 -all"
`, sharedTTL) + soa("service.example") + fmt.Sprintf(`
$ORIGIN service.example.
$TTL %d
@        IN NS  ns1
@        IN NS  ns2
ns1      IN A   198.51.100.53
ns2      IN A   198.51.100.54
spf      IN TXT "v=spf1 ip4:198.51.100.0/26 include:_out.spf.service.example -all"
_out.spf IN TXT "v=spf1 ip4:203.0.113.0/25 ip6:2001:db8:5e::/48 -all"
`, sharedTTL) + soa("onmicrosoft.com") + soa("dnshost.example") + fmt.Sprintf(`
$ORIGIN dnshost.example.
$TTL %d
ns1 IN A 198.51.100.1
ns2 IN A 198.51.100.2
`, sharedTTL)
}

// customer is customer i's zone: the SPF record of a customer of the
// service on Microsoft 365 with one address of its own, Microsoft's MX, a
// DMARC record, the service's DKIM key (selector svc, as service.json
// says), and Microsoft 365's two DKIM selectors delegated by CNAME to the
// tenant's onmicrosoft.com keys (which the tenant zone serves).
func customer(i int, dkimKey string) (domain, zone string) {
	domain = fmt.Sprintf("cust%04d.example", i)
	tenant := fmt.Sprintf("cust%04d.onmicrosoft.com", i)
	label := strings.ReplaceAll(domain, ".", "-")
	var b strings.Builder
	b.WriteString(soa(domain))
	fmt.Fprintf(&b, `
$ORIGIN %[1]s.
$TTL %[2]d
@         IN NS  ns1.dnshost.example.
@         IN NS  ns2.dnshost.example.
@         IN MX  0 %[3]s.mail.protection.outlook.com.
@         IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.service.example ip4:192.0.2.%[4]d -all"
@         IN TXT "MS=ms%08[5]d"
_dmarc    IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@%[1]s"
svc._domainkey IN TXT %[7]s
selector1._domainkey IN CNAME selector1-%[3]s._domainkey.%[6]s.
selector2._domainkey IN CNAME selector2-%[3]s._domainkey.%[6]s.
$ORIGIN %[6]s.
selector1-%[3]s._domainkey IN TXT %[7]s
selector2-%[3]s._domainkey IN TXT %[7]s
$ORIGIN mail.protection.outlook.com.
%[3]s %[8]d IN A 52.101.%[9]d.%[10]d
`, domain, customerTTL, label, clientOctet(i), i, tenant, dkimKey, sharedTTL, 40+i/250, i%250)
	return domain, b.String()
}

// clientOctet is the last octet of customer i's own address: sixteen
// customers share each of 192.0.2.1 … 192.0.2.16 (the service's outbound
// relays), so a client at 192.0.2.7 passes for one customer in sixteen and
// fails for the others, after walking every include in either case.
func clientOctet(i int) int { return 1 + i%16 }

// dkimTXT is a DKIM key record (RFC 6376 section 3.6.1) for a fresh
// 2048-bit RSA key, split into strings of at most 255 bytes as zone files
// must.
func dkimTXT() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", err
	}
	rec := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(rec) > 255 {
		parts = append(parts, `"`+rec[:255]+`"`)
		rec = rec[255:]
	}
	return strings.Join(append(parts, `"`+rec+`"`), " "), nil
}

func soa(zone string) string {
	return fmt.Sprintf("%s. %d IN SOA ns1.dnshost.example. hostmaster.%s. 1 7200 3600 1209600 %d\n", zone, sharedTTL, zone, negativeTTL)
}
