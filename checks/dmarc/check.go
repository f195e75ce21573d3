// Package dmarc reads a domain's DMARC policy (RFC 7489, and DMARCbis,
// RFC 9989) and says what it means for mail the service sends: with
// p=quarantine or p=reject, mail from the service's own servers passes
// DMARC only through an aligned identifier. SPF aligns only when the
// service's bounce (Return-Path) domain is under the customer's domain and
// published (RFC 7489 section 3.1.2, relaxed mode); otherwise SPF is
// checked against the service's own domain and DKIM must align.
package dmarc

import (
	"context"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/taglist"
	"mailwizard/transports"
)

// Finding codes (DESIGN.md and ours).
const (
	CodeMissing            = "dmarc.missing"
	CodeMultiple           = "dmarc.multiple-records"
	CodeSyntax             = "dmarc.syntax"
	CodeRequiresDKIM       = "dmarc.requires-dkim"
	CodeReportUnauthorized = "dmarc.report-unauthorized"
	CodeSPFUnaligned       = "dmarc.spf-unaligned"
	CodeLegacyTags         = "dmarc.legacy-tags"
	CodeSPFAligned         = "dmarc.spf-aligned"
)

// Sending describes how the service will send for the domain, for the
// verdict: whether a hosted transport exists and signs with aligned DKIM,
// and the provider's bounce record if it has one under the domain, with
// whether it is published as it should be.
type Sending struct {
	Provider      string
	Hosted        bool
	HostedDKIM    bool
	Bounce        *transports.BounceRecord
	BounceAligned bool
	// Unknown says why the DKIM or bounce state is not known (a lookup got
	// no answer); the verdict then says so instead of giving advice.
	Unknown checks.Text
}

// Result is the DMARC policy found and its meaning.
type Result struct {
	Name          string          `json:"name"` // where the record was found
	Status        checks.Severity `json:"status"`
	Record        string          `json:"record"`
	Policy        string          `json:"policy"` // the policy that applies to the domain
	ADKIM         string          `json:"adkim"`
	ASPF          string          `json:"aspf"`
	FromOrgDomain bool            `json:"from_org_domain"`
	Suggested     string          `json:"suggested"`
	// Percent is pct= (100 when absent): the share of failing mail the
	// policy is applied to (RFC 7489 section 6.6.4). DMARCbis dropped the
	// tag, but receivers still read it; the check report leaves it out.
	Percent int `json:"-"`
	// Several says the domain publishes more than one DMARC record, so
	// receivers apply none of them (RFC 7489 section 6.6.3); Policy is
	// then the first record's, for the explanation only.
	Several  bool             `json:"-"`
	Findings []checks.Finding `json:"-"`
}

func (res *Result) add(sev checks.Severity, code string, msg, fix checks.Text) {
	res.Findings = append(res.Findings, checks.Finding{Check: "dmarc", Severity: sev, Code: code}.Say(msg, fix))
}

// OrgDomain is the organisational domain (RFC 7489 section 3.2).
func OrgDomain(domain string) string { return dnsq.OrgDomain(domain) }

