package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
			objs = append(objs, newTodoStep(title))
			continue
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

// todoStep is a step still to do: its title where a button's would be,
// in the foreground colour a little lighter. Not a disabled button: the
// disabled colour is nearly the background (#39393a on #171718 in the
// dark theme, #e3e3e3 on white in the light), and the admin reads the
// outline to know what is ahead. Nor a disabled button under a theme
// override: every override loads the fonts again into a cache of its own
// that is never freed, which cost the window 20 MiB. Not focusable and
// not tappable, so Tab and a click pass it by, as each such step needs the
// steps before it.
type todoStep struct {
	widget.BaseWidget
	title string
}

func newTodoStep(title string) *todoStep {
	t := &todoStep{title: title}
	t.ExtendBaseWidget(t)
	return t
}

func (t *todoStep) CreateRenderer() fyne.WidgetRenderer {
	r := &todoRenderer{step: t, text: canvas.NewText(t.title, nil)}
	r.text.TextStyle = fyne.TextStyle{Bold: true} // as the buttons above it
	r.Refresh()
	return r
}

type todoRenderer struct {
	step *todoStep
	text *canvas.Text
}

// padding is a button's inner padding, so the titles line up.
func (r *todoRenderer) padding() float32 {
	return r.step.Theme().Size(theme.SizeNameInnerPadding)
}

func (r *todoRenderer) Layout(size fyne.Size) {
	min := r.text.MinSize()
	r.text.Resize(min)
	r.text.Move(fyne.NewPos(r.padding(), (size.Height-min.Height)/2))
}

// MinSize is a button's: its text or an inline icon, whichever is taller,
// within the padding.
func (r *todoRenderer) MinSize() fyne.Size {
	p, min := r.padding(), r.text.MinSize()
	return fyne.NewSize(min.Width+2*p, max(min.Height, r.step.Theme().Size(theme.SizeNameInlineIcon))+2*p)
}

// Refresh takes the colour from the theme now in use: 80% of the
// foreground over the background, 5:1 on white and 9:1 on the dark
// background (WCAG asks 4.5:1 of text).
func (r *todoRenderer) Refresh() {
	th := r.step.Theme()
	c := color.NRGBAModel.Convert(th.Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())).(color.NRGBA)
	c.A = 0xcc
	r.text.Text, r.text.Color, r.text.TextSize = r.step.title, c, th.Size(theme.SizeNameText)
	r.text.Refresh()
}

func (r *todoRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }
func (r *todoRenderer) Destroy()                     {}
