package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne gives a key to the focused widget alone, and its buttons, checks,
// selects and radio items drop Enter and Escape: with one of them focused,
// Enter would not move on and Escape would not cancel a running check. The
// widgets here pass those two keys on to the wizard and keep the rest
// (Space presses or toggles, arrows move).
//
// Enter follows the macOS rule, which suits a wizard: Return is the
// default button's (Next), Space is the focused control's. Where Next is
// not yet enabled, Enter presses the focused button instead, so the step's
// own action (make the key, send the code) is never a dead key.

// enterMode says what Enter does on a focused keyButton.
type enterMode int

const (
	// enterMovesOn: Next if it is enabled, else this button.
	enterMovesOn enterMode = iota
	// enterPresses: this button (Back, Next, Cancel: they are the moves).
	enterPresses
	// enterChooses: choose this option, then Next if that enabled it.
	enterChooses
)

// moveOn presses Next if it is enabled, and says whether it did.
func (u *ui) moveOn() bool {
	if u.next == nil || u.next.Disabled() || u.running() {
		return false
	}
	u.goNext()
	return true
}

// wizardKey handles Enter and Escape for a focused control; enter is what
// Enter does there. It reports whether the key was one of the two.
func (u *ui) wizardKey(k *fyne.KeyEvent, enter func()) bool {
	switch k.Name {
	case fyne.KeyEscape:
		u.cancelTask()
	case fyne.KeyReturn, fyne.KeyEnter:
		enter()
	default:
		return false
	}
	return true
}

// keyButton is a button that passes Enter and Escape to the wizard.
type keyButton struct {
	widget.Button
	u    *ui
	mode enterMode
}

// newButton and newIconButton make a page's button: Enter on it moves on
// when it can.
func (u *ui) newButton(label string, tapped func()) *keyButton {
	return u.newKeyButton(label, nil, tapped, enterMovesOn)
}

func (u *ui) newIconButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	return u.newKeyButton(label, icon, tapped, enterMovesOn)
}

func (u *ui) newKeyButton(label string, icon fyne.Resource, tapped func(), mode enterMode) *keyButton {
	b := &keyButton{u: u, mode: mode}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) press() {
	if !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeySpace {
		// Fyne's button drops the focus when pressed, so Tab would start
		// again at the top of the page; a keyboard press keeps it here.
		b.press()
		return
	}
	if !b.u.wizardKey(k, func() {
		switch b.mode {
		case enterPresses:
			b.press()
		case enterChooses:
			b.press()
			b.u.moveOn()
		default:
			if !b.u.moveOn() {
				b.press()
			}
		}
	}) {
		b.Button.TypedKey(k)
	}
}

// keyCheck is a check box: Space toggles it, Enter moves on.
type keyCheck struct {
	widget.Check
	u *ui
}

func (u *ui) newCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{u: u}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(k *fyne.KeyEvent) {
	if !c.u.wizardKey(k, func() { c.u.moveOn() }) {
		c.Check.TypedKey(k)
	}
}

// keySelect is a drop-down: Space and the arrows choose, Enter moves on.
type keySelect struct {
	widget.Select
	u *ui
}

func (u *ui) newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{u: u}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if !s.u.wizardKey(k, func() { s.u.moveOn() }) {
		s.Select.TypedKey(k)
	}
}

// radioList is a choice of one among a few options, one button per
// option: Fyne's RadioGroup items cannot pass Enter on. Space or a click
// chooses; Enter chooses and moves on. Choosing the chosen one keeps it.
type radioList struct {
	widget.BaseWidget
	Options   []string
	Selected  string
	OnChanged func(string)

	items []*keyButton
	box   *fyne.Container
}

func (u *ui) newRadioList(options []string, changed func(string)) *radioList {
	r := &radioList{Options: options, OnChanged: changed}
	objs := make([]fyne.CanvasObject, len(options))
	for i, o := range options {
		b := u.newKeyButton(o, theme.RadioButtonIcon(), func() { r.SetSelected(o) }, enterChooses)
		b.Alignment, b.Importance = widget.ButtonAlignLeading, widget.LowImportance
		r.items = append(r.items, b)
		objs[i] = b
	}
	// Options stacked without gaps and as wide as the longest, as radio
	// buttons are: a full-width button would light up across the page.
	r.box = container.NewHBox(container.New(layout.NewCustomPaddedVBoxLayout(0), objs...))
	r.ExtendBaseWidget(r)
	return r
}

// SetSelected chooses option v ("" for none) and tells OnChanged when
// that is a change.
func (r *radioList) SetSelected(v string) {
	if v == r.Selected {
		return
	}
	r.Selected = v
	for i, b := range r.items {
		icon := theme.RadioButtonIcon()
		if r.Options[i] == v {
			icon = theme.RadioButtonCheckedIcon()
		}
		b.SetIcon(icon)
	}
	if r.OnChanged != nil {
		r.OnChanged(v)
	}
}

func (r *radioList) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.box)
}

// keyEntry is a text field whose Escape cancels a running check; Enter
// is its OnSubmitted (see submitOnEnter).
type keyEntry struct {
	widget.Entry
	u *ui
}

func (u *ui) newEntry() *keyEntry {
	e := &keyEntry{u: u}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry hides what is typed, with an eye button to show it
// (Fyne's own revealer cannot be given to an extended entry).
func (u *ui) newPasswordEntry() *keyEntry {
	e := u.newEntry()
	e.Password = true
	var eye *widget.Button
	eye = widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), func() {
		e.Password = !e.Password
		if e.Password {
			eye.SetIcon(theme.VisibilityOffIcon())
		} else {
			eye.SetIcon(theme.VisibilityIcon())
		}
		e.Refresh()
	})
	eye.Importance = widget.LowImportance
	e.ActionItem = eye
	return e
}

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.u.running() {
		e.u.cancelTask()
		return
	}
	e.Entry.TypedKey(k)
}
