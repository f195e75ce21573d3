// Package hints tells the admin what the domain already has, so the
// wizard can speak in their terms: who runs its mailboxes (from MX), who
// hosts its DNS (from NS, with a link to that host's help page for adding
// a TXT record), and which DKIM selectors it already signs with.
package hints

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// MailProvider is the mailbox provider the MX records point to.
type MailProvider struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	SPFIncludes []string `json:"spf_includes,omitempty"` // what its senders need in SPF
}

// mailProviders are matched on MX host suffixes. The includes are those
// the providers document for their outgoing mail.
var mailProviders = []struct {
	suffixes []string
	p        MailProvider
}{
	{[]string{".mail.protection.outlook.com", ".mx.microsoft"}, MailProvider{ID: "microsoft365", Name: "Microsoft 365", SPFIncludes: []string{"spf.protection.outlook.com"}}},
	{[]string{".google.com", ".googlemail.com"}, MailProvider{ID: "google", Name: "Google Workspace", SPFIncludes: []string{"_spf.google.com"}}},
	{[]string{".zoho.eu"}, MailProvider{ID: "zoho", Name: "Zoho Mail", SPFIncludes: []string{"zohomail.eu"}}},
	{[]string{".zoho.com"}, MailProvider{ID: "zoho", Name: "Zoho Mail", SPFIncludes: []string{"zohomail.com"}}},
	{[]string{".protonmail.ch"}, MailProvider{ID: "proton", Name: "Proton Mail", SPFIncludes: []string{"_spf.protonmail.ch"}}},
	{[]string{".messagingengine.com"}, MailProvider{ID: "fastmail", Name: "Fastmail", SPFIncludes: []string{"spf.messagingengine.com"}}},
	{[]string{".mimecast.com"}, MailProvider{ID: "mimecast", Name: "Mimecast"}},
	{[]string{".pphosted.com"}, MailProvider{ID: "proofpoint", Name: "Proofpoint"}},
	{[]string{".secureserver.net"}, MailProvider{ID: "godaddy", Name: "GoDaddy email", SPFIncludes: []string{"secureserver.net"}}},
	{[]string{".transip.email"}, MailProvider{ID: "transip", Name: "TransIP email"}},
	{[]string{".strato.de"}, MailProvider{ID: "strato", Name: "Strato"}},
}

// DetectMailProvider names the provider of the MX hosts, or nil.
func DetectMailProvider(hosts []string) *MailProvider {
	for _, h := range hosts {
		h = "." + strings.ToLower(strings.TrimSuffix(h, "."))
		for _, mp := range mailProviders {
			for _, s := range mp.suffixes {
				if strings.HasSuffix(h, s) {
					p := mp.p
					return &p
				}
			}
		}
	}
	return nil
}

// DNSHost is who serves the domain's zone.
type DNSHost struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	HelpURL string `json:"help_url,omitempty"` // how to add a TXT record there
}

