package gui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/wizard/i18n"
)

// Fyne's own dialogs speak the language chosen on the welcome step, not
// the system's (Fyne has no Dutch of its own).
func TestFyneDialogsSpeakTheChosenLanguage(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	yes := func() string {
		d := dialog.NewConfirm("?", "?", func(bool) {}, w)
		d.Show()
		defer d.Hide()
		top := w.Canvas().Overlays().Top()
		for _, want := range []string{"Yes", "Ja"} {
			if _, ok := findWidget(top, func(b *widget.Button) bool { return b.Text == want }); ok {
				return want
			}
		}
		return "neither"
	}
	if got := yes(); got != "Yes" {
		t.Errorf("in English the confirm button says %s", got)
	}
	u.setLang(i18n.Dutch)
	if got := yes(); got != "Ja" {
		t.Errorf("in Dutch the confirm button says %s", got)
	}
	if got := lang.L("Save"); got != "Opslaan" {
		t.Errorf("in Dutch the file dialog's Save says %q", got)
	}
	u.setLang(i18n.English)
	if got := yes(); got != "Yes" {
		t.Errorf("back in English the confirm button says %s", got)
	}
}
