package dnsq

import (
	"context"
	"errors"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"mailwizard/checks"
)

// Finding codes for DNS outcomes (DESIGN.md).
const (
	CodeNXDomain        = "dns.nxdomain"
	CodeTimeout         = "dns.timeout"
	CodeServFail        = "dns.servfail"
	CodeZoneNameDoubled = "dns.zone-name-doubled"
)

// FailureFinding words a lookup that got no answer. A timeout and a server
// failure say that nothing is known yet, never that a record is missing:
// the finding is temporary and carries no record to publish.
func FailureFinding(check string, err error) checks.Finding {
	f := checks.Finding{Check: check, Severity: checks.Error, Temporary: true, Detail: Detail(err)}
	what := checks.T("dns.about", "a DNS question")
	var e *Error
	if errors.As(err, &e) && e.Name != "" {
		what = checks.T("dns.about.records", "the %s records of %s", dns.TypeToString[e.Type], strings.TrimSuffix(e.Name, "."))
	}
	switch OutcomeOf(err) {
	case Timeout:
		f.Code = CodeTimeout
		return f.Say(checks.T("dns.timeout", "no DNS server answered in time about %s, so whether they exist is unknown", what),
			checks.T("dns.timeout.fix", "Check the network, or give another resolver with --resolver, and try again."))
	case ServFail, Refused:
		f.Code = CodeServFail
		return f.Say(checks.T("dns.servfail", "the DNS server failed or refused to answer about %s, so whether they exist is unknown", what),
			checks.T("dns.servfail.fix", "This is often a broken DNSSEC signature or a misconfigured name server at the DNS host: ask them, or try again later."))
	}
	f.Code = CodeTimeout
	return f.Say(checks.T("dns.timeout.unreachable", "no DNS server could be reached to ask about %s", what),
		checks.T("dns.timeout.fix.unreachable", "Check the network connection and try again."))
}

// NXDomainFinding says that a name does not exist at all: for the domain
// itself a typing error, so nothing is suggested for it.
func NXDomainFinding(check, name string) checks.Finding {
	name = strings.TrimSuffix(name, ".")
	return checks.Finding{Check: check, Severity: checks.Error, Code: CodeNXDomain}.Say(
		checks.T("dns.nxdomain", "%s does not exist in DNS (NXDOMAIN)", name),
		checks.T("dns.nxdomain.fix", "Check the spelling of %s. A domain that was registered minutes ago may take a while to appear.", name))
}

// OrgDomain is the organisational domain (RFC 7489 section 3.2) from the
// public suffix list: example.co.uk for mail.example.co.uk. It is the
// zone most DNS panels manage, so also where doubled names appear.
func OrgDomain(domain string) string {
	d := strings.TrimSuffix(strings.ToLower(domain), ".")
	org, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return d
	}
	return org
}

// Relative returns name without its zone ("clockwise._domainkey" for
// clockwise._domainkey.example.nl in example.nl): what most DNS panels
// want typed in the name field.
func Relative(name, zone string) string {
	name, zone = strings.TrimSuffix(strings.ToLower(name), "."), strings.TrimSuffix(strings.ToLower(zone), ".")
	if name == zone {
		return "@"
	}
	return strings.TrimSuffix(name, "."+zone)
}

// FindDoubled looks for a record that is missing at name under the name a
// DNS panel makes when the admin types the full name into a field that
// appends the zone: clockwise._domainkey.example.nl.example.nl. If found,
// it returns the finding with the name to type instead.
func FindDoubled(ctx context.Context, r Resolver, check, name, zone string, qtype uint16) (*checks.Finding, *Result) {
	name, zone = strings.TrimSuffix(name, "."), strings.TrimSuffix(zone, ".")
	doubled := name + "." + zone
	res, err := r.Lookup(ctx, doubled, qtype)
	if err != nil || res.Outcome != Answer {
		return nil, nil
	}
	rel := Relative(name, zone)
	f := checks.Finding{Check: check, Severity: checks.Error, Code: CodeZoneNameDoubled}.Say(
		checks.T("dns.zone-name-doubled", "the %s record is published as %s: the DNS panel added %s to a name that already ended in it",
			dns.TypeToString[qtype], doubled, zone),
		checks.T("dns.zone-name-doubled.fix", "Delete the record named %s and create it again with the name %s (the panel adds .%s itself).", Relative(doubled, zone), rel, zone))
	return &f, res
}
