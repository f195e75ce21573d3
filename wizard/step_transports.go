package wizard

import (
	"errors"
	"fmt"
	"strings"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The transports step: the ordered list the service tries top to bottom,
// the first whose rule fits the sender sending the mail. The admin adds,
// moves and removes transports and edits their rules (local part, domain
// with its subdomains, subsystem); a rule that can never match because
// one above it catches everything it would is warned about, and "which
// transport sends for ADDRESS?" is answered live.

// AddTransport starts a new transport: the type step comes next.
func AddTransport(f *Flow) {
	f.State.Editing = 0
	f.GoTo(StepTransportType)
}

// EditTransport opens transport i's settings step.
func EditTransport(f *Flow, i int) error {
	if i < 0 || i >= len(f.State.Transports) {
		return fmt.Errorf("wizard: there is no transport %d", i+1)
	}
	f.State.Editing = i + 1
	f.GoTo(StepTransportType)
	return nil
}

// MoveTransport moves transport i by delta places (-1 up, +1 down).
func MoveTransport(s *State, i, delta int) {
	j := i + delta
	if i < 0 || j < 0 || i >= len(s.Transports) || j >= len(s.Transports) {
		return
	}
	s.Transports[i], s.Transports[j] = s.Transports[j], s.Transports[i]
	switch s.Editing {
	case i + 1:
		s.Editing = j + 1
	case j + 1:
		s.Editing = i + 1
	}
}

// RemoveTransport removes transport i. Its keys and password stay in the
// keychain: `secrets forget` removes them, and a key may be in use.
func RemoveTransport(s *State, i int) {
	if i < 0 || i >= len(s.Transports) {
		return
	}
	s.Transports = append(s.Transports[:i], s.Transports[i+1:]...)
	switch {
	case s.Editing == i+1:
		s.Editing = 0
	case s.Editing > i+1:
		s.Editing--
	}
}

// SetRule sets transport i's match rule, normalised (an IDN domain to
// ASCII, a leading dot for subdomains kept).
func SetRule(s *State, i int, m transports.Match) error {
	if i < 0 || i >= len(s.Transports) {
		return fmt.Errorf("wizard: there is no transport %d", i+1)
	}
	n, err := m.Normalized()
	if err != nil {
		return prefixFields(fmt.Sprintf("transports[%d].match", i), err)
	}
	s.Transports[i].Match = n
	return nil
}

// ShadowWarnings words every rule that can never match.
func ShadowWarnings(tr *i18n.Translator, s *State) []string {
	var out []string
	list := transports.List(s.Transports)
	for _, sh := range list.ShadowedRules() {
		out = append(out, tr.X("transports.shadowed", "%q is never used: %q above it already takes every sender it would (%s). Move it up, or narrow the rule above.",
			list[sh.Index].Name, list[sh.By].Name, RuleWords(tr, list[sh.By].Match)))
	}
	return out
}

// RuleWords says which senders a rule takes, in the admin's language: in
// English what Match.String says ("*@example.nl and its subdomains
// (subsystem billing)", "any sender").
func RuleWords(tr *i18n.Translator, m transports.Match) string {
	local, domain := m.LocalPart, m.Domain
	var out string
	switch {
	case local == "" && domain == "":
		out = tr.X("rule.any", "any sender")
	case domain == "":
		out = tr.X("rule.any_domain", "%s@ any domain", local)
	case strings.HasPrefix(domain, "."):
		out = tr.X("rule.subdomains", "%s@%s and its subdomains", orText(local, "*"), domain[1:])
	default:
		out = orText(local, "*") + "@" + domain
	}
	if m.Subsystem != "" {
		out = tr.X("rule.subsystem", "%s (subsystem %s)", out, m.Subsystem)
	}
	return out
}

// Route says which transport sends for address and subsystem: its index,
// or -1 with the reason (no rule fits: the service's default sends).
func Route(s *State, address, subsystem string) (int, error) {
	return transports.List(s.Transports).Select(address, subsystem)
}

func checkTransports(s *State) error {
	if len(s.Transports) == 0 {
		return transports.FieldErrors{{Field: "transports", Err: texts.Err(transports.ErrEmpty, texts.T("wizard.transports.none", "no transport yet: add one"))}}
	}
	if err := transports.List(s.Transports).Validate(); err != nil {
		return prefixFields("transports", err)
	}
	for i, t := range s.Transports {
		if err := s.complete(t); err != nil {
			return transports.FieldErrors{{Field: fmt.Sprintf("transports[%d]", i), Err: err}}
		}
	}
	return nil
}

// complete says what a transport still lacks before it can be exported.
func (s *State) complete(t transports.Transport) error {
	switch {
	case t.Hosted != nil && (t.Hosted.DKIM.Mode == transports.DKIMGenerate || t.Hosted.DKIM.Mode == transports.DKIMImport) && s.Key(t.Hosted.DKIM.Selector) == nil:
		return texts.Err(transports.ErrEmpty, texts.T("wizard.transports.no-key", "%q has no DKIM key yet", t.Name))
	case t.SMTP != nil && !s.HasEvidence(CheckSMTPVerify, t.Name) && !s.HasEvidence(CheckSMTPSendAs, t.Name):
		return texts.Err(transports.ErrEmpty, texts.T("wizard.transports.unverified", "%q is not verified with a code yet", t.Name))
	}
	return nil
}

// prefixFields puts path before the field names of err.
func prefixFields(path string, err error) error {
	var list transports.FieldErrors
	var one *transports.FieldError
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = transports.FieldErrors{one}
	default:
		return transports.FieldErrors{{Field: path, Err: err}}
	}
	out := make(transports.FieldErrors, len(list))
	for i, fe := range list {
		field := path
		if fe.Field != "" {
			if fe.Field[0] == '[' {
				field += fe.Field
			} else {
				field += "." + fe.Field
			}
		}
		out[i] = &transports.FieldError{Field: field, Err: fe.Err}
	}
	return out
}
