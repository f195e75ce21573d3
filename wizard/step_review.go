package wizard

import (
	"strings"
	"time"

	"mailwizard/checks/smtp"
	"mailwizard/texts"
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
		// Evidence of a transport that is gone, or taken with settings the
		// transport no longer has, proves nothing about this document.
		if s.applies(ev) {
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
	Warnings []texts.Text // about the secrets: sealed, in plain text, or left out
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
	p = p.In(string(tr.Lang()))
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

// EvidenceLines words the evidence the document will carry, one line a
// check: what passed, when (UTC, as the document says), against which
// server, and what it saw.
func EvidenceLines(tr *i18n.Translator, s *State) []string {
	var out []string
	for _, ev := range s.Evidence {
		if s.applies(ev) {
			out = append(out, evidenceLine(tr, orText(ev.Transport, s.Domain), ev))
		}
	}
	return out
}

// PassedLine words the passed check of name for the transport that still
// applies to its settings now, or is "" when there is none: what a page
// shows of a check made in an earlier session.
func PassedLine(tr *i18n.Translator, s *State, check, transport string) string {
	for i := len(s.Evidence) - 1; i >= 0; i-- {
		ev := s.Evidence[i]
		if ev.Check == check && ev.Passed && strings.EqualFold(ev.Transport, transport) && s.applies(ev) {
			return evidenceLine(tr, transport, ev)
		}
	}
	return ""
}

func evidenceLine(tr *i18n.Translator, who string, ev transports.Evidence) string {
	state := tr.X("review.passed", "passed")
	if !ev.Passed {
		state = tr.X("review.failed", "failed")
	}
	line := tr.X("review.evidence", "%s: %s %s %s", who, ev.Check, state, ev.At.UTC().Format("2006-01-02 15:04 UTC"))
	if ev.Server != "" {
		line += " " + tr.X("review.at_server", "at %s", ev.Server)
	}
	var seen []string
	if t := ev.TLS; t != nil {
		seen = append(seen, t.Version)
		until := t.NotAfter.UTC().Format("2006-01-02")
		switch {
		case t.Subject == "":
		case t.Verified:
			seen = append(seen, tr.X("review.cert", "certificate %s (valid until %s)", t.Subject, until))
		default:
			seen = append(seen, tr.X("review.cert_unverified", "certificate %s (valid until %s, not verified)", t.Subject, until))
		}
	}
	if ev.Auth != "" {
		seen = append(seen, authWords(tr, ev.Auth))
	}
	if ev.Record != "" && len(ev.Nameservers) > 0 {
		seen = append(seen, tr.X("review.seen_on", "%s seen on %s", ev.Record, strings.Join(ev.Nameservers, ", ")))
	}
	var then string
	switch {
	case ev.Sender != "" && (ev.Check == CheckSMTPVerify || ev.Check == CheckSMTPSendAs):
		then = tr.X("review.code_confirmed", "code sent as %s confirmed", ev.Sender)
	case ev.Sender != "" && ev.Check == CheckSMTPTest:
		then = tr.X("review.sender_accepted", "sender %s accepted", ev.Sender)
	case ev.Check == CheckVerdict:
		then = tr.X("review.verdict", "a message from %s as received; %s", ev.Sender, ev.Detail)
	case len(seen) == 0:
		then = ev.Detail // evidence of version 1 has only its sentence
	}
	if len(seen) > 0 {
		line += ": " + strings.Join(seen, ", ")
		if then != "" {
			line += "; " + then
		}
	} else if then != "" {
		line += ": " + then
	}
	return line
}

// authWords translates the evidence's login outcome, which the document
// keeps in English.
func authWords(tr *i18n.Translator, auth string) string {
	if auth == smtp.AuthAllowListed {
		return tr.X("review.auth_allowlist", "no login: the service's IP ranges are allow-listed")
	}
	if mech, ok := strings.CutSuffix(auth, " accepted"); ok {
		return tr.X("review.auth_ok", "%s accepted", mech)
	}
	return auth
}
