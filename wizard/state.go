// Package wizard is the flow of the setup wizard without any user
// interface: the draft State, the steps with what each needs and checks,
// and saving and resuming the draft. The Fyne window (wizard/gui) and the
// terminal (wizard/cli) are two faces over it.
package wizard

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// DraftVersion is the version of the draft file format. Version 1 drafts
// (the service and the domain only) read as version 2 without change.
const DraftVersion = 2

// State is everything the admin entered so far: the draft saved after each
// change so that a crash or a closed window loses nothing. It never holds a
// secret: passwords and private keys go straight to the keychain and the
// state keeps their references.
type State struct {
	Version int       `json:"version"`
	Step    StepID    `json:"step,omitempty"`
	Saved   time.Time `json:"saved,omitzero"`
	Lang    i18n.Lang `json:"lang,omitempty"`

	// Provider is a built-in profile ID, or "custom" with Custom filled in
	// by the admin, or the path of a profile file a support desk provided.
	Provider string        `json:"provider,omitempty"`
	Custom   *CustomFields `json:"custom,omitempty"`

	Domain string `json:"domain,omitempty"`
	// Senders are the addresses the service sends as, or local parts of
	// the domain (normalised to addresses by the domain step).
	Senders []string `json:"senders,omitempty"`
	// DNSAccess is whether the admin can change the domain's DNS; nil
	// while not asked. It steers the recommended transport.
	DNSAccess *bool `json:"dns_access,omitempty"`

	// Transports are the transports in order, as the document holds them.
	Transports []transports.Transport `json:"transports,omitempty"`
	// Editing is 1 + the index of the transport the type and settings
	// steps work on; 0 when none is being edited.
	Editing int `json:"editing,omitempty"`
	// Keys are the DKIM keys made or imported: public halves and keychain
	// references. Retiring names the selectors being rotated out: kept in
	// the document while the new key's record propagates.
	Keys     []transports.DKIMKey `json:"keys,omitempty"`
	Retiring []string             `json:"retiring,omitempty"`
	// KeyPlans are key choices a preset answered ahead, by selector.
	KeyPlans []KeyPlan `json:"key_plans,omitempty"`

	// CodeTo is where verification codes go: a mailbox the admin reads.
	CodeTo string `json:"code_to,omitempty"`
	// DNS is what polling last saw of each record; DNSDeferred that the
	// admin chose to export before every record was seen.
	DNS         []transports.DNSFact `json:"dns,omitempty"`
	DNSDeferred bool                 `json:"dns_deferred,omitempty"`
	// TSIG is the key that published the records on the admin's own DNS
	// server (publish.go): its name and algorithm, never its secret.
	TSIG *TSIGKey `json:"tsig,omitempty"`
	// Evidence of the checks that passed, for the document.
	Evidence []transports.Evidence `json:"evidence,omitempty"`

	// FromExport is the document being changed, when the wizard was
	// started from one; Out is where the export goes.
	FromExport string `json:"from_export,omitempty"`
	Out        string `json:"out,omitempty"`
}

// Current is the transport being edited, or nil.
func (s *State) Current() *transports.Transport {
	if s.Editing < 1 || s.Editing > len(s.Transports) {
		return nil
	}
	return &s.Transports[s.Editing-1]
}

// CurrentType is the type of the transport being edited, or "".
func (s *State) CurrentType() transports.Type {
	if t := s.Current(); t != nil {
		return t.Type
	}
	return ""
}

// hasType reports whether any transport is of type typ.
func (s *State) hasType(typ transports.Type) bool {
	for _, t := range s.Transports {
		if t.Type == typ {
			return true
		}
	}
	return false
}

// Key returns the DKIM key kept under selector, or nil.
func (s *State) Key(selector string) *transports.DKIMKey {
	for i := range s.Keys {
		if s.Keys[i].Selector == selector {
			return &s.Keys[i]
		}
	}
	return nil
}

// addEvidence records a check, replacing an earlier one of the same check
// and transport: the document carries the latest result of each.
func (s *State) addEvidence(ev transports.Evidence) {
	for i, old := range s.Evidence {
		if old.Check == ev.Check && old.Transport == ev.Transport && old.Detail == ev.Detail {
			s.Evidence[i] = ev
			return
		}
	}
	s.Evidence = append(s.Evidence, ev)
}

// NewState returns an empty draft in the given language.
func NewState(lang i18n.Lang) *State {
	return &State{Version: DraftVersion, Step: StepWelcome, Lang: lang}
}

// Profile resolves the chosen provider to a profile: the built-in one, the
// profile file, or one built from the custom fields.
func (s *State) Profile() (*transports.Provider, error) {
	switch {
	case s.Provider == "":
		return nil, &transports.FieldError{Field: "provider", Err: transports.ErrEmpty}
	case s.Provider == "custom":
		return s.Custom.profile()
	}
	p, err := transports.LoadProvider(s.Provider)
	if err != nil {
		return nil, &transports.FieldError{Field: "provider", Err: err}
	}
	return p, nil
}

// CustomFields is what the admin types for a service without a profile,
// kept as typed (a half-finished range list must survive a restart too).
type CustomFields struct {
	Name           string `json:"name,omitempty"`
	SPFInclude     string `json:"spf_include,omitempty"`
	SendingRanges  string `json:"sending_ranges,omitempty"` // comma or space separated
	NoReplyAddress string `json:"noreply_address,omitempty"`
}

// profile turns the custom fields into a validated profile; errors name
// the field as the form shows it ("custom.spf_include").
func (c *CustomFields) profile() (*transports.Provider, error) {
	base, err := transports.LoadProvider("custom")
	if err != nil {
		return nil, err
	}
	p := *base
	if c == nil {
		c = &CustomFields{}
	}
	var errs transports.FieldErrors
	p.Name = strings.TrimSpace(c.Name)
	if p.Name == "" {
		errs = append(errs, &transports.FieldError{Field: "custom.name", Err: transports.ErrEmpty})
	} else if err := transports.CheckText(p.Name); err != nil {
		errs = append(errs, &transports.FieldError{Field: "custom.name", Err: err})
	}
	if inc := strings.TrimPrefix(strings.TrimSpace(c.SPFInclude), "include:"); inc != "" {
		if p.SPFInclude, err = transports.NormalizeDNSName(inc); err != nil {
			errs = append(errs, &transports.FieldError{Field: "custom.spf_include", Err: err})
		}
	}
	p.SendingRanges = splitList(c.SendingRanges)
	if c.NoReplyAddress != "" {
		a, err := transports.ParseAddress(c.NoReplyAddress)
		if err != nil {
			errs = append(errs, &transports.FieldError{Field: "custom.noreply_address", Err: err})
		}
		p.NoReplyAddress = a.String()
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := p.Validate(); err != nil {
		return nil, renameProfileFields(err)
	}
	return &p, nil
}

// renameProfileFields maps profile paths ("sending_ranges[1]") to the
// custom form's fields ("custom.sending_ranges").
func renameProfileFields(err error) error {
	var out transports.FieldErrors
	var list transports.FieldErrors
	if !errors.As(err, &list) {
		return err
	}
	for _, fe := range list {
		field := fe.Field
		if i := strings.IndexByte(field, '['); i >= 0 {
			field = field[:i]
		}
		out = append(out, &transports.FieldError{Field: "custom." + field, Err: fmt.Errorf("%s: %w", fe.Field, fe.Err)})
	}
	return out
}

func splitList(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(fields) == 0 {
		return nil
	}
	return fields
}
