// Package dkim checks that a DKIM key record is published as it should be
// (RFC 6376 section 3.6.1): read <selector>._domainkey.<domain>, join its
// strings, parse the tags, and compare the key byte for byte with the one
// the admin was told to publish, naming the mistake when they differ. In
// CNAME mode (keys hosted by the service) the name must be a CNAME to the
// profile's target.
package dkim

import (
	"context"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/taglist"
)

// Finding codes (DESIGN.md).
const (
	CodeMissing     = "dkim.missing"
	CodeMultiple    = "dkim.multiple-records"
	CodeKeyMismatch = "dkim.key-mismatch"
	CodeSyntax      = "dkim.syntax"
	CodeTesting     = "dkim.testing"
	CodeRevoked     = "dkim.revoked"
	CodeCNAMETarget = "dkim.cname-target"
)

// Expect is what should be published at one selector.
type Expect struct {
	Selector string
	// Value is the TXT value the admin was told to publish (v=DKIM1; k=…;
	// p=…); empty to check only that a valid key is there.
	Value string
	// CNAME is the target of a delegated selector; when set, the name must
	// be a CNAME to it.
	CNAME string
}

// Result is what was found at one selector.
type Result struct {
	Name     string           `json:"name"`
	Status   checks.Severity  `json:"status"` // "ok" when no finding
	Record   string           `json:"record"`
	CNAMEs   []string         `json:"cnames"`
	KeyType  string           `json:"key_type"`
	Findings []checks.Finding `json:"-"`
}

// Check reads the selector's record on domain and compares it with exp.
// zone is the domain's DNS zone, for the doubled-name check.
func Check(ctx context.Context, r dnsq.Resolver, domain, zone string, exp Expect) *Result {
	res := &Result{Name: exp.Selector + "._domainkey." + strings.TrimSuffix(domain, ".")}
	if exp.CNAME != "" {
		res.checkCNAME(ctx, r, zone, exp)
	} else {
		res.checkTXT(ctx, r, zone, exp)
	}
	res.Status = checks.Status(res.Findings)
	if res.CNAMEs == nil {
		res.CNAMEs = []string{}
	}
	return res
}

// Matches judges TXT values found at a selector the way Check does, for
// callers that read DNS themselves (polling every authoritative server):
// one truth for "is the right key published". It returns, when not, the
// values found.
func Matches(values []string, exp Expect) (bool, string) {
	res := &Result{}
	res.judgeValues(values, exp, checks.Text{})
	return len(values) > 0 && checks.OutcomeOf(res.Findings) == checks.Passed, strings.Join(values, " | ")
}

func (res *Result) add(sev checks.Severity, code string, msg, fix checks.Text) {
	res.Findings = append(res.Findings, checks.Finding{Check: "dkim", Severity: sev, Code: code}.Say(msg, fix))
}

func (res *Result) missing(ctx context.Context, r dnsq.Resolver, zone string, qtype uint16, fix checks.Text) {
	if f, _ := dnsq.FindDoubled(ctx, r, "dkim", res.Name, zone, qtype); f != nil {
		res.Findings = append(res.Findings, *f)
		return
	}
	res.add(checks.Error, CodeMissing, checks.T("dkim.missing", "no DKIM record at %s", res.Name), fix)
}

func (res *Result) checkCNAME(ctx context.Context, r dnsq.Resolver, zone string, exp Expect) {
	want := strings.ToLower(strings.TrimSuffix(exp.CNAME, "."))
	fix := checks.T("dkim.fix.cname", "Create a CNAME record named %s pointing to %s.", dnsq.Relative(res.Name, zone), want)
	got, err := r.Lookup(ctx, res.Name, dns.TypeCNAME)
	if err != nil {
		res.Findings = append(res.Findings, dnsq.FailureFinding("dkim", err))
		return
	}
	if got.Outcome != dnsq.Answer {
		if txt, err := r.Lookup(ctx, res.Name, dns.TypeTXT); err == nil && txt.Outcome == dnsq.Answer {
			res.add(checks.Error, CodeCNAMETarget, checks.T("dkim.cname-target.txt", "%s is a TXT record, but the service hosts this key and it must be a CNAME to %s", res.Name, want),
				checks.T("dkim.cname-target.fix.txt", "Delete the TXT record and create a CNAME record named %s pointing to %s.", dnsq.Relative(res.Name, zone), want))
			return
		}
		res.missing(ctx, r, zone, dns.TypeCNAME, fix)
		return
	}
	target := strings.ToLower(strings.TrimSuffix(got.Records[0].(*dns.CNAME).Target, "."))
	res.CNAMEs = []string{target}
	if target != want {
		res.add(checks.Error, CodeCNAMETarget, checks.T("dkim.cname-target", "%s points to %s, not to %s", res.Name, target, want),
			checks.T("dkim.cname-target.fix", "Change the CNAME's target to %s.", want))
	}
}

func (res *Result) checkTXT(ctx context.Context, r dnsq.Resolver, zone string, exp Expect) {
	var fix checks.Text
	if exp.Value != "" {
		fix = checks.T("dkim.fix.txt", "Create a TXT record named %s with the value %s", dnsq.Relative(res.Name, zone), exp.Value)
	}
	got, err := r.Lookup(ctx, res.Name, dns.TypeTXT)
	if err != nil {
		res.Findings = append(res.Findings, dnsq.FailureFinding("dkim", err))
		return
	}
	res.CNAMEs = got.CNAMEs
	keys := got.TXT()
	if len(keys) == 0 {
		if exp.Value == "" {
			domain := strings.TrimPrefix(res.Name, exp.Selector+"._domainkey.")
			fix = checks.T("dkim.fix.generate", "Generate a key for selector %s (the wizard's DKIM step, or: mailwizard dkim gen --domain %s --selector %s) and publish the TXT record it shows at %s.",
				exp.Selector, domain, exp.Selector, dnsq.Relative(res.Name, zone))
		}
		res.missing(ctx, r, zone, dns.TypeTXT, fix)
		return
	}
	res.judgeValues(keys, exp, fix)
}

