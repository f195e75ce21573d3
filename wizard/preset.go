package wizard

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// Preset is what a support desk fills in ahead for an admin: every answer
// that is not a secret (the service, the domain and its senders, the
// transports with their settings and rules, the DKIM choices). Given with
// --preset FILE; the format is resources/schema/preset.schema.json. Every
// value is checked as if the admin had typed it, and an error names the
// field, so a bad preset is refused before a single question is asked.
type Preset struct {
	Version    int               `json:"version,omitempty"`
	Provider   string            `json:"provider,omitempty"` // built-in ID, "custom", or a profile file, relative to the preset
	Custom     *CustomFields     `json:"custom,omitempty"`   // with provider "custom": what its profile would say
	Domain     string            `json:"domain,omitempty"`
	Lang       string            `json:"lang,omitempty"`
	Senders    []string          `json:"senders,omitempty"`
	DNSAccess  *bool             `json:"dns_access,omitempty"`
	CodeTo     string            `json:"code_to,omitempty"`
	Transports []PresetTransport `json:"transports,omitempty"`

	dir string // the preset's directory: relative files are found there
}

// PresetVersion is the newest preset format this mailwizard reads.
const PresetVersion = 1

// maxPresetSize bounds a preset file: a support desk's answers.
const maxPresetSize = 256 << 10

// LoadPreset reads and checks a preset file; errors name the field. What
// depends on the service (which transport types and DKIM modes it offers)
// is checked by Apply, once the service is known.
func LoadPreset(path string) (*Preset, error) {
	raw, err := transports.ReadSmallFile(path, maxPresetSize)
	if err != nil {
		return nil, texts.Err(err, texts.T("wizard.preset.read", "reading preset: %v", err))
	}
	p, err := parsePreset(raw, filepath.Dir(path))
	if err != nil {
		return nil, texts.Err(err, texts.T("wizard.preset.file", "preset %s: %v", path, err))
	}
	return p, nil
}

