package transports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProviderIn(t *testing.T) {
	so, err := LoadProvider("spinoffice")
	if err != nil {
		t.Fatal(err)
	}
	english := *so
	nl := so.In("nl")
	if nl.Description == so.Description || !strings.Contains(nl.Description, "uw domein") {
		t.Errorf("Dutch description %q", nl.Description)
	}
	if nl.DKIM.Requires != "de Pro-versie van SpinOffice" {
		t.Errorf("Dutch DKIM condition %q", nl.DKIM.Requires)
	}
	if len(nl.Notes) != 1 || !strings.Contains(nl.Notes[0], "CNAME-records") {
		t.Errorf("Dutch notes %q", nl.Notes)
	}
	// Everything that is not a text stays, and the profile itself is left
	// as it was: it is shared by the faces.
	if nl.SPFInclude != so.SPFInclude || len(nl.DKIM.CNAMEs) != 3 || nl.Name != "SpinOffice" {
		t.Errorf("Dutch profile lost facts: %+v", nl)
	}
	if so.Description != english.Description || so.DKIM.Requires != english.DKIM.Requires || so.Notes[0] != english.Notes[0] {
		t.Errorf("In changed the profile itself: %+v", so)
	}
	for _, lang := range []string{"en", "", "de"} {
		if got := so.In(lang); got != so {
			t.Errorf("In(%q) is not the profile as written", lang)
		}
	}
	// A text a translation leaves out reads as written.
	p := &Provider{Description: "English", Notes: []string{"note"}, Translations: map[string]ProviderTexts{"nl": {Description: "Nederlands"}}}
	if q := p.In("nl"); q.Description != "Nederlands" || q.Notes[0] != "note" {
		t.Errorf("partial translation: %+v", q)
	}
}

// Every built-in profile reads Dutch throughout: each of its texts has a
// Dutch one, which is not the English left in place.
func TestBuiltinProfilesHaveDutch(t *testing.T) {
	ps, err := BuiltinProviders()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		nl, ok := p.Translations["nl"]
		if !ok {
			t.Errorf("%s has no Dutch texts", p.ID)
			continue
		}
		test := func(field, en, dutch string) {
			t.Helper()
			if en != "" && (dutch == "" || dutch == en) {
				t.Errorf("%s: %s has no Dutch (%q)", p.ID, field, dutch)
			}
		}
		test("description", p.Description, nl.Description)
		test("subsystems_note", p.SubsystemsNote, nl.SubsystemsNote)
		test("dkim.requires", p.DKIM.Requires, nl.DKIM.Requires)
		if len(p.Notes) > 0 && len(nl.Notes) != len(p.Notes) {
			t.Errorf("%s: %d notes, %d in Dutch", p.ID, len(p.Notes), len(nl.Notes))
		}
		for i := range nl.Notes {
			test("notes", p.Notes[i], nl.Notes[i])
		}
	}
}

func TestProviderTranslationsAreChecked(t *testing.T) {
	dir := t.TempDir()
	load := func(translations string) (*Provider, error) {
		t.Helper()
		body := `{"id": "acme", "name": "Acme Mailer", "description": "Sends invoices.", "transports": ["hosted"],
		  "dkim": {"mode": "generate"}, "notes": ["One.", "Two."], "translations": ` + translations + `}`
		path := filepath.Join(dir, "profile.json")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return LoadProvider(path)
	}
	p, err := load(`{"nl": {"description": "Verstuurt facturen.", "notes": ["Een.", "Twee."]}, "de": {"description": "Versendet Rechnungen."}}`)
	if err != nil {
		t.Fatalf("good translations: %v", err)
	}
	if p.In("de").Description != "Versendet Rechnungen." || p.In("nl").Notes[1] != "Twee." {
		t.Errorf("loaded %+v", p.Translations)
	}
	test := func(translations, field, says string) {
		t.Helper()
		_, err := load(translations)
		if err == nil {
			t.Errorf("accepted: %s", translations)
			return
		}
		if FirstField(err) != field || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: error %q, want field %q saying %q", translations, err, field, says)
		}
	}
	test(`{"en": {"description": "Sends bills."}}`, "translations.en", "own texts are the English")
	test(`{"NL": {"description": "x"}}`, "translations.NL", "not a language code")
	test(`{"nl": {"notes": ["Een."]}}`, "translations.nl.notes", "has 1 notes, the profile 2")
	test(`{"nl": {"subsystems_note": "Let op."}}`, "translations.nl.subsystems_note", "does not have")
	test(`{"nl": {"dkim": {"requires": "Pro"}}}`, "translations.nl.dkim.requires", "does not have")
	test(`{"nl": {"description": "bel\u001b[2J"}}`, "translations.nl.description", "")
	test(`{"nl": {"colour": "blauw"}}`, "translations.nl.colour", "not a field of this format")
}