var dnsHosts = []struct {
	suffixes []string
	h        DNSHost
}{
	{[]string{".ns.cloudflare.com"}, DNSHost{"cloudflare", "Cloudflare", "https://developers.cloudflare.com/dns/manage-dns-records/how-to/create-dns-records/"}},
	{[]string{".awsdns-"}, DNSHost{"route53", "Amazon Route 53", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-creating.html"}},
	{[]string{".azure-dns.com", ".azure-dns.net", ".azure-dns.org", ".azure-dns.info"}, DNSHost{"azure", "Azure DNS", "https://learn.microsoft.com/azure/dns/dns-operations-recordsets-portal"}},
	{[]string{".googledomains.com"}, DNSHost{"google-cloud-dns", "Google Cloud DNS", "https://cloud.google.com/dns/docs/records"}},
	{[]string{".domaincontrol.com"}, DNSHost{"godaddy", "GoDaddy", "https://www.godaddy.com/help/add-a-txt-record-19232"}},
	{[]string{".transip.net", ".transip.nl", ".transip.eu"}, DNSHost{"transip", "TransIP", "https://www.transip.nl/knowledgebase/"}},
	{[]string{".rzone.de", ".strato.de"}, DNSHost{"strato", "Strato", "https://www.strato.nl/faq/"}},
	{[]string{".hetzner.com", ".hetzner.de", ".your-server.de", ".second-ns.com", ".second-ns.de"}, DNSHost{"hetzner", "Hetzner", "https://docs.hetzner.com/dns-console/"}},
	{[]string{".ovh.net", ".ovh.ca", ".anycast.me"}, DNSHost{"ovh", "OVHcloud", "https://help.ovhcloud.com/"}},
	{[]string{".gandi.net"}, DNSHost{"gandi", "Gandi", "https://docs.gandi.net/en/domain_names/common_operations/dns_records.html"}},
	{[]string{".registrar-servers.com"}, DNSHost{"namecheap", "Namecheap", "https://www.namecheap.com/support/knowledgebase/"}},
	{[]string{".hostnet.nl"}, DNSHost{"hostnet", "Hostnet", "https://www.hostnet.nl/helpdesk"}},
	{[]string{".versio.nl"}, DNSHost{"versio", "Versio", "https://www.versio.nl/support"}},
}

// DetectDNSHost names the DNS host of the NS hosts, or nil.
func DetectDNSHost(nsHosts []string) *DNSHost {
	for _, h := range nsHosts {
		h = "." + strings.ToLower(strings.TrimSuffix(h, "."))
		for _, dh := range dnsHosts {
			for _, s := range dh.suffixes {
				if strings.HasSuffix(h, s) || strings.HasPrefix(s, ".awsdns-") && strings.Contains(h, s) {
					host := dh.h
					return &host
				}
			}
		}
	}
	return nil
}

// Names returns the target host names of MX or NS records.
func Names(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		switch r := rr.(type) {
		case *dns.MX:
			out = append(out, strings.TrimSuffix(strings.ToLower(r.Mx), "."))
		case *dns.NS:
			out = append(out, strings.TrimSuffix(strings.ToLower(r.Ns), "."))
		}
	}
	sort.Strings(out)
	return out
}

// Selector is a DKIM selector found on the domain.
type Selector struct {
	Selector string `json:"selector"`
	Owner    string `json:"owner,omitempty"`  // whose convention it is
	Target   string `json:"target,omitempty"` // CNAME target, when delegated
}

// commonSelectors are the selectors mail services use by default.
var commonSelectors = []struct{ sel, owner string }{
	{"selector1", "Microsoft 365"}, {"selector2", "Microsoft 365"},
	{"google", "Google Workspace"},
	{"s1", ""}, {"s2", ""}, {"k1", "Mailchimp"}, {"k2", "Mailchimp"}, {"k3", "Mailchimp"},
	{"default", ""}, {"dkim", ""}, {"mail", ""},
	{"protonmail", "Proton Mail"}, {"fm1", "Fastmail"}, {"zmail", "Zoho Mail"},
	{"mandrill", "Mailchimp Transactional"}, {"smtpapi", "SendGrid"},
}

// ProbeSelectors looks, all at once, for the common selectors and the
// extra ones (the provider's own) and returns those that exist.
func ProbeSelectors(ctx context.Context, r dnsq.Resolver, domain string, extra ...string) []Selector {
	probes := append([]struct{ sel, owner string }(nil), commonSelectors...)
	for _, e := range extra {
		if e != "" {
			probes = append(probes, struct{ sel, owner string }{e, "the provider"})
		}
	}
	return probe(ctx, r, domain, probes)
}

// ProbeCommon looks for the common selectors in two rounds: first those
// of the domain's mailbox provider (mp, from MX; nil when unknown), which
// are where a key most likely is, then, only when none of those exists,
// the rest. A support desk's run over a thousand domains on Microsoft 365
// thus asks two questions a domain instead of sixteen.
func ProbeCommon(ctx context.Context, r dnsq.Resolver, domain string, mp *MailProvider) []Selector {
	var likely, rest []struct{ sel, owner string }
	for _, c := range commonSelectors {
		if mp != nil && c.owner == mp.Name {
			likely = append(likely, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(likely) > 0 {
		if found := probe(ctx, r, domain, likely); len(found) > 0 {
			return found
		}
	}
	return probe(ctx, r, domain, rest)
}

// ProbeNamed looks only for the selectors named (the provider's, or the
// one asked for) and returns those that exist.
func ProbeNamed(ctx context.Context, r dnsq.Resolver, domain string, selectors ...string) []Selector {
	var probes []struct{ sel, owner string }
	for _, s := range selectors {
		if s != "" {
			probes = append(probes, struct{ sel, owner string }{s, "the provider"})
		}
	}
	return probe(ctx, r, domain, probes)
}

func probe(ctx context.Context, r dnsq.Resolver, domain string, probes []struct{ sel, owner string }) []Selector {
	var mu sync.Mutex
	var wg sync.WaitGroup
	seen := map[string]bool{}
	var found []Selector
	for _, p := range probes {
		if seen[p.sel] {
			continue
		}
		seen[p.sel] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := r.Lookup(ctx, p.sel+"._domainkey."+domain, dns.TypeTXT)
			if err != nil || res.Outcome != dnsq.Answer && len(res.CNAMEs) == 0 {
				return
			}
			s := Selector{Selector: p.sel, Owner: p.owner}
			if len(res.CNAMEs) > 0 {
				s.Target = strings.TrimSuffix(res.CNAMEs[len(res.CNAMEs)-1], ".")
			}
			mu.Lock()
			found = append(found, s)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(found, func(i, j int) bool { return found[i].Selector < found[j].Selector })
	return found
}