// judgeValues checks the TXT values published at the selector.
func (res *Result) judgeValues(keys []string, exp Expect, fix checks.Text) {
	switch len(keys) {
	case 0:
		res.add(checks.Error, CodeMissing, checks.T("dkim.missing", "no DKIM record at %s", res.Name), fix)
		return
	case 1:
	default:
		res.add(checks.Error, CodeMultiple, checks.T("dkim.multiple-records", "%s has %d TXT records; receivers cannot tell which key to use and the signature fails", res.Name, len(keys)),
			checks.T("dkim.multiple-records.fix", "Delete all but the one with the current key."))
	}
	res.Record = keys[0]
	tags, err := taglist.Parse(res.Record)
	if err != nil {
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax", "the record at %s is not a valid DKIM key record: %s", res.Name, err.Error()), fix)
		return
	}
	res.judge(tags, exp, fix)
}

// judge checks the tags and compares the key with the expected value.
func (res *Result) judge(tags taglist.List, exp Expect, fix checks.Text) {
	if v, ok := tags.Get("v"); ok && (v != "DKIM1" || tags[0].Name != "v") {
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax.version", "v=%s: a DKIM key record starts with v=DKIM1 (RFC 6376 section 3.6.1)", v), fix)
	}
	k, ok := tags.Get("k")
	if !ok {
		k = "rsa"
	}
	res.KeyType = k
	if k != "rsa" && k != "ed25519" {
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax.key-type", "k=%s is not a key type receivers know (rsa or ed25519)", k), fix)
	}
	if h, ok := tags.Get("h"); ok && !strings.Contains(h, "sha256") {
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax.hash", "h=%s excludes sha256, the only hash signers may use (RFC 8301)", h), checks.T("dkim.syntax.fix.hash", "Remove the h= tag."))
	}
	if t, ok := tags.Get("t"); ok && hasFlag(t, "y") {
		res.add(checks.Warning, CodeTesting, checks.T("dkim.testing", "t=y marks the key as in testing: receivers treat failed signatures as if the mail were unsigned"),
			checks.T("dkim.testing.fix", "Remove t=y once signed mail verifies."))
	}
	if s, ok := tags.Get("s"); ok && !hasFlag(s, "email") && !hasFlag(s, "*") {
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax.service", "s=%s does not allow the key for email", s), checks.T("dkim.syntax.fix.service", "Remove the s= tag."))
	}
	p, ok := tags.Get("p")
	switch {
	case !ok:
		res.add(checks.Error, CodeSyntax, checks.T("dkim.syntax.no-key", "the record has no p= tag with the public key"), fix)
		return
	case strings.TrimSpace(p) == "":
		res.add(checks.Error, CodeRevoked, checks.T("dkim.revoked", "p= is empty: the key is revoked and every signature with it fails (RFC 6376 section 3.6.1)"), fix)
		return
	}
	if exp.Value == "" {
		return
	}
	wantTags, err := taglist.Parse(exp.Value)
	if err != nil {
		return
	}
	wantP, _ := wantTags.Get("p")
	wantK, ok := wantTags.Get("k")
	if !ok {
		wantK = "rsa"
	}
	if k != wantK {
		res.add(checks.Error, CodeKeyMismatch, checks.T("dkim.key-mismatch.key-type", "k=%s is published, but the key is %s", k, wantK), fix)
	}
	res.compareKey(p, wantP, fix)
}

// compareKey names how the published p= differs from the expected one.
func (res *Result) compareKey(p, want string, fix checks.Text) {
	if p == want {
		return
	}
	if strings.ContainsAny(p, `"'`) {
		res.add(checks.Error, CodeKeyMismatch, checks.T("dkim.key-mismatch.quotes", "p= contains quotation marks: the DNS panel stored the quotes that were pasted with the value"),
			checks.T("dkim.key-mismatch.fix.quotes", "Enter the value again without any quotation marks."))
		return
	}
	stripped := strings.Join(strings.Fields(p), "")
	if stripped == want {
		res.add(checks.Warning, CodeKeyMismatch, checks.T("dkim.key-mismatch.spaces", "p= contains spaces or line breaks; RFC 6376 allows them, but some receivers fail on them"),
			checks.T("dkim.key-mismatch.fix.spaces", "Enter the value again as one line without spaces, or as the 255-character strings shown."))
		return
	}
	if len(stripped) < len(want) && strings.HasPrefix(want, stripped) {
		res.add(checks.Error, CodeKeyMismatch, checks.T("dkim.key-mismatch.truncated", "the key is cut short: %d of its %d characters are published; the DNS panel probably cut the value at 255 characters", len(stripped), len(want)),
			checks.T("dkim.key-mismatch.fix.truncated", "Enter the value as separate strings of at most 255 characters (shown with the record), or use the panel's field for long TXT values."))
		return
	}
	res.add(checks.Error, CodeKeyMismatch, checks.T("dkim.key-mismatch", "a different key is published than the one generated for this selector: mail signed with the new key will fail"),
		checks.T("dkim.key-mismatch.fix", "%s (replace the old value).", fix))
}

func hasFlag(list, flag string) bool {
	for _, f := range strings.Split(list, ":") {
		if strings.TrimSpace(f) == flag {
			return true
		}
	}
	return false
}
