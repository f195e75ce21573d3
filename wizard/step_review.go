package wizard

import (
	"fmt"
	"strings"
	"time"

	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard/i18n"
)

// The review step: what will be exported, with the evidence of each
// check, then the document written atomically (mode 0600), its secrets
// sealed to the service's key (or left in the keychain with how to hand
// them over), and what to do next at the service.

// Document composes the configuration document from the state: the
// transports in order with their rules, the DKIM keys they use (and any
// being rotated out), the DNS facts and the evidence, every check marked
// as run from the admin's desk. It holds no secret; Export adds them.
func Document(s *State, now time.Time, generator string) (*transports.Document, error) {
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	doc := &transports.Document{Version: transports.ConfigVersion, Generator: generator, Created: now.UTC().Truncate(time.Second),
		Provider: p.ID, Domain: s.Domain, Transports: append(transports.List(nil), s.Transports...)}
	for _, k := range s.Keys {
		if s.keyUsed(k.Selector) || s.retiring(k.Selector) {
			doc.DKIM = append(doc.DKIM, k)
		}
	}
	doc.DNS = append(doc.DNS, s.DNS...)
	for _, ev := range s.Evidence {
		if ev.Transport == "" || doc.Transports.Find(ev.Transport) != nil {
			doc.Evidence = append(doc.Evidence, ev)
		}
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	return doc, nil
}

func (s *State) keyUsed(selector string) bool {
	for _, t := range s.Transports {
		if t.Hosted != nil && t.Hosted.DKIM.Selector == selector {
			return true
		}
	}
	return false
}

func (s *State) retiring(selector string) bool {
	for _, r := range s.Retiring {
		if r == selector {
			return true
		}
	}
	return false
}

// ExportOptions say where the document goes and how its secrets travel.
type ExportOptions struct {
	Path      string
	Generator string // "mailwizard 1.2.3"
	// Plaintext puts the secrets in the file unsealed when the service
	// published no key to seal them to; only on the admin's explicit word.
	Plaintext bool
}

// Exported is what Export did.
type Exported struct {
	Path     string
	Document *transports.Document
	Warnings []string // about the secrets: sealed, in plain text, or left out
}

// DefaultOut is where the export goes when no path is given.
func DefaultOut(domain string) string { return domain + ".mailwizard.json" }

// Export writes the document: validated, secrets attached as the profile
// allows, written atomically with mode 0600. The evidence of the export is
// the document itself.
func Export(env *Env, s *State, opts ExportOptions) (*Exported, error) {
	if err := checkTransports(s); err != nil {
		return nil, err
	}
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	doc, err := Document(s, env.now(), opts.Generator)
	if err != nil {
		return nil, err
	}
	warns, err := secrets.AttachSecrets(doc, env.Secrets, secrets.ExportOptions{Recipient: p.SealingRecipient, Plaintext: opts.Plaintext})
	if err != nil {
		return nil, err
	}
	path := opts.Path
	if path == "" {
		path = orText(s.Out, DefaultOut(s.Domain))
	}
	if err := doc.WriteFile(path); err != nil {
		return nil, err
	}
	s.Out = path
	return &Exported{Path: path, Document: doc, Warnings: warns}, nil
}

func checkReview(s *State) error {
	if err := checkTransports(s); err != nil {
		return err
	}
	_, err := Document(s, time.Now(), "")
	return err
}

// NextSteps is what the admin does at the service after the export.
func NextSteps(tr *i18n.Translator, s *State, p *transports.Provider, path string) []string {
	steps := []string{tr.X("next.upload", "Upload %s in %s's settings for mail (its support desk can tell you where).", path, p.Name)}
	if s.hasType(transports.Hosted) && s.DNSDeferred {
		steps = append(steps, tr.X("next.dns", "Publish the DNS records still missing; run mailwizard poll %s --provider %s to see when every name server has them.", s.Domain, p.ID))
	}
	if len(s.Retiring) > 0 {
		steps = append(steps, tr.X("next.retire", "Keep the old DKIM record (%s) published for a week after the service signs with the new key, then delete it.", strings.Join(s.Retiring, ", ")))
	}
	if p.DKIM.Requires != "" && s.hasType(transports.Hosted) {
		steps = append(steps, tr.X("next.requires", "DKIM signing needs %s.", p.DKIM.Requires))
	}
	return append(steps, p.Notes...)
}

// EvidenceLines words the document's evidence for the review.
func EvidenceLines(tr *i18n.Translator, s *State) []string {
	var out []string
	for _, ev := range s.Evidence {
		who := ev.Transport
		if who == "" {
			who = s.Domain
		}
		state := tr.X("review.passed", "passed")
		if !ev.Passed {
			state = tr.X("review.failed", "failed")
		}
		out = append(out, fmt.Sprintf("%s %s: %s, %s (%s)", ev.At.Local().Format("2006-01-02 15:04"), who, ev.Check, state, ev.Detail))
	}
	return out
}
