package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/domaincheck"
	"mailwizard/checks/spf"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard/i18n"
)

// The hosted step: the service's servers send with the domain as sender.
// It shows the SPF record to publish with the change marked, sets up DKIM
// by the profile's mode (a key made here, an imported key, or the CNAMEs
// to publish) and says what the DMARC policy means for this transport.

// HostedPlan is what the hosted step shows.
type HostedPlan struct {
	SPF     *domaincheck.SPFPlan
	Changes []TermChange // the record's terms, marked kept, added or removed
	DMARC   []checks.Finding
	// CNAMEs are the records to publish in CNAME mode.
	CNAMEs []Record
}

// TermChange is one term of the SPF record to publish, compared with the
// published one.
type TermChange struct {
	Term   string `json:"term"`
	Change string `json:"change"` // kept, added or removed
}

// PlanHosted reads the SPF record and the DMARC policy for the transport
// being edited (from discovery, or looked up now when d is nil).
func PlanHosted(ctx context.Context, env *Env, s *State, d *Discovery) (*HostedPlan, error) {
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	plan := &HostedPlan{}
	if d != nil && d.Report != nil && d.Report.SPFPlan != nil {
		plan.SPF = d.Report.SPFPlan
	} else {
		plan.SPF = domaincheck.PlanSPF(ctx, env.DNS, s.Domain, p)
	}
	if sug := plan.SPF.Suggestion; sug != nil && !sug.Unchanged {
		plan.Changes = termChanges(plan.SPF.Analysis.Record, sug.Record)
	}
	if d != nil && d.Report != nil && d.Report.Checks.DMARC != nil {
		plan.DMARC = d.Report.Checks.DMARC.Findings
	}
	if p.DKIM.Mode == "cname" {
		plan.CNAMEs = Records(p, s.Domain, zoneOf(s.Domain), SPFRecord{}, nil)
		var only []Record
		for _, r := range plan.CNAMEs {
			if r.Type == "CNAME" {
				only = append(only, r)
			}
		}
		plan.CNAMEs = only
	}
	return plan, nil
}

// termChanges marks each term of the new record against the old one.
func termChanges(old, new string) []TermChange {
	oldTerms := map[string]bool{}
	if rec, err := spf.Parse(old); err == nil {
		for _, m := range rec.Mechanisms {
			oldTerms[m.Raw] = true
		}
	}
	var out []TermChange
	newTerms := map[string]bool{}
	if rec, err := spf.Parse(new); err == nil {
		for _, m := range rec.Mechanisms {
			newTerms[m.Raw] = true
			change := "added"
			if oldTerms[m.Raw] {
				change = "kept"
			}
			out = append(out, TermChange{Term: m.Raw, Change: change})
		}
	}
	if rec, err := spf.Parse(old); err == nil {
		for _, m := range rec.Mechanisms {
			if !newTerms[m.Raw] {
				out = append(out, TermChange{Term: m.Raw, Change: "removed"})
			}
		}
	}
	return out
}

// KeyAlgorithms are the key types to offer for the service, the one every
// receiver verifies first: the profile's list, else RSA-2048 and Ed25519
// (RFC 8463 keys are not yet verified everywhere, so never alone).
func KeyAlgorithms(p *transports.Provider) []dkimkey.Algorithm {
	if len(p.DKIM.Algorithms) == 0 {
		return []dkimkey.Algorithm{dkimkey.RSA2048, dkimkey.Ed25519}
	}
	out := make([]dkimkey.Algorithm, len(p.DKIM.Algorithms))
	for i, a := range p.DKIM.Algorithms {
		out[i] = dkimkey.Algorithm(a)
	}
	return out
}

// GenerateKey makes a DKIM key of algo for the transport being edited,
// keeps its private half in the keychain and its record in the state.
// The key must be of a kind the service signs with.
func GenerateKey(ctx context.Context, env *Env, s *State, algo dkimkey.Algorithm) (*transports.DKIMKey, error) {
	t, p, err := s.hostedTransport()
	if err != nil {
		return nil, err
	}
	if err := p.DKIM.CheckKey(p.Name, string(algo)); err != nil {
		return nil, transports.FieldErrors{{Field: "dkim.algorithm", Err: err}}
	}
	sel := t.Hosted.DKIM.Selector
	if sel == "" {
		sel = defaultDKIM(p, env.now()).Selector
	}
	key, err := dkimkey.Generate(ctx, algo)
	if err != nil {
		return nil, err
	}
	return s.keepKey(env, t, key, sel, transports.DKIMGenerate, false)
}

