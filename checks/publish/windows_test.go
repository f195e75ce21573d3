package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

const windowsZone = `$ORIGIN example.nl.
@   300 IN SOA dc1 hostmaster 42 900 600 86400 3600
@   300 IN NS  dc1
dc1 300 IN A   127.0.0.1
@   300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`

// A Windows DNS server, told by the version it gives, gets no update:
// the finding says why and gives the PowerShell lines, the old SPF
// record removed first and a long key cut into lines as Microsoft's
// example does. A zone with the Active Directory records whose server
// does not name itself is probably Windows: the lines come with the
// update, which may still be sent, in words that say "probably". Other
// servers, and one that does not say, are not taken for Windows.
func TestWindowsDNS(t *testing.T) {
	long := "v=DKIM1; k=rsa; p=" + strings.Repeat("A", 380) + "$x`\""
	changes := []Change{
		{Name: "example.nl", Type: dns.TypeTXT, Value: "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all", SPF: true,
			Replaces: []string{"v=spf1 include:spf.protection.outlook.com -all"}},
		{Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Value: long},
		{Name: "mrsel1._domainkey.example.nl", Type: dns.TypeCNAME, Value: "mrsel1._domainkey.spinoffice-crm.com"},
	}
	test := func(extra, wantVersion, wantAD string) {
		t.Helper()
		srv := dnstest.Start(t, "127.0.0.1:0")
		srv.MustAddZone(t, windowsZone+extra)
		c := &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}
		plan, err := Prepare(context.Background(), c, "example.nl", "", changes)
		var w *WindowsDNS
		if wantVersion == "" && wantAD == "" {
			if err != nil || !plan.Pending() {
				t.Fatalf("taken for Windows DNS: %v", err)
			}
			return
		}
		if wantVersion == "" {
			// Only the zone's records: the update is there to send.
			if err != nil || plan == nil || !plan.Pending() || plan.Windows == nil || plan.Windows.ADRecord != wantAD {
				t.Fatalf("%v, %+v", err, plan)
			}
			w, err = plan.Windows, plan.Windows
		} else if !errors.As(err, &w) || w.Version != wantVersion || plan == nil || plan.Pending() {
			t.Fatalf("%v, %+v", err, w)
		}
		want := []string{
			`Remove-DnsServerResourceRecord -ZoneName 'example.nl' -Name '@' -RRType Txt -RecordData 'v=spf1 include:spf.protection.outlook.com -all' -Force`,
			`Add-DnsServerResourceRecord -ZoneName 'example.nl' -Name '@' -Txt -DescriptiveText 'v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all' -TimeToLive 01:00:00`,
			`Add-DnsServerResourceRecord -ZoneName 'example.nl' -Name 'clockwise._domainkey' -Txt -DescriptiveText "` + long[:252] + "`r`n" +
				strings.NewReplacer("$", "`$", "`", "``", `"`, "`\"").Replace(long[252:]) + `" -TimeToLive 01:00:00`,
			`Add-DnsServerResourceRecord -ZoneName 'example.nl' -Name 'mrsel1._domainkey' -CName -HostNameAlias 'mrsel1._domainkey.spinoffice-crm.com.' -TimeToLive 01:00:00`,
		}
		if strings.Join(w.Lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("PowerShell:\n%s\nwant\n%s", strings.Join(w.Lines, "\n"), strings.Join(want, "\n"))
		}
		f := Explain(err)
		if !strings.Contains(f.Message, "Kerberos (GSS-TSIG)") || !strings.Contains(f.Fix, want[0]) {
			t.Errorf("finding %+v", f)
		}
		switch {
		case wantVersion != "" && (f.Code != CodeWindowsDNS || f.Severity != checks.Error):
			t.Errorf("a server that says it is Windows: %+v", f)
		case wantVersion == "" && (f.Code != CodeWindowsLikely || f.Severity != checks.Warning ||
			!strings.Contains(f.Message, "example.nl has Active Directory's records (_ldap._tcp.dc._msdcs.example.nl SRV), so its primary "+w.Server+" is probably a Windows DNS server") ||
			!strings.HasPrefix(f.Fix, "If so, the update will be refused")):
			t.Errorf("a zone with AD's records: %+v", f)
		}
		if wantVersion == "" {
			// Sent all the same: the refusal repeats the lines.
			key, _ := NewKey("mailwizard", "", secret)
			_, err := Send(context.Background(), plan, key, nil)
			if f := Explain(err); !strings.Contains(f.Fix, "example.nl has Active Directory's records: if its primary is a Windows DNS server") || !strings.Contains(f.Fix, want[0]) {
				t.Errorf("refused: %+v", f)
			}
		}
	}
	test("version.bind. 0 CH TXT \"Microsoft DNS 10.0.17763 (4563285C)\"\nbind. 0 CH SOA a. b. 1 1 1 1 1\n", "Microsoft DNS 10.0.17763 (4563285C)", "")
	test("_ldap._tcp.dc._msdcs 600 IN SRV 0 100 389 dc1.example.nl.\n", "", "_ldap._tcp.dc._msdcs.example.nl SRV")
	test("version.bind. 0 CH TXT \"9.18.49-1~deb12u3-Debian\"\nbind. 0 CH SOA a. b. 1 1 1 1 1\n", "", "")
	// BIND that names itself, with AD's records copied into its zone: its
	// own answer to the update will tell.
	test("version.bind. 0 CH TXT \"9.18.49-1~deb12u3-Debian\"\nbind. 0 CH SOA a. b. 1 1 1 1 1\n_ldap._tcp.dc._msdcs 600 IN SRV 0 100 389 dc1.example.nl.\n", "", "")
	test("", "", "")
}
