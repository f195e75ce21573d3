package domaincheck

import (
	"mailwizard/checks"
	"mailwizard/checks/dkim"
	"mailwizard/checks/dmarc"
	"mailwizard/checks/hints"
	"mailwizard/checks/spf"
)

// The report is what `check --json` prints (DESIGN.md), described by
// resources/schema/check-report.schema.json. Its shape is the same
// whatever was asked: every key is present, lists are [] rather than
// null, and a check that was not run says "not-checked".

// NotChecked is the status of a check that did not run: no provider or
// selector asked for it, or the domain does not exist.
const NotChecked checks.Severity = "not-checked"

// Report is the result for one domain.
type Report struct {
	Domain   string           `json:"domain"`
	Provider string           `json:"provider"` // "" without --provider
	Checks   Checks           `json:"checks"`
	Hints    Hints            `json:"hints"`
	Findings []checks.Finding `json:"findings"`
	// Queries is how many DNS questions the check sent over the network;
	// answers a run's cache gave are not counted (dnsq.Cache).
	Queries int64 `json:"queries"`
	// SPFPlan is the analysis and suggestion behind Checks.SPF, for the
	// wizard's steps; JSON gives its summary.
	SPFPlan *SPFPlan `json:"-"`
}

// Checks holds each check's summary.
type Checks struct {
	SPF    *SPFSummary   `json:"spf"`
	DKIM   *DKIMSummary  `json:"dkim"`
	DMARC  *dmarc.Result `json:"dmarc"`
	MX     MXSummary     `json:"mx"`
	Bounce *BounceResult `json:"bounce"` // null when the provider has no bounce record
}

// SPFSummary is the SPF part of the report.
type SPFSummary struct {
	Status             checks.Severity `json:"status"`
	Record             string          `json:"record"`
	Lookups            int             `json:"lookups"`
	LookupsWithInclude int             `json:"lookups_with_include"`
	IncludesProvider   bool            `json:"includes_provider"`
	Suggested          string          `json:"suggested"`
	SuggestedStrings   []string        `json:"suggested_strings"`
	SuggestionReason   string          `json:"suggestion_reason"`
	// SuggestionReasonText is SuggestionReason for the faces to translate.
	SuggestionReasonText checks.Text      `json:"-"`
	Terms                []spf.Term       `json:"terms"`
	Ranges               []spf.RangeCheck `json:"ranges"`
}

// DKIMSummary is the DKIM part: the provider's selectors.
type DKIMSummary struct {
	Status    checks.Severity `json:"status"`
	Selectors []*dkim.Result  `json:"selectors"`
}

// MXSummary names the mailbox provider.
type MXSummary struct {
	Hosts    []string `json:"hosts"`
	Provider string   `json:"provider"`
	Name     string   `json:"name"`
}

// BounceResult is the provider's Return-Path record under the domain.
type BounceResult struct {
	Name   string          `json:"name"`
	Status checks.Severity `json:"status"`
	Seen   []string        `json:"seen"`
}

// Hints are what the domain already has.
type Hints struct {
	DNSHost   *hints.DNSHost   `json:"dns_host"`
	Selectors []hints.Selector `json:"selectors"`
}

// newReport is a report with every part in place and every list empty.
func newReport(domain, provider string) *Report {
	return &Report{
		Domain: domain, Provider: provider,
		Checks: Checks{
			SPF:   &SPFSummary{Status: NotChecked, SuggestedStrings: []string{}, Terms: []spf.Term{}, Ranges: []spf.RangeCheck{}},
			DKIM:  &DKIMSummary{Status: NotChecked, Selectors: []*dkim.Result{}},
			DMARC: &dmarc.Result{Status: NotChecked},
			MX:    MXSummary{Hosts: []string{}},
		},
		Hints:    Hints{Selectors: []hints.Selector{}},
		Findings: []checks.Finding{},
	}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
