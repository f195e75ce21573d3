package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// WindowsDNS is a primary that takes no TSIG key: Windows DNS Server
// signs dynamic updates with Kerberos only (GSS-TSIG, RFC 3645), as do
// the DNS servers of an Active Directory domain. The records are then
// added with PowerShell on the server.
type WindowsDNS struct {
	Server string // the primary asked
	Zone   string
	// Version is the server's own name for itself (CHAOS TXT version.bind,
	// "Microsoft DNS 10.0.17763 (4563285C)"); empty when only the Active
	// Directory records gave it away.
	Version string
	// ADRecord is the Active Directory record found in the zone
	// (_ldap._tcp.dc._msdcs.ZONE SRV); empty when Version did.
	ADRecord string
	// Lines are the PowerShell commands that publish the records.
	Lines []string
}

// Definite reports whether the server said it is Windows DNS; without
// that, the zone's Active Directory records make it probable only (a
// BIND or an appliance may serve such a zone, and not every such one
// answers version.bind), and the update may still be tried.
func (w *WindowsDNS) Definite() bool { return w.Version != "" }

func (w *WindowsDNS) Error() string {
	if !w.Definite() {
		return fmt.Sprintf("publish: the zone has the Active Directory record %s, so %s is probably Windows DNS, which takes updates signed with Kerberos (GSS-TSIG) only", w.ADRecord, w.Server)
	}
	return fmt.Sprintf("publish: %s is Windows DNS (version.bind says %s), which takes updates signed with Kerberos (GSS-TSIG) only, not with a TSIG key", w.Server, w.Version)
}

func (w *WindowsDNS) Is(target error) bool { return target == ErrNotPublished }

// DetectWindows asks the primary whether it is Windows DNS, and answers
// only on definite evidence (nil otherwise, also when it does not
// answer): the version it gives for CHAOS TXT version.bind starts with
// "Microsoft DNS" ("Microsoft DNS 6.1.7601 (1DB15D39)": how Windows
// Server names itself where it answers that question; not every one
// does), or, when the server does not name itself, the zone holds the
// SRV record by which Active Directory domain controllers are found
// (_ldap._tcp.dc._msdcs, RFC 2782 names; Microsoft's "SRV Resource
// Records Registered by Net Logon"), whose DNS zones take only secure,
// Kerberos-signed updates.
func DetectWindows(ctx context.Context, addr, zone string) (*WindowsDNS, error) {
	w := &WindowsDNS{Server: addr, Zone: zone}
	if r, err := ask(ctx, addr, "version.bind.", dns.TypeTXT, dns.ClassCHAOS); err == nil && r.Rcode == dns.RcodeSuccess {
		for _, rr := range r.Answer {
			if t, ok := rr.(*dns.TXT); ok {
				v := (&dnsq.Result{Records: []dns.RR{t}}).TXT()[0]
				if strings.HasPrefix(v, "Microsoft DNS") {
					w.Version = v
					return w, nil
				}
				// Another server named itself (BIND, Knot, PowerDNS): its
				// own answer to the update says what it takes, whatever
				// records its zone holds.
				return nil, nil
			}
		}
	}
	name := "_ldap._tcp.dc._msdcs." + dns.Fqdn(zone)
	r, err := ask(ctx, addr, name, dns.TypeSRV, dns.ClassINET)
	if err != nil {
		return nil, err
	}
	for _, rr := range r.Answer {
		if _, ok := rr.(*dns.SRV); ok && r.Rcode == dns.RcodeSuccess && strings.EqualFold(rr.Header().Name, name) {
			w.ADRecord = strings.TrimSuffix(name, ".") + " SRV"
			return w, nil
		}
	}
	return nil, nil
}

// PowerShell are the commands of the DnsServer module that publish the
// plan on the Windows DNS server itself: the old SPF record removed
// first (Remove-DnsServerResourceRecord), then each record added
// (Add-DnsServerResourceRecord with -Txt -DescriptiveText, -CName
// -HostNameAlias, -MX -MailExchange). Records already there are left out.
func PowerShell(p *Plan) []string {
	zone := psQuote(strings.TrimSuffix(p.Zone.Name, "."))
	var lines []string
	for _, s := range p.Steps {
		if s.Action == Keep {
			continue
		}
		ch := s.Change
		name := psQuote(dnsq.Relative(ch.Name, p.Zone.Name))
		for _, old := range s.Old {
			lines = append(lines, fmt.Sprintf("Remove-DnsServerResourceRecord -ZoneName %s -Name %s -RRType Txt -RecordData %s -Force", zone, name, psQuote(old)))
		}
		switch ch.Type {
		case dns.TypeCNAME:
			lines = append(lines, fmt.Sprintf("Add-DnsServerResourceRecord -ZoneName %s -Name %s -CName -HostNameAlias %s -TimeToLive 01:00:00", zone, name, psQuote(dns.Fqdn(ch.Value))))
		case dns.TypeMX:
			lines = append(lines, fmt.Sprintf("Add-DnsServerResourceRecord -ZoneName %s -Name %s -MX -MailExchange %s -Preference 10 -TimeToLive 01:00:00", zone, name, psQuote(dns.Fqdn(ch.Value))))
		default:
			lines = append(lines, fmt.Sprintf("Add-DnsServerResourceRecord -ZoneName %s -Name %s -Txt -DescriptiveText %s -TimeToLive 01:00:00", zone, name, psTXT(ch.Value)))
		}
	}
	return lines
}

// psQuote is a PowerShell string literal that expands nothing: single
// quotes, a quote doubled.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// windowsTXTLine is how much of a TXT value one line of -DescriptiveText
// takes: Windows DNS keeps at most 254 characters a line and makes each
// line one string of the record, and Microsoft's example for a DKIM key
// (Add-DnsServerResourceRecord, "Add multiline TXT resource record")
// cuts it into 252 characters and a CR LF.
const windowsTXTLine = 252

// psTXT is a TXT value for -DescriptiveText: as it is when short, else
// cut into lines joined by CR LF in a double-quoted string (`r`n), with
// the characters PowerShell expands there escaped by a backtick.
func psTXT(v string) string {
	if len(v) <= windowsTXTLine {
		return psQuote(v)
	}
	var parts []string
	for len(v) > windowsTXTLine {
		parts = append(parts, v[:windowsTXTLine])
		v = v[windowsTXTLine:]
	}
	parts = append(parts, v)
	esc := strings.NewReplacer("`", "``", "$", "`$", `"`, "`\"")
	for i, part := range parts {
		parts[i] = esc.Replace(part)
	}
	return `"` + strings.Join(parts, "`r`n") + `"`
}