// ImportKey takes an existing private key (PEM, possibly encrypted: the
// password is asked through password) for the transport being edited. It
// returns warnings for a key that works but should be replaced.
func ImportKey(env *Env, s *State, pemData []byte, password dkimkey.PasswordFunc, selector string) (*transports.DKIMKey, []string, error) {
	t, p, err := s.hostedTransport()
	if err != nil {
		return nil, nil, err
	}
	if !p.DKIM.Import && p.ID != "custom" {
		return nil, nil, transports.FieldErrors{{Field: "dkim.mode", Err: texts.Err(transports.ErrConflict, texts.T("wizard.hosted.no-import", "%s does not take imported keys", p.Name))}}
	}
	sel, err := transports.NormalizeSelector(selector)
	if err != nil {
		return nil, nil, transports.FieldErrors{{Field: "dkim.selector", Err: err}}
	}
	key, warns, err := dkimkey.Import(pemData, password)
	if err != nil {
		return nil, nil, transports.FieldErrors{{Field: "dkim.key", Err: err}}
	}
	if err := p.DKIM.CheckKey(p.Name, string(key.Algorithm())); err != nil {
		return nil, nil, transports.FieldErrors{{Field: "dkim.key", Err: err}}
	}
	k, err := s.keepKey(env, t, key, sel, transports.DKIMImport, true)
	return k, warns, err
}

func (s *State) keepKey(env *Env, t *transports.Transport, key *dkimkey.Key, sel string, mode transports.DKIMMode, sameOK bool) (*transports.DKIMKey, error) {
	kept, err := KeepKey(env.Secrets, s.Domain, sel, key, sameOK, env.now())
	if err != nil {
		return nil, err
	}
	if old := s.Key(kept.Selector); old != nil {
		*old = kept
	} else {
		s.Keys = append(s.Keys, kept)
	}
	t.Hosted.DKIM = transports.DKIMSettings{Mode: mode, Selector: kept.Selector}
	return s.Key(kept.Selector), nil
}

// SignWithoutDKIM turns DKIM off for the transport being edited, when the
// service allows it: SPF alone then, which an enforcing DMARC refuses.
func SignWithoutDKIM(s *State) error {
	t, p, err := s.hostedTransport()
	if err != nil {
		return err
	}
	if !WithoutDKIMAllowed(p) {
		return transports.FieldErrors{{Field: "dkim.mode", Err: texts.Err(transports.ErrConflict,
			texts.T("wizard.hosted.cname", "%s hosts the DKIM keys itself: publish its CNAME records", p.Name))}}
	}
	t.Hosted.DKIM = transports.DKIMSettings{Mode: transports.DKIMNone}
	return nil
}

// SignWithDKIM undoes SignWithoutDKIM: the profile's DKIM mode again, with
// a selector dated now (a key already kept under it is used again).
func SignWithDKIM(s *State, now time.Time) error {
	t, p, err := s.hostedTransport()
	if err != nil {
		return err
	}
	t.Hosted.DKIM = defaultDKIM(p, now)
	return nil
}

// WithoutDKIMAllowed reports whether a hosted transport of p may send
// without a DKIM signature. A service that hosts the keys itself (CNAME
// delegation) always signs.
func WithoutDKIMAllowed(p *transports.Provider) bool { return p.DKIM.Mode != "cname" }

// SPFRefusal says why no SPF record is suggested (an error of
// spf.Suggest), in tr's language.
func SPFRefusal(tr *i18n.Translator, err error) string {
	var refusal *spf.Refusal
	switch {
	case errors.As(err, &refusal):
		return tr.Text(refusal.Why)
	case errors.Is(err, spf.ErrNothingToSuggest):
		return tr.X("spf.nothing_to_suggest", "the provider asks for no SPF change")
	}
	return strings.TrimPrefix(err.Error(), "spf: ")
}

func (s *State) hostedTransport() (*transports.Transport, *transports.Provider, error) {
	t := s.Current()
	if t == nil || t.Type != transports.Hosted || t.Hosted == nil {
		return nil, nil, fmt.Errorf("wizard: no hosted transport is being edited")
	}
	p, err := s.Profile()
	return t, p, err
}

func checkHosted(s *State) error {
	t, p, err := s.hostedTransport()
	if err != nil {
		return transports.FieldErrors{{Field: "type", Err: err}}
	}
	d := t.Hosted.DKIM
	switch {
	case p.DKIM.Mode == "cname" && d.Mode != transports.DKIMCNAME:
		return transports.FieldErrors{{Field: "dkim.mode", Err: texts.Err(transports.ErrConflict,
			texts.T("wizard.hosted.cname", "%s hosts the DKIM keys itself: publish its CNAME records", p.Name))}}
	case (d.Mode == transports.DKIMGenerate || d.Mode == transports.DKIMImport) && s.Key(d.Selector) == nil:
		return transports.FieldErrors{{Field: "dkim.key", Err: texts.Err(transports.ErrEmpty,
			texts.T("wizard.hosted.no-key", "no key yet for selector %s: generate one or import yours", d.Selector))}}
	}
	return t.Validate()
}

// zoneOf is the zone most DNS panels manage for domain: its
// organisational domain. The DNS step asks the name servers for the real
// cut when it polls.
func zoneOf(domain string) string { return dnsq.OrgDomain(domain) }
