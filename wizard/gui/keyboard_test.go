package gui

import (
	"fmt"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

func focusedName(c fyne.Canvas) string {
	switch f := c.Focused().(type) {
	case nil:
		return "nothing"
	case *widget.Button:
		return "button " + f.Text
	case *widget.Select:
		return "select " + f.Selected
	case *widget.Entry:
		return "entry " + f.Text
	default:
		return fmt.Sprintf("%T", f)
	}
}

// The keys scripts/smoke.sh presses on the real binary, walked headless:
// if this fails after a page changed its fields, change both.
func TestKeyboardWalk(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	c := w.Canvas()
	step := func(what string, want string) {
		t.Helper()
		if got := focusedName(c); got != want {
			t.Fatalf("%s: focus on %s, want %s", what, got, want)
		}
	}
	// Tab Tab Space: the language, then the first service, chosen.
	c.FocusNext()
	step("Tab", "select English")
	c.FocusNext()
	c.Focused().TypedRune(' ')
	if u.flow.State.Provider != "clockwise" {
		t.Fatalf("Space on the first service chose %q", u.flow.State.Provider)
	}
	// Shift+Tab thrice: the language, the outline, Next; Space presses it.
	c.FocusPrevious()
	c.FocusPrevious()
	c.FocusPrevious()
	step("Shift+Tab ×3", "button Next")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if u.flow.Current().ID != wizard.StepDomain {
		t.Fatalf("Space on Next: at %s", u.flow.Current().ID)
	}
	// The domain's field has the focus; Enter moves on.
	step("the domain step", "entry ")
	test.Type(c.Focused(), "example.nl")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.flow.Current().ID != wizard.StepTransportType || u.flow.State.Domain != "example.nl" {
		t.Fatalf("Enter: at %s with domain %q", u.flow.Current().ID, u.flow.State.Domain)
	}
	// The domain's field left with its page: what is typed now is not
	// written into the domain unseen.
	if f, ok := c.Focused().(*widget.Entry); ok && f.Text == "example.nl" {
		t.Errorf("the domain step's field kept the keyboard on the next page")
	}
}