// records returns the DMARC records at name (those starting with
// v=DMARC1, RFC 7489 section 6.6.3).
func records(ctx context.Context, r dnsq.Resolver, name string) ([]string, error) {
	res, err := r.Lookup(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, txt := range res.TXT() {
		t := strings.TrimSpace(txt)
		if strings.HasPrefix(t, "v=DMARC1") && (len(t) == 8 || t[8] == ';' || t[8] == ' ') {
			out = append(out, t)
		}
	}
	return out, nil
}

// Check reads the policy of domain, falling back to its organisational
// domain, and judges it for the way the service sends.
func Check(ctx context.Context, r dnsq.Resolver, domain string, s Sending) *Result {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	res := &Result{}
	defer res.settle()
	res.Name = "_dmarc." + domain
	recs, err := records(ctx, r, res.Name)
	if err != nil {
		res.Findings = append(res.Findings, dnsq.FailureFinding("dmarc", err))
		return res
	}
	if org := OrgDomain(domain); len(recs) == 0 && org != domain {
		// RFC 7489 section 6.6.3: without a record at the domain, the
		// organisational domain's applies. A lookup of it that got no
		// answer leaves the policy unknown, not missing.
		orgName := "_dmarc." + org
		orgRecs, err := records(ctx, r, orgName)
		if err != nil {
			res.Findings = append(res.Findings, dnsq.FailureFinding("dmarc", err))
			return res
		}
		if len(orgRecs) > 0 {
			recs, res.Name, res.FromOrgDomain = orgRecs, orgName, true
		}
	}
	switch {
	case len(recs) == 0:
		if f, _ := dnsq.FindDoubled(ctx, r, "dmarc", "_dmarc."+domain, OrgDomain(domain), dns.TypeTXT); f != nil {
			res.Findings = append(res.Findings, *f)
			return res
		}
		res.Suggested = "v=DMARC1; p=none; rua=mailto:dmarc-reports@" + domain
		res.add(checks.Warning, CodeMissing, checks.T("dmarc.missing", "%s has no DMARC policy: receivers such as Gmail and Yahoo expect one from bulk senders, and without it nobody reports who sends as your domain", domain),
			checks.T("dmarc.missing.fix", "Publish a TXT record named _dmarc with %q. p=none only asks for reports; replace the rua address with a mailbox you read, and move to p=quarantine once the reports show only your own senders.", res.Suggested))
		return res
	case len(recs) > 1:
		res.Several = true
		res.add(checks.Error, CodeMultiple, checks.T("dmarc.multiple-records", "%s has %d DMARC records; receivers then apply none of them (RFC 7489 section 6.6.3)", res.Name, len(recs)),
			checks.T("dmarc.multiple-records.fix", "Delete all but one."))
	}
	res.Record = recs[0]
	rec, ok := res.parse(recs[0])
	if !ok {
		return res
	}
	res.Policy, res.ADKIM, res.ASPF = string(rec.Policy), string(rec.DKIMAlignment), string(rec.SPFAlignment)
	res.Percent = 100
	if rec.Percent != nil {
		res.Percent = *rec.Percent
	}
	if res.FromOrgDomain && rec.SubdomainPolicy != "" {
		res.Policy = string(rec.SubdomainPolicy)
	}
	res.checkReports(ctx, r, domain, rec)
	res.verdict(domain, s)
	return res
}

func (res *Result) settle() { res.Status = checks.Status(res.Findings) }

// parse checks the tag list ourselves (go-msgauth keeps the last of two
// equal tags and lets v= stand anywhere) and then reads it with go-msgauth.
func (res *Result) parse(txt string) (*dmarc.Record, bool) {
	tags, err := taglist.Parse(txt)
	if err != nil {
		res.add(checks.Error, CodeSyntax, checks.T("dmarc.syntax", "the DMARC record is malformed: %s", err.Error()),
			checks.T("dmarc.syntax.fix", "Correct the record; each tag is name=value, separated by semicolons."))
		return nil, false
	}
	if tags[0].Name != "v" {
		res.add(checks.Error, CodeSyntax, checks.T("dmarc.syntax.version", "v=DMARC1 must be the first tag"), checks.T("dmarc.syntax.fix.version", "Move v=DMARC1 to the start of the record."))
		return nil, false
	}
	if _, ok := tags.Get("p"); !ok {
		// DMARCbis reads a missing p= as none; RFC 7489 receivers discard
		// the record. Say so, and read it the DMARCbis way.
		res.add(checks.Warning, CodeSyntax, checks.T("dmarc.syntax.no-policy", "the record has no p= tag: DMARCbis (RFC 9989) reads it as p=none, older receivers ignore the record"),
			checks.T("dmarc.syntax.fix.no-policy", "Add p=none (or your policy) explicitly."))
		txt += "; p=none"
	}
	var legacy []string
	for _, t := range []string{"pct", "rf", "ri"} {
		if _, ok := tags.Get(t); ok {
			legacy = append(legacy, t+"=")
		}
	}
	if len(legacy) > 0 {
		res.add(checks.Info, CodeLegacyTags, checks.T("dmarc.legacy-tags", "%s no longer exist in DMARCbis (RFC 9989); receivers ignore them", strings.Join(legacy, ", ")), checks.Text{})
	}
	rec, err := dmarc.Parse(txt)
	if err != nil {
		res.add(checks.Error, CodeSyntax, checks.T("dmarc.syntax.invalid", "the DMARC record is invalid: %s", strings.TrimPrefix(err.Error(), "dmarc: ")),
			checks.T("dmarc.syntax.fix.invalid", "Correct the tag named."))
		return nil, false
	}
	return rec, true
}

// checkReports verifies that report destinations on another domain agree
// to receive the reports (RFC 7489 section 7.1).
func (res *Result) checkReports(ctx context.Context, r dnsq.Resolver, domain string, rec *dmarc.Record) {
	for _, uri := range append(append([]string(nil), rec.ReportURIAggregate...), rec.ReportURIFailure...) {
		addr, ok := strings.CutPrefix(strings.TrimSpace(uri), "mailto:")
		if !ok {
			res.add(checks.Warning, CodeSyntax, checks.T("dmarc.syntax.report-uri", "report address %q is not a mailto: address; receivers send reports by mail only", uri),
				checks.T("dmarc.syntax.fix.report-uri", "Use mailto:address."))
			continue
		}
		addr, _, _ = strings.Cut(addr, "!") // a size limit
		_, dest, ok := strings.Cut(addr, "@")
		if !ok {
			res.add(checks.Warning, CodeSyntax, checks.T("dmarc.syntax.report-address", "report address %q has no @", addr), checks.T("dmarc.syntax.fix.report-address", "Correct the address."))
			continue
		}
		if OrgDomain(dest) == OrgDomain(domain) {
			continue
		}
		auth := domain + "._report._dmarc." + dest
		recs, err := records(ctx, r, auth)
		if err != nil || len(recs) == 0 {
			res.add(checks.Warning, CodeReportUnauthorized, checks.T("dmarc.report-unauthorized", "reports to %s will not be sent: %s has not published %s", addr, dest, auth),
				checks.T("dmarc.report-unauthorized.fix", "Ask the owner of %s to publish a TXT record %s with v=DMARC1, or send reports to an address of your own domain.", dest, auth))
		}
	}
}

// verdict says what the policy means for the service's mail.
func (res *Result) verdict(domain string, s Sending) {
	if !s.Hosted {
		return
	}
	enforcing := res.Policy == "quarantine" || res.Policy == "reject"
	who := orService(s.Provider)
	strict := res.ASPF == Strict
	// RFC 7489 section 3.1.2: in relaxed mode a bounce domain under the
	// customer's domain aligns; in strict mode only the same name does.
	spfAligned := s.Bounce != nil && s.BounceAligned && Aligned(s.Bounce.Name+"."+domain, domain, res.ASPF)
	outcome := map[string]checks.Text{
		"quarantine": checks.T("dmarc.outcome.quarantine", "put in the spam folder"),
		"reject":     checks.T("dmarc.outcome.reject", "rejected"),
	}[res.Policy]
	switch {
	case enforcing && !s.HostedDKIM && !spfAligned:
		why := checks.T("dmarc.requires-dkim.why", "its SPF result is for the service's own bounce domain, not for %s", res.Name[len("_dmarc."):])
		fix := checks.T("dmarc.requires-dkim.fix", "Turn on DKIM for the hosted transport and publish its key.")
		switch {
		case s.Bounce != nil && strict:
			why = checks.T("dmarc.requires-dkim.why.strict", "its bounce domain %s is a subdomain of yours, which strict SPF alignment (aspf=s) does not accept", s.Bounce.Name)
			fix = checks.T("dmarc.requires-dkim.fix.strict", "Turn on DKIM for the hosted transport and publish its key. Or relax SPF alignment (remove aspf=s) so that the bounce domain aligns.")
		case s.Bounce != nil:
			why = checks.T("dmarc.requires-dkim.why.bounce", "its SPF aligns only once the bounce record %s is published", s.Bounce.Name)
			fix = checks.T("dmarc.requires-dkim.fix.bounce", "Turn on DKIM for the hosted transport and publish its key. Or publish the bounce record: a %s named %s pointing to %s.",
				strings.ToUpper(s.Bounce.Type), s.Bounce.Name, s.Bounce.Target)
		}
		f := checks.Finding{Check: "dmarc", Severity: checks.Error, Code: CodeRequiresDKIM}.Say(
			checks.T("dmarc.requires-dkim", "p=%s: mail %s sends from its own servers passes DMARC only with an aligned identifier, and %s; without an aligned DKIM signature it is %s", res.Policy, who, why, outcome),
			fix)
		if !s.Unknown.IsZero() {
			f.Temporary = true
			f = f.Say(checks.T("dmarc.requires-dkim.unknown", "p=%s: whether mail %s sends passes DMARC is unknown until DNS answers (%s)", res.Policy, who, s.Unknown), checks.Text{})
		}
		res.Findings = append(res.Findings, f)
	case s.Bounce != nil && strict && s.HostedDKIM:
		res.add(checks.Warning, CodeSPFUnaligned,
			checks.T("dmarc.spf-unaligned.strict", "aspf=s (strict): the bounce domain %s is a subdomain of yours, so SPF does not align under strict mode and DMARC rests on DKIM alone", s.Bounce.Name),
			checks.T("dmarc.spf-unaligned.fix.strict", "Use relaxed SPF alignment (remove aspf=s), or make sure DKIM signs every message."))
	case enforcing && spfAligned && !s.HostedDKIM:
		res.add(checks.Warning, CodeSPFAligned,
			checks.T("dmarc.spf-aligned", "mail from %s passes DMARC through SPF: its bounce domain %s is under your domain. Forwarding breaks SPF, so forwarded mail then fails DMARC", who, s.Bounce.Name),
			checks.T("dmarc.spf-aligned.fix", "Turn on DKIM for the hosted transport as well, so that forwarded mail keeps passing."))
	case enforcing && s.Bounce == nil:
		res.add(checks.Info, CodeSPFUnaligned,
			checks.T("dmarc.spf-unaligned", "mail from %s passes DMARC through its DKIM signature; its SPF result is for the service's own bounce domain", who), checks.Text{})
	}
}

// orService names the service in a sentence, "the service" when it has
// no name.
func orService(name string) checks.Text {
	if name == "" {
		return checks.T("dmarc.the-service", "the service")
	}
	return checks.Verbatim(name)
}
