package wizard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// Preset is what a support desk fills in ahead for an admin: the service,
// the domain, the language. Given with --preset FILE.
type Preset struct {
	Provider string `json:"provider,omitempty"` // built-in ID or a profile file, relative to the preset
	Domain   string `json:"domain,omitempty"`
	Lang     string `json:"lang,omitempty"`
}

// maxPresetSize bounds a preset file: a support desk's few answers.
const maxPresetSize = 64 << 10

// LoadPreset reads and checks a preset file; errors name the field.
func LoadPreset(path string) (*Preset, error) {
	raw, err := transports.ReadSmallFile(path, maxPresetSize)
	if err != nil {
		return nil, fmt.Errorf("reading preset: %w", err)
	}
	var p Preset
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("preset %s: %w", path, err)
	}
	var errs transports.FieldErrors
	if p.Provider != "" {
		if _, err := transports.LoadProvider(p.Provider); err != nil {
			// A profile file named relative to the preset travels with it.
			rel := filepath.Join(filepath.Dir(path), p.Provider)
			if _, err2 := transports.LoadProvider(rel); err2 == nil {
				p.Provider = rel
			} else {
				errs = append(errs, &transports.FieldError{Field: "provider", Err: err})
			}
		}
	}
	if p.Domain != "" {
		d, err := transports.NormalizeDomain(p.Domain)
		if err != nil {
			errs = append(errs, &transports.FieldError{Field: "domain", Err: err})
		}
		p.Domain = d
	}
	if p.Lang != "" {
		if _, err := i18n.Parse(p.Lang); err != nil {
			errs = append(errs, &transports.FieldError{Field: "lang", Err: err})
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("preset %s: %w", path, errs)
	}
	return &p, nil
}

// Apply fills the fields the admin has not answered yet: a resumed draft
// keeps what the admin typed.
func (p *Preset) Apply(s *State) {
	if s.Provider == "" {
		s.Provider = p.Provider
	}
	if s.Domain == "" {
		s.Domain = p.Domain
	}
	if l, err := i18n.Parse(p.Lang); err == nil && s.Lang == "" {
		s.Lang = l
	}
}
