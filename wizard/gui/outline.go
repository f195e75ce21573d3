package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/wizard"
)

// The outline lists the steps that apply now: the ones done (a click goes
// back to them), the current one, and those still to do (not clickable:
// each needs the steps before it).

// refreshOutline shows the steps that apply now, and the position among
// them in the header: a chosen transport type changes both.
func (u *ui) refreshOutline() {
	n, total := u.flow.Position()
	u.position.SetText(u.tr.X("header.position", "Step %d of %d", n, total))
	steps := u.flow.Outline()
	current := u.flow.Current().ID
	done := true
	objs := make([]fyne.CanvasObject, 0, len(steps))
	for _, st := range steps {
		title := st.Short(u.tr)
		var b *keyButton
		switch {
		case st.ID == current:
			done = false
			b = u.newKeyButton(title, theme.NavigateNextIcon(), nil, enterPresses)
			b.Importance = widget.HighImportance
		case done:
			id := st.ID
			b = u.newKeyButton(title, theme.ConfirmIcon(), func() { u.goTo(id) }, enterPresses)
			b.Importance = widget.LowImportance
		default:
			b = u.newKeyButton(title, nil, nil, enterPresses)
			b.Importance = widget.LowImportance
			b.Disable()
		}
		b.Alignment = widget.ButtonAlignLeading
		if b.Disabled() {
			objs = append(objs, container.NewThemeOverride(b, todoTheme{}))
		} else {
			objs = append(objs, b)
		}
	}
	u.outline.Objects = objs
	u.outline.Refresh()
}

// goTo goes back to a step that is done.
func (u *ui) goTo(id wizard.StepID) {
	if u.running() || !u.mayLeave() {
		return
	}
	if u.flow.GoTo(id) {
		u.changed()
		u.setStatus("", false)
		u.show()
	}
}

func newOutline() *fyne.Container { return container.NewVBox() }

// todoTheme draws the steps still to do in the foreground colour, a
// little lighter, instead of the disabled colour: that is nearly the
// background (#39393a on #171718 in the dark theme, #e3e3e3 on white in
// the light), and the admin reads the outline to know what is ahead.
// They stay disabled buttons, so Tab and a click pass them by.
type todoTheme struct{}

func (todoTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t todoTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n != theme.ColorNameDisabled {
		return t.base().Color(n, v)
	}
	// 80% of the foreground over the background: 5:1 on white, 9:1 on
	// the dark background (WCAG asks 4.5:1 of text).
	c := color.NRGBAModel.Convert(t.base().Color(theme.ColorNameForeground, v)).(color.NRGBA)
	c.A = 0xcc
	return c
}

func (t todoTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t todoTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }
func (t todoTheme) Size(n fyne.ThemeSizeName) float32       { return t.base().Size(n) }
