package gui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// shownTexts is every text a person sees in the window: labels whole (a
// wrapped label is drawn in pieces), other text as drawn.
func shownTexts(c fyne.Canvas) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
			return
		case *canvas.Text:
			out = append(out, o.Text)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(c.Content())
	return out
}

// The welcome step reads Dutch throughout for every service: no English
// text of ours (the catalog's) nor of the profile is on screen, and the
// profile's Dutch description is.
func TestWelcomeInDutchForEveryService(t *testing.T) {
	test.NewTempApp(t)
	en, _ := i18n.Catalog(i18n.English)
	nl, _ := i18n.Catalog(i18n.Dutch)
	var english []string // texts that differ between the languages
	for k, v := range en {
		if len(v) >= 12 && nl[k] != v {
			english = append(english, strings.SplitN(v, "%", 2)[0])
		}
	}
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.Dutch)
	ps, err := transports.BuiltinProviders()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		s := welcome(t, u)
		s.radio.SetSelected(s.radio.Options[i])
		if u.flow.State.Provider != p.ID {
			t.Fatalf("choice %q chose %q, want %s", s.radio.Options[i], u.flow.State.Provider, p.ID)
		}
		shown := strings.Join(shownTexts(w.Canvas()), "\n")
		profileTexts := append([]string{p.Description, p.SubsystemsNote, p.DKIM.Requires}, p.Notes...)
		for _, s := range append(profileTexts, english...) {
			if len(s) >= 12 && strings.Contains(shown, s) {
				t.Errorf("%s: English on the Dutch welcome step: %q", p.ID, s)
			}
		}
		if p.ID != "custom" && !strings.Contains(shown, p.Translations["nl"].Description) {
			t.Errorf("%s: the Dutch description is not shown:\n%s", p.ID, shown)
		}
	}
}
