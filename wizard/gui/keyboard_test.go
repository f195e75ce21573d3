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
	case *keyButton:
		return "button " + f.Text
	case *widget.Button:
		return "button " + f.Text
	case *keySelect:
		return "select " + f.Selected
	case *keyCheck:
		return "check " + f.Text
	case *keyEntry:
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
	// The language has the focus; Enter there does not move on before
	// a service is chosen.
	step("the welcome step", "select English")
	press(c, fyne.KeyReturn)
	if u.flow.Current().ID != wizard.StepWelcome {
		t.Fatalf("Enter with no service chosen: at %s", u.flow.Current().ID)
	}
	// Tab Space: the first service, chosen.
	c.FocusNext()
	step("Tab", "button ClockWise")
	press(c, fyne.KeySpace)
	if u.flow.State.Provider != "clockwise" {
		t.Fatalf("Space on the first service chose %q", u.flow.State.Provider)
	}
	// Enter on the chosen service moves on.
	press(c, fyne.KeyReturn)
	if u.flow.Current().ID != wizard.StepDomain {
		t.Fatalf("Enter on the chosen service: at %s", u.flow.Current().ID)
	}
	// The domain's field has the focus; Enter moves on.
	step("the domain step", "entry ")
	test.Type(c.Focused(), "example.nl")
	press(c, fyne.KeyReturn)
	if u.flow.Current().ID != wizard.StepTransportType || u.flow.State.Domain != "example.nl" {
		t.Fatalf("Enter: at %s with domain %q", u.flow.Current().ID, u.flow.State.Domain)
	}
	// The domain's field left with its page: what is typed now is not
	// written into the domain unseen.
	if f, ok := c.Focused().(*keyEntry); ok && f.Text == "example.nl" {
		t.Errorf("the domain step's field kept the keyboard on the next page")
	}
}

// press gives key to whatever has the focus, else to the window, as
// Fyne's desktop driver does.
func press(c fyne.Canvas, name fyne.KeyName) {
	k := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(k)
		return
	}
	c.OnTypedKey()(k)
}
