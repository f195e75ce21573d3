package wizard

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	"mailwizard/transports"
	"mailwizard/transports/atomicfile"
)

// A support desk writes a preset once per customer and mails it; the
// customer's admin opens it with a double-click. So a preset is checked
// where it is written and again, the same way, before it is sent:
// whatever the wizard would refuse on the admin's desk is refused here.

// CheckPreset reads the preset at path as the wizard would open it on a
// new machine (no draft): the fields on their own, then against the
// service. It returns the answers the wizard would start with.
func CheckPreset(path string) (*Preset, *State, error) {
	p, err := LoadPreset(path)
	if err != nil {
		return nil, nil, err
	}
	s := NewState("")
	if err := p.Apply(s); err != nil {
		return nil, nil, err
	}
	if s.Provider != "" {
		if _, err := s.Profile(); err != nil {
			return nil, nil, err
		}
	}
	return p, s, nil
}

// WritePreset checks p as CheckPreset would read it back from path and
// writes it there atomically; a profile file it names is written relative
// to the preset, so the two travel together. Nothing is written when a
// field is wrong.
func WritePreset(p *Preset, path string) error {
	out := *p
	out.Version = PresetVersion
	dir := filepath.Dir(path)
	if fileProvider(out.Provider) {
		if abs, err := filepath.Abs(out.Provider); err == nil {
			if absDir, err := filepath.Abs(dir); err == nil {
				if rel, err := filepath.Rel(absDir, abs); err == nil {
					out.Provider = filepath.ToSlash(rel)
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return err
	}
	back, err := parsePreset(buf.Bytes(), dir)
	if err != nil {
		return err
	}
	if err := back.Apply(NewState("")); err != nil {
		return err
	}
	// 0644: a preset holds no secret (parsePreset refused any), and the
	// desk mails it.
	return atomicfile.Write(path, buf.Bytes(), 0o644)
}

// fileProvider reports whether provider names a profile file (one that
// exists) rather than a built-in.
func fileProvider(provider string) bool {
	if provider == "" || provider == "custom" {
		return false
	}
	ps, err := transports.BuiltinProviders()
	if err != nil {
		return false
	}
	for _, p := range ps {
		if p.ID == provider {
			return false
		}
	}
	fi, err := os.Stat(provider)
	return err == nil && fi.Mode().IsRegular()
}
