package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard/i18n"
)

// An exported document can be opened again to change it: add a transport,
// change SMTP settings, or rotate a DKIM key. The state is rebuilt from
// the document; its secrets stay where they are (the keychain of the
// computer that made it, or sealed inside it).

// FromDocument reads an exported document into a new state that resumes at
// the transports step, and exports over the same file by default.
func FromDocument(path string, lang i18n.Lang) (*State, error) {
	doc, err := transports.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// A version 1 document's evidence is stamped with the settings it
	// holds, so its proofs still count until those settings change.
	doc.Upgrade()
	s := NewState(lang)
	s.Provider, s.Domain = doc.Provider, doc.Domain
	if _, err := s.Profile(); err != nil {
		return nil, texts.Err(err,
			texts.T("wizard.export.unknown-provider", "%s names provider %q, which this mailwizard does not know: open it with --preset naming the profile file: %v", path, doc.Provider, err))
	}
	s.Transports = append([]transports.Transport(nil), doc.Transports...)
	s.Keys = append([]transports.DKIMKey(nil), doc.DKIM...)
	s.DNS = append([]transports.DNSFact(nil), doc.DNS...)
	s.Evidence = append([]transports.Evidence(nil), doc.Evidence...)
	// The senders are not part of the document, but the proofs name the
	// addresses they used: a new proof then uses the same ones.
	for _, ev := range doc.Evidence {
		if _, err := senderAddress(ev.Sender, s.Domain); ev.Sender != "" && err == nil && !slices.ContainsFunc(s.Senders, func(x string) bool { return strings.EqualFold(x, ev.Sender) }) {
			s.Senders = append(s.Senders, ev.Sender)
		}
	}
	for _, k := range doc.DKIM {
		if !s.keyUsed(k.Selector) {
			s.Retiring = append(s.Retiring, k.Selector)
		}
	}
	// Editing the first transport lets the flow's checks walk through to
	// the transports step, which is where a re-opened document starts.
	s.FromExport, s.Out, s.Step, s.Editing = path, path, StepTransports, 1
	return s, nil
}

// RotateKey gives hosted transport i a new key under a new dated selector.
// The old key stays in the document (Retiring) while the new record
// propagates: mail signed before the switch still verifies, and the
// service can sign with the new key once its record is seen. The DNS step
// then asks for the new record.
func RotateKey(ctx context.Context, env *Env, s *State, i int, algo dkimkey.Algorithm) (*transports.DKIMKey, error) {
	if i < 0 || i >= len(s.Transports) || s.Transports[i].Hosted == nil {
		return nil, fmt.Errorf("wizard: transport %d is not a hosted transport", i+1)
	}
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	t := &s.Transports[i]
	old := t.Hosted.DKIM.Selector
	prefix := p.DKIM.DefaultSelector
	if prefix == "" {
		prefix = p.ID
	}
	sel := dkimkey.SuggestSelector(prefix, env.now())
	if sel == old || s.Key(sel) != nil {
		sel = dkimkey.SuggestSelector(prefix, env.now()) + "b"
	}
	s.Editing = i + 1
	t.Hosted.DKIM.Selector = sel
	k, err := GenerateKey(ctx, env, s, algo)
	if err != nil {
		t.Hosted.DKIM.Selector = old
		return nil, err
	}
	if old != "" && !s.retiring(old) {
		s.Retiring = append(s.Retiring, old)
	}
	s.DNSDeferred = false
	return k, nil
}

// RetireAfter is how long an old DKIM record should stay published after
// the service switched to the new key: mail in queues and forwarded mail
// is verified against it for days.
const RetireAfter = 7 * 24 * time.Hour

// DropRetired takes the rotated-out keys out of the document: once the
// service has signed with the new key for RetireAfter, nothing verifies
// against the old record any more and it can be deleted from the DNS too.
// It returns the selectors dropped.
func DropRetired(s *State) []string {
	dropped := s.Retiring
	s.Retiring = nil
	keep := s.Keys[:0]
	for _, k := range s.Keys {
		if s.keyUsed(k.Selector) || !slices.Contains(dropped, k.Selector) {
			keep = append(keep, k)
		}
	}
	s.Keys = keep
	return dropped
}

// RetiredRecordNames are the DNS names of the records of dropped keys,
// which the admin deletes: "clockwise-202601._domainkey.example.nl".
func RetiredRecordNames(selectors []string, domain string) []string {
	out := make([]string, len(selectors))
	for i, sel := range selectors {
		out[i] = sel + "._domainkey." + domain
	}
	return out
}

// Rotatable lists the hosted transports whose key this wizard made or
// imported: those whose key can be rotated here (CNAME keys are the
// service's to rotate).
func Rotatable(s *State) []int {
	var out []int
	for i, t := range s.Transports {
		if t.Hosted != nil && (t.Hosted.DKIM.Mode == transports.DKIMGenerate || t.Hosted.DKIM.Mode == transports.DKIMImport) {
			out = append(out, i)
		}
	}
	return out
}
