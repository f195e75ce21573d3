package gui

import (
	"errors"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// stepView is one page. Views read the State when built and write each
// change back through ui.changed; they never decide where the flow goes.
type stepView interface {
	content() fyne.CanvasObject
	// markErrors shows each message next to its field (keys are State
	// field paths such as "domain" or "custom.spf_include"); an empty map
	// clears the marks.
	markErrors(map[string]string)
}

// ui is the window's frame: a header with the step's title and position,
// the step's page, and Back/Next with a status line.
type ui struct {
	win   fyne.Window
	sess  *wizard.Session
	flow  *wizard.Flow
	tr    *i18n.Translator
	saver *wizard.Autosaver

	title    *widget.Label
	position *widget.Label
	page     *fyne.Container
	status   *widget.Label
	back     *widget.Button
	next     *widget.Button
	view     stepView
}

func newUI(w fyne.Window, sess *wizard.Session) *ui {
	u := &ui{win: w, sess: sess, flow: sess.Flow}
	u.saver = wizard.NewAutosaver(sess.Drafts, func(err error) {
		fyne.Do(func() { u.setStatus(u.tr.X("status.save_failed", "Your answers could not be saved: %v", err), true) })
	})
	u.build()
	for _, n := range sess.Notices {
		u.setStatus(n, true)
	}
	return u
}

// build (re)creates every widget in the current language.
func (u *ui) build() {
	u.tr = i18n.New(u.flow.State.Lang)
	u.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.title.SizeName = "headingText"
	u.position = widget.NewLabel("")
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord
	u.back = widget.NewButton(u.tr.X("button.back", "Back"), u.goBack)
	u.next = widget.NewButton(u.tr.X("button.next", "Next"), u.goNext)
	u.next.Importance = widget.HighImportance
	u.page = container.NewStack()

	header := container.NewBorder(nil, widget.NewSeparator(), nil, u.position, u.title)
	footer := container.NewBorder(widget.NewSeparator(), nil, nil, container.NewHBox(u.back, u.next), u.status)
	u.win.SetContent(withMinSize(container.NewBorder(header, footer, nil, nil, container.NewPadded(u.page))))
	u.show()
}

// show renders the flow's current step.
func (u *ui) show() {
	step := u.flow.Current()
	u.title.SetText(step.Title(u.tr))
	n, total := u.flow.Position()
	u.position.SetText(u.tr.X("header.position", "Step %d of %d", n, total))
	u.view = u.viewFor(step.ID)
	u.page.Objects = []fyne.CanvasObject{container.NewVScroll(u.view.content())}
	u.page.Refresh()
	if u.flow.CanBack() {
		u.back.Enable()
	} else {
		u.back.Disable()
	}
	if u.flow.AtEnd() {
		u.next.SetText(u.tr.X("button.finish", "Finish"))
	} else {
		u.next.SetText(u.tr.X("button.next", "Next"))
	}
}

func (u *ui) viewFor(id wizard.StepID) stepView {
	switch id {
	case wizard.StepWelcome:
		return newWelcomeStep(u)
	case wizard.StepDomain:
		return newDomainStep(u)
	}
	return newSummaryStep(u)
}

// changed is called by views after they copied an edit into the State.
func (u *ui) changed() {
	u.saver.Save(u.flow.State)
}

func (u *ui) goNext() {
	if u.flow.AtEnd() {
		u.changed()
		u.win.Close()
		return
	}
	err := u.flow.Next()
	u.changed()
	if err != nil {
		u.view.markErrors(errorsByField(u.tr, err))
		u.relayout()
		u.setStatus(u.tr.X("status.fix_fields", "Please correct the marked fields."), true)
		return
	}
	u.setStatus("", false)
	u.show()
}

func (u *ui) goBack() {
	u.flow.Back()
	u.changed()
	u.setStatus("", false)
	u.show()
}

// setLang switches the language and rebuilds the window's widgets.
func (u *ui) setLang(l i18n.Lang) {
	if l == u.flow.State.Lang {
		return
	}
	u.flow.State.Lang = l
	u.changed()
	u.build()
}

func (u *ui) setStatus(msg string, problem bool) {
	u.status.SetText(msg)
	if problem {
		u.status.Importance = widget.DangerImportance
	} else {
		u.status.Importance = widget.MediumImportance
	}
	u.status.Refresh()
}

// relayout re-lays the page out after a view showed or hid a line: a
// container refresh lays out its children top-down, the scroll included.
func (u *ui) relayout() { u.page.Refresh() }

// close flushes the draft when the window has closed.
func (u *ui) close() { u.saver.Close() }

// errorsByField maps an error to field path -> message; an error that
// names no field is shown under "".
func errorsByField(tr *i18n.Translator, err error) map[string]string {
	out := map[string]string{}
	var list transports.FieldErrors
	var one *transports.FieldError
	switch {
	case errors.As(err, &list):
		for _, fe := range list {
			if _, dup := out[fe.Field]; !dup {
				out[fe.Field] = sentence(tr.Error(fe.Err))
			}
		}
	case errors.As(err, &one):
		out[one.Field] = sentence(tr.Error(one.Err))
	default:
		out[""] = sentence(tr.Error(err))
	}
	return out
}

// sentence capitalises an error message ("doing x: cause", lower case by
// Go convention) for display on its own line.
func sentence(msg string) string {
	r, size := utf8.DecodeRuneInString(msg)
	if r == utf8.RuneError {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[size:]
}
