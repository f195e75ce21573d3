// Package i18n translates the wizard's texts. The catalogs are the JSON
// files in resources/translations, in the flat key-to-text format fyne's
// lang package reads. We look them up ourselves because fyne's lang follows
// only the system locale (fyne-io/fyne#5333), while the admin chooses the
// language on the welcome step or with --lang, and the CLI, which has no
// Fyne, needs the same texts.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/jeandeaual/go-locale"

	"mailwizard/resources"
)

// Lang is a supported language code.
type Lang string

const (
	English Lang = "en"
	Dutch   Lang = "nl"
)

// Supported lists the languages in the order a chooser shows them.
var Supported = []Lang{English, Dutch}

// Name is the language's name in itself, as a chooser shows it.
func (l Lang) Name() string {
	switch l {
	case Dutch:
		return "Nederlands"
	}
	return "English"
}

// Parse accepts "nl", "NL", "nl_BE.UTF-8", "en-GB".
func Parse(s string) (Lang, error) {
	base := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(base, "-_."); i >= 0 {
		base = base[:i]
	}
	for _, l := range Supported {
		if string(l) == base {
			return l, nil
		}
	}
	return "", fmt.Errorf("language %q is not available: use en or nl", s)
}

// System returns the user's language if supported, else English.
func System() Lang {
	tags, err := locale.GetLocales()
	if err != nil {
		return English
	}
	for _, tag := range tags {
		if l, err := Parse(tag); err == nil {
			return l
		}
	}
	return English
}

var catalogs = sync.OnceValues(func() (map[Lang]map[string]string, error) {
	out := map[Lang]map[string]string{}
	for _, l := range Supported {
		raw, err := fs.ReadFile(resources.Translations(), string(l)+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("translations %s.json: %w", l, err)
		}
		out[l] = m
	}
	return out, nil
})

// Catalog returns the key-to-text map of one language (for tests).
func Catalog(l Lang) (map[string]string, error) {
	all, err := catalogs()
	if err != nil {
		return nil, err
	}
	return all[l], nil
}

// Translator renders texts in one language.
type Translator struct{ lang Lang }

// New returns a translator for l; an unknown language falls back to English.
func New(l Lang) *Translator {
	if _, err := Parse(string(l)); err != nil {
		l = English
	}
	return &Translator{lang: l}
}

// Lang is the language this translator renders.
func (t *Translator) Lang() Lang { return t.lang }

// X returns the text for key, or fallback (the English text) when the
// catalog lacks it. With args, the text is a fmt format.
func (t *Translator) X(key, fallback string, args ...any) string {
	text := fallback
	if all, err := catalogs(); err == nil {
		if s, ok := all[t.lang][key]; ok {
			text = s
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}
