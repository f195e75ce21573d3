package wizard

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// PresetTransport is a transport answered ahead: the export's own shape
// (so a support desk can copy from a document) without what only the
// admin's desk can supply: passwords, keys, evidence. What it leaves out
// takes the same default the wizard offers, or is asked.
type PresetTransport struct {
	Name    string                      `json:"name,omitempty"`
	Match   *transports.Match           `json:"match,omitempty"` // nil: every sender of the domain
	Type    transports.Type             `json:"type"`
	Hosted  *PresetHosted               `json:"hosted,omitempty"`
	NoReply *transports.NoReplySettings `json:"noreply,omitempty"`
	SMTP    *PresetSMTP                 `json:"smtp,omitempty"`
}

// PresetHosted holds the DKIM choices of a hosted transport.
type PresetHosted struct {
	DKIM PresetDKIM `json:"dkim"`
}

// PresetDKIM is how the key is made: mode and selector as in the export,
// plus the algorithm to generate or the PEM file to import.
type PresetDKIM struct {
	Mode      transports.DKIMMode `json:"mode,omitempty"`
	Selector  string              `json:"selector,omitempty"`
	Algorithm string              `json:"algorithm,omitempty"`
	KeyFile   string              `json:"key_file,omitempty"`
}

// PresetSMTP is the own server's settings without the password.
type PresetSMTP struct {
	Host       string                `json:"host,omitempty"`
	Port       int                   `json:"port,omitempty"`
	Encryption transports.Encryption `json:"encryption,omitempty"`
	CertCheck  transports.CertCheck  `json:"cert_check,omitempty"`
	Auth       transports.AuthMode   `json:"auth,omitempty"`
	Username   string                `json:"username,omitempty"`
	Mode       transports.SendMode   `json:"mode,omitempty"`
}

// KeyPlan is a DKIM key answered ahead for a selector: generated with
// Algorithm, or imported from KeyFile when the hosted step makes it.
type KeyPlan struct {
	Selector  string `json:"selector"`
	Algorithm string `json:"algorithm,omitempty"`
	KeyFile   string `json:"key_file,omitempty"`
}

// KeyPlan returns the plan for selector, or nil.
func (s *State) KeyPlan(selector string) *KeyPlan {
	for i := range s.KeyPlans {
		if s.KeyPlans[i].Selector == selector {
			return &s.KeyPlans[i]
		}
	}
	return nil
}