// parsePreset checks in the order that gives the most useful message:
// secrets first (never echo them back as "unknown field"), then the
// version, then the schema (unknown fields and wrong types, by path), then
// the values as typed input.
func parsePreset(raw []byte, dir string) (*Preset, error) {
	if err := refuseSecrets(raw); err != nil {
		return nil, err
	}
	var head struct {
		Version json.Number `json:"version"`
	}
	if json.Unmarshal(raw, &head) == nil && head.Version != "" {
		if n, err := head.Version.Int64(); err == nil && n > PresetVersion {
			return nil, transports.FieldErrors{{Field: "version", Err: texts.Err(transports.ErrFutureVersion,
				texts.T("wizard.preset.newer", "is %d: this preset was written for a newer mailwizard; update mailwizard to use it: %v", n, transports.ErrFutureVersion))}}
		}
	}
	if err := transports.CheckSchema("preset", raw); err != nil {
		return nil, err
	}
	p := &Preset{dir: dir}
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, err // the schema passed: cannot happen, but never panic
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// refuseSecrets names a password or key put in a preset: the file would
// travel by mail and sit on disks, and a secret there is a leak already.
func refuseSecrets(raw []byte) error {
	var probe struct {
		Transports []struct {
			SMTP *struct {
				Password    *json.RawMessage `json:"password"`
				PasswordRef *json.RawMessage `json:"password_ref"`
			} `json:"smtp"`
			Hosted *struct {
				DKIM *struct {
					PrivateKey *json.RawMessage `json:"private_key"`
				} `json:"dkim"`
			} `json:"hosted"`
		} `json:"transports"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return nil // not JSON: the schema check says where
	}
	var errs transports.FieldErrors
	for i, t := range probe.Transports {
		if t.SMTP != nil && (t.SMTP.Password != nil || t.SMTP.PasswordRef != nil) {
			field := "password"
			if t.SMTP.Password == nil {
				field = "password_ref"
			}
			errs = append(errs, &transports.FieldError{Field: fmt.Sprintf("transports[%d].smtp.%s", i, field), Err: errSecretInPreset})
		}
		if t.Hosted != nil && t.Hosted.DKIM != nil && t.Hosted.DKIM.PrivateKey != nil {
			errs = append(errs, &transports.FieldError{Field: fmt.Sprintf("transports[%d].hosted.dkim.private_key", i),
				Err: texts.Err(transports.ErrConflict,
					texts.T("wizard.preset.private-key", "a preset holds no private key: name the PEM file with key_file instead; it goes straight into the keychain"))})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

var errSecretInPreset = texts.Err(transports.ErrConflict,
	texts.T("wizard.preset.password", "a preset holds no password: setup asks for it (without echo), or reads it from the variable --password-env names; it then goes to the keychain"))

// check checks what needs no service: the provider can be found, the
// domain, senders and addresses are well formed, each transport's own
// fields are valid.
func (p *Preset) check() error {
	var errs transports.FieldErrors
	if p.Provider != "" {
		if _, err := transports.LoadProvider(p.Provider); err != nil {
			// A profile file named relative to the preset travels with it.
			rel := filepath.Join(p.dir, p.Provider)
			if _, err2 := transports.LoadProvider(rel); err2 == nil {
				p.Provider = rel
			} else {
				errs = append(errs, &transports.FieldError{Field: "provider", Err: err})
			}
		}
	}
	if p.Custom != nil {
		if p.Provider != "custom" {
			errs = append(errs, &transports.FieldError{Field: "custom", Err: texts.Err(transports.ErrConflict, texts.T("wizard.preset.custom-only", `is only for provider "custom"`))})
		} else if _, err := p.Custom.profile(); err != nil {
			var fes transports.FieldErrors
			if !errors.As(err, &fes) {
				fes = transports.FieldErrors{{Field: "custom", Err: err}}
			}
			errs = append(errs, fes...)
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
	if p.CodeTo != "" {
		a, err := transports.ParseAddress(p.CodeTo)
		if err != nil {
			errs = append(errs, &transports.FieldError{Field: "code_to", Err: err})
		}
		p.CodeTo = a.String()
	}
	if p.Domain != "" {
		for i, raw := range p.Senders {
			if _, err := senderAddress(raw, p.Domain); err != nil {
				errs = append(errs, &transports.FieldError{Field: fmt.Sprintf("senders[%d]", i), Err: err})
			}
		}
	}
	for i := range p.Transports {
		if err := p.Transports[i].check(p.dir); err != nil {
			errs = append(errs, prefixFields(fmt.Sprintf("transports[%d]", i), err).(transports.FieldErrors)...)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Apply fills what the admin has not answered yet: a resumed draft keeps
// what the admin typed. Transports are taken only into a draft that has
// none, checked against the service (which the draft may have chosen).
func (p *Preset) Apply(s *State) error {
	if s.Provider == "" {
		s.Provider = p.Provider
		if p.Custom != nil && s.Custom == nil {
			c := *p.Custom
			s.Custom = &c
		}
	}
	if s.Domain == "" {
		s.Domain = p.Domain
	}
	if l, err := i18n.Parse(p.Lang); err == nil && s.Lang == "" {
		s.Lang = l
	}
	if len(s.Senders) == 0 && s.Domain != "" {
		// The draft's domain may differ from the preset's: the senders
		// must belong to the domain the admin is setting up.
		for i, raw := range p.Senders {
			if _, err := senderAddress(raw, s.Domain); err != nil {
				return transports.FieldErrors{{Field: fmt.Sprintf("senders[%d]", i), Err: err}}
			}
		}
		s.Senders = append([]string(nil), p.Senders...)
	}
	if s.DNSAccess == nil && p.DNSAccess != nil {
		v := *p.DNSAccess
		s.DNSAccess = &v
	}
	if s.CodeTo == "" {
		s.CodeTo = p.CodeTo
	}
	if len(s.Transports) > 0 || len(p.Transports) == 0 {
		return nil
	}
	return p.applyTransports(s)
}

// Conflicts words the preset's answers that the draft answered otherwise:
// the draft wins, and the admin should know the preset was not followed.
func (p *Preset) Conflicts(tr *i18n.Translator, s *State, draftPath string) []string {
	var out []string
	if p.Provider != "" && s.Provider != "" && p.Provider != s.Provider {
		out = append(out, tr.X("preset.other_service", "The preset names the service %q, but your saved answers chose %q: keeping yours. To start over with the preset, delete %s.", p.Provider, s.Provider, draftPath))
	}
	if p.Domain != "" && s.Domain != "" && p.Domain != s.Domain {
		out = append(out, tr.X("preset.other_domain", "The preset names the domain %s, but your saved answers have %s: keeping yours.", p.Domain, s.Domain))
	}
	if len(p.Transports) > 0 && len(s.Transports) > 0 {
		out = append(out, tr.X("preset.own_transports", "The preset's transports are not used: your saved answers have transports already."))
	}
	return out
}

// FirstIncomplete is the first transport that still lacks something
// before it can be exported (a key, a verified code), or -1: transports
// answered ahead by a preset are taken one after the other.
func FirstIncomplete(s *State) int {
	for i, t := range s.Transports {
		if s.complete(t) != nil || t.SMTP != nil && strings.TrimSpace(t.SMTP.Host) == "" {
			return i
		}
	}
	return -1
}
