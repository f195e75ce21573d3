package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// field is one input with its name, an explanation of what to enter and
// why, and a line that shows what is wrong with it.
type field struct {
	box   *fyne.Container
	input fyne.CanvasObject
	err   *widget.Label
}

func newField(label, help string, input fyne.CanvasObject) *field {
	name := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	explain := widget.NewLabel(help)
	explain.Wrapping = fyne.TextWrapWord
	// Plain, not italic: each text style makes Fyne load and keep one
	// more font, the theme's and a system fallback (about 8 MB resident
	// and 25 ms at start for italic alone; bench/window.sh).
	errLabel := widget.NewLabel("")
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Importance = widget.DangerImportance
	errLabel.Hide()
	objs := []fyne.CanvasObject{name}
	if help != "" {
		objs = append(objs, explain)
	}
	objs = append(objs, input, errLabel)
	return &field{box: container.NewVBox(objs...), input: input, err: errLabel}
}

// mark shows msg under the input (and on an Entry, its error state); an
// empty msg clears it.
func (f *field) mark(msg string) {
	if e, ok := f.input.(interface{ SetValidationError(error) }); ok {
		if msg == "" {
			e.SetValidationError(nil)
		} else {
			e.SetValidationError(errText(msg))
		}
	}
	f.err.SetText(msg)
	setVisible(f.err, msg != "")
	f.box.Refresh() // relayout: a shown or hidden line changes the height
}

// setVisible shows or hides o; empty labels are hidden so they take no room.
func setVisible(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

// setNote sets a label's text and hides it when empty.
func setNote(l *widget.Label, text string) {
	l.SetText(text)
	setVisible(l, text != "")
}

// errText is a message as an error value for Entry.SetValidationError.
type errText string

func (e errText) Error() string { return string(e) }

// markAll applies errs to the fields by their State path; messages for
// fields this page does not show go to other.
func markAll(fields map[string]*field, errs map[string]string, other *widget.Label) {
	var rest string
	for path, f := range fields {
		f.mark(errs[path])
	}
	for path, msg := range errs {
		if _, shown := fields[path]; !shown {
			if rest != "" {
				rest += "\n"
			}
			rest += msg
		}
	}
	if other != nil {
		other.Importance = widget.DangerImportance
		setNote(other, rest)
	}
}

// problemStep is a page that says why the step cannot be shown, such as
// the own-server steps for a transport of another type.
type problemStep struct{ box *fyne.Container }

func newProblemStep(msg string) *problemStep {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return &problemStep{box: container.NewVBox(l)}
}

func (s *problemStep) content() fyne.CanvasObject   { return s.box }
func (s *problemStep) markErrors(map[string]string) {}
