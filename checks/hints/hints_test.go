package hints

import (
	"context"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

func TestDetect(t *testing.T) {
	for hosts, want := range map[string]string{
		"example-nl.mail.protection.outlook.com": "microsoft365",
		"example-nl.r-v1.mx.microsoft.":          "microsoft365",
		"aspmx.l.google.com":                     "google",
		"alt1.aspmx.l.google.com.":               "google",
		"mail.example.nl":                        "",
	} {
		got := DetectMailProvider([]string{hosts})
		if want == "" && got != nil || want != "" && (got == nil || got.ID != want) {
			t.Errorf("DetectMailProvider(%s) = %+v, want %q", hosts, got, want)
		}
	}
	if p := DetectMailProvider([]string{"x.mail.protection.outlook.com"}); p.SPFIncludes[0] != "spf.protection.outlook.com" {
		t.Errorf("Microsoft 365 include %v", p.SPFIncludes)
	}
	for ns, want := range map[string]string{
		"ada.ns.cloudflare.com":         "cloudflare",
		"ns-1234.awsdns-12.org":         "route53",
		"ns1-03.azure-dns.com.":         "azure",
		"ns-cloud-a1.googledomains.com": "google-cloud-dns",
		"ns45.domaincontrol.com":        "godaddy",
		"ns0.transip.net":               "transip",
		"docks01.rzone.de":              "strato",
		"hydrogen.ns.hetzner.com":       "hetzner",
		"dns11.ovh.net":                 "ovh",
		"ns-123-a.gandi.net":            "gandi",
		"ns1.example.nl":                "",
	} {
		got := DetectDNSHost([]string{ns})
		if want == "" && got != nil || want != "" && (got == nil || got.ID != want || got.HelpURL == "") {
			t.Errorf("DetectDNSHost(%s) = %+v, want %q", ns, got, want)
		}
	}
}

func TestProbeSelectors(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("example.nl", 300))
	srv.MustAddZone(t, dnstest.SOA("provider.test", 300))
	srv.Add(`selector1._domainkey.example.nl. 300 IN CNAME selector1-example-nl._domainkey.example.onmicrosoft.provider.test.`)
	srv.Add(`selector1-example-nl._domainkey.example.onmicrosoft.provider.test. 300 IN TXT "v=DKIM1; k=rsa; p=AAA"`)
	srv.Add(`google._domainkey.example.nl. 300 IN TXT "v=DKIM1; k=rsa; p=BBB"`)
	srv.Add(`clockwise._domainkey.example.nl. 300 IN TXT "v=DKIM1; k=rsa; p=CCC"`)
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond}
	got := ProbeSelectors(context.Background(), c, "example.nl", "clockwise")
	if len(got) != 3 || got[0].Selector != "clockwise" || got[1].Selector != "google" || got[2].Owner != "Microsoft 365" ||
		got[2].Target != "selector1-example-nl._domainkey.example.onmicrosoft.provider.test" {
		t.Errorf("selectors %+v", got)
	}
}
