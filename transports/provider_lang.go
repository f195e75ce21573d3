package transports

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"mailwizard/texts"
)

// ProviderTexts are a profile's words for people in one language. They
// carry the names of the profile's own text fields, each optional: a text
// left out is shown as the profile writes it. The service's name is a
// name and is not translated. The profile's own texts are
// English, so a profile file without translations reads English, as
// before translations existed.
type ProviderTexts struct {
	Description    string            `json:"description,omitempty"`
	SubsystemsNote string            `json:"subsystems_note,omitempty"`
	DKIM           ProviderDKIMTexts `json:"dkim,omitzero"`
	// Notes, when given, stand for the profile's notes one for one.
	Notes []string `json:"notes,omitempty"`
}

// ProviderDKIMTexts translate the DKIM section's one text.
type ProviderDKIMTexts struct {
	Requires string `json:"requires,omitempty"`
}

// In returns the profile with its texts in lang ("nl") where it has them,
// else p itself. Faces call it where they show a profile's words.
func (p *Provider) In(lang string) *Provider {
	tr, ok := p.Translations[lang]
	if !ok {
		return p
	}
	q := *p
	set := func(dst *string, s string) {
		if s != "" {
			*dst = s
		}
	}
	set(&q.Description, tr.Description)
	set(&q.SubsystemsNote, tr.SubsystemsNote)
	set(&q.DKIM.Requires, tr.DKIM.Requires)
	if len(tr.Notes) > 0 {
		q.Notes = tr.Notes
	}
	return &q
}

// langCode is an ISO 639 code: the translation keys.
var langCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// validateTranslations checks each translation against the profile: a
// text that the profile lacks, or a different number of notes, is a
// translation gone stale, and would show the admin something the English
// does not say.
func (p *Provider) validateTranslations() error {
	var errs FieldErrors
	for _, lang := range slices.Sorted(maps.Keys(p.Translations)) {
		tr := p.Translations[lang]
		at := "translations." + lang
		if !langCode.MatchString(lang) {
			errs.add(at, texts.Err(ErrSyntax, texts.T("field.provider.lang-code", "%q is not a language code such as nl", lang)))
			continue
		}
		if lang == "en" {
			errs.add(at, texts.Err(ErrUnknownValue, texts.T("field.provider.lang-en", "the profile's own texts are the English ones")))
			continue
		}
		text := func(field, s, original string) {
			if s == "" {
				return
			}
			if original == "" {
				errs.add(at+"."+field, texts.Err(ErrConflict, texts.T("field.provider.translates-nothing", "translates a text the profile does not have")))
				return
			}
			errs.add(at+"."+field, CheckText(s))
		}
		text("description", tr.Description, p.Description)
		text("subsystems_note", tr.SubsystemsNote, p.SubsystemsNote)
		text("dkim.requires", tr.DKIM.Requires, p.DKIM.Requires)
		if len(tr.Notes) > 0 && len(tr.Notes) != len(p.Notes) {
			errs.add(at+".notes", texts.Err(ErrConflict, texts.T("field.provider.notes-count", "has %d notes, the profile %d: translate each note", len(tr.Notes), len(p.Notes))))
		}
		for i, n := range tr.Notes {
			errs.add(fmt.Sprintf("%s.notes[%d]", at, i), CheckText(n))
		}
	}
	return errs.err()
}