// check validates the fields as typed input, normalising them (IDN
// domains and hosts to ASCII, selectors to lower case).
func (pt *PresetTransport) check(dir string) error {
	var errs transports.FieldErrors
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, prefixFields(field, err).(transports.FieldErrors)...)
		}
	}
	if err := transports.CheckText(pt.Name); err != nil {
		add("name", err)
	}
	if pt.Match != nil {
		m, err := pt.Match.Normalized()
		if err == nil {
			err = m.Validate()
		}
		add("match", err)
		*pt.Match = m
	}
	if h := pt.Hosted; h != nil {
		add("hosted.dkim", h.DKIM.check(dir))
	}
	if pt.SMTP != nil {
		set := pt.SMTP.settings()
		add("smtp", presetSMTPErrors(set.Validate()))
		pt.SMTP.Host = set.Host
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (d *PresetDKIM) check(dir string) error {
	var errs transports.FieldErrors
	if d.Selector != "" {
		sel, err := transports.NormalizeSelector(d.Selector)
		if err != nil {
			errs = append(errs, &transports.FieldError{Field: "selector", Err: err})
		}
		d.Selector = sel
	}
	if d.Mode == transports.DKIMNone && d.Selector != "" || d.Mode == transports.DKIMCNAME && d.Selector != "" {
		errs = append(errs, &transports.FieldError{Field: "selector", Err: texts.Err(transports.ErrConflict,
			texts.T("wizard.preset.selector-unused", "is set, but with mode %s this wizard makes no key", d.Mode))})
	}
	if d.Algorithm != "" {
		if _, err := dkimkey.ParseAlgorithm(d.Algorithm); err != nil {
			errs = append(errs, &transports.FieldError{Field: "algorithm", Err: err})
		} else if d.Mode != "" && d.Mode != transports.DKIMGenerate {
			errs = append(errs, &transports.FieldError{Field: "algorithm", Err: texts.Err(transports.ErrConflict,
				texts.T("wizard.preset.algorithm-import", "is for mode generate: an imported key has its own"))})
		}
	}
	if d.KeyFile != "" {
		if d.Mode != transports.DKIMImport {
			errs = append(errs, &transports.FieldError{Field: "key_file", Err: texts.Err(transports.ErrConflict,
				texts.T("wizard.preset.key-file-mode", `is for mode "import": set the mode too`))})
		}
		if !filepath.IsAbs(d.KeyFile) {
			d.KeyFile = filepath.Join(dir, d.KeyFile)
		}
		if fi, err := os.Stat(d.KeyFile); err != nil {
			errs = append(errs, &transports.FieldError{Field: "key_file", Err: err})
		} else if !fi.Mode().IsRegular() {
			errs = append(errs, &transports.FieldError{Field: "key_file", Err: texts.Err(nil, texts.T("wizard.preset.key-file-not-file", "%s is not a file", d.KeyFile))})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// settings fills the defaults the wizard's form starts with.
func (ps *PresetSMTP) settings() transports.SMTPSettings {
	s := transports.SMTPSettings{Host: ps.Host, Port: ps.Port, Encryption: ps.Encryption, CertCheck: ps.CertCheck,
		Auth: ps.Auth, Username: ps.Username, Mode: ps.Mode}
	if s.Encryption == "" {
		s.Encryption = transports.EncryptSTARTTLS
	}
	if s.Port == 0 {
		s.Port = transports.DefaultPort(s.Encryption)
	}
	if s.CertCheck == "" {
		s.CertCheck = transports.CertStrict
	}
	if s.Auth == "" {
		s.Auth = transports.AuthPassword
	}
	if s.Mode == "" {
		s.Mode = transports.ModeRelay
	}
	if h, err := transports.NormalizeHost(s.Host); err == nil {
		s.Host = h
	}
	return s
}

// presetSMTPErrors keeps the errors a preset can have: a missing host or
// username is asked, and the password reference comes from the keychain.
func presetSMTPErrors(err error) error {
	var list transports.FieldErrors
	if !errors.As(err, &list) {
		return err
	}
	var out transports.FieldErrors
	for _, fe := range list {
		switch {
		case fe.Field == "password_ref":
		case (fe.Field == "host" || fe.Field == "username") && errors.Is(fe.Err, transports.ErrEmpty):
		default:
			out = append(out, fe)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// applyTransports turns the preset's transports into the draft's, with
// the checks that need the service: the types and DKIM modes it offers,
// the key types it signs with. The wizard then takes them one by one.
func (p *Preset) applyTransports(s *State) error {
	prof, err := s.Profile()
	if err != nil {
		return transports.FieldErrors{{Field: "transports", Err: texts.Err(transports.ErrEmpty, texts.T("wizard.preset.no-service", "need the service: name it in the preset's provider"))}}
	}
	var errs transports.FieldErrors
	var list []transports.Transport
	var plans []KeyPlan
	now := time.Now()
	for i, pt := range p.Transports {
		field := fmt.Sprintf("transports[%d]", i)
		t, plan, err := pt.transport(prof, s.Domain, now)
		if err != nil {
			errs = append(errs, prefixFields(field, err).(transports.FieldErrors)...)
			continue
		}
		for _, other := range list {
			if t.Name != "" && strings.EqualFold(other.Name, t.Name) {
				errs = append(errs, &transports.FieldError{Field: field + ".name", Err: texts.Err(transports.ErrConflict,
					texts.T("wizard.preset.name-taken", "%q is taken by an earlier transport: names must differ", t.Name))})
			}
		}
		list = append(list, t)
		if plan != nil {
			plans = append(plans, *plan)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	s.Transports, s.KeyPlans = list, plans
	for i := range s.Transports {
		if s.Transports[i].Name == "" {
			s.Transports[i].Name = s.uniqueName(defaultName(s, prof, s.Transports[i].Type), i)
		}
	}
	s.Editing = 1
	return nil
}

// transport builds one transport from its preset, with the wizard's
// defaults for what is left out.
func (pt PresetTransport) transport(p *transports.Provider, domain string, now time.Time) (transports.Transport, *KeyPlan, error) {
	t := transports.Transport{Name: strings.TrimSpace(pt.Name), Type: pt.Type}
	if !p.Supports(pt.Type) {
		return t, nil, transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrUnknownValue,
			texts.T("wizard.type.not-offered", "%s does not offer %s transports", p.Name, pt.Type))}}
	}
	switch {
	case pt.Match != nil:
		t.Match = *pt.Match
	case domain == "":
		return t, nil, transports.FieldErrors{{Field: "match", Err: texts.Err(transports.ErrEmpty,
			texts.T("wizard.preset.no-match", "is missing, and the preset names no domain: give one of them"))}}
	default:
		t.Match = transports.Match{Domain: domain}
	}
	var plan *KeyPlan
	switch pt.Type {
	case transports.Hosted:
		var d PresetDKIM
		if pt.Hosted != nil {
			d = pt.Hosted.DKIM
		}
		dkim, err := d.settings(p, now)
		if err != nil {
			return t, nil, prefixFields("hosted.dkim", err)
		}
		t.Hosted = &transports.HostedSettings{DKIM: dkim}
		if d.Algorithm != "" || d.KeyFile != "" {
			plan = &KeyPlan{Selector: dkim.Selector, Algorithm: d.Algorithm, KeyFile: d.KeyFile}
		}
	case transports.NoReply:
		t.NoReply = &transports.NoReplySettings{}
		if pt.NoReply != nil {
			*t.NoReply = *pt.NoReply
		}
	case transports.SMTP:
		var ps PresetSMTP
		if pt.SMTP != nil {
			ps = *pt.SMTP
		}
		set := ps.settings()
		t.SMTP = &set
	}
	return t, plan, nil
}

// settings resolves the DKIM choices against what the service offers.
func (d PresetDKIM) settings(p *transports.Provider, now time.Time) (transports.DKIMSettings, error) {
	def := defaultDKIM(p, now)
	mode := d.Mode
	if mode == "" {
		mode = def.Mode
		if d.KeyFile != "" {
			mode = transports.DKIMImport
		}
	}
	allowed := map[transports.DKIMMode]bool{transports.DKIMNone: WithoutDKIMAllowed(p)}
	switch p.DKIM.Mode {
	case "cname":
		allowed[transports.DKIMCNAME] = true
	case "generate":
		allowed[transports.DKIMGenerate] = true
		allowed[transports.DKIMImport] = p.DKIM.Import || p.ID == "custom"
	}
	if !allowed[mode] {
		return def, transports.FieldErrors{{Field: "mode", Err: texts.Err(transports.ErrConflict, texts.T("wizard.preset.mode-not-offered", "%s does not offer DKIM mode %s", p.Name, mode))}}
	}
	if d.Algorithm != "" {
		if err := p.DKIM.CheckKey(p.Name, d.Algorithm); err != nil {
			return def, transports.FieldErrors{{Field: "algorithm", Err: err}}
		}
	}
	out := transports.DKIMSettings{Mode: mode}
	if mode == transports.DKIMGenerate || mode == transports.DKIMImport {
		out.Selector = d.Selector
		if out.Selector == "" {
			out.Selector = def.Selector
		}
	}
	return out, nil
}
