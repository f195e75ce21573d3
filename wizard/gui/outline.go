package gui

import (
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
		objs = append(objs, b)
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
