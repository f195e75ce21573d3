package gui

import (
	"context"
	"errors"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
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

// focusFirst is a view whose first field takes the focus when it opens,
// so the whole wizard can be done from the keyboard.
type focusFirst interface {
	first() fyne.Focusable
}

// leaver is a page with typed input not yet in the State (an open rule
// editor): leave puts it there, or says why the admin must stay.
type leaver interface {
	leave() bool
}

// mayLeave asks the page whether it may be left.
func (u *ui) mayLeave() bool {
	l, ok := u.view.(leaver)
	return !ok || l.leave()
}

// finisher is a last page that decides whether Finish may close the
// window: the review step, only once the configuration is exported.
type finisher interface {
	finish() bool
}

// ui is the window's frame: a header with the step's title and position,
// the outline of the steps, the step's page, and Back/Next with a status
// line and, while a task runs, its progress and Cancel.
type ui struct {
	win   fyne.Window
	sess  *wizard.Session
	flow  *wizard.Flow
	env   *wizard.Env // the DNS client, dialer, keychain and clock the steps use
	tr    *i18n.Translator
	saver *wizard.Autosaver

	title     *widget.Label
	position  *widget.Label
	outline   *fyne.Container
	page      *fyne.Container
	status    *widget.Label
	back      *keyButton
	next      *keyButton
	progress  *widget.ProgressBarInfinite
	busy      *widget.Label
	cancelBtn *keyButton
	view      stepView

	// do runs a function on the UI goroutine: fyne.Do. Tests replace it
	// with a queue they drain on their own goroutine, since Fyne's test
	// driver runs fyne.Do inline on the caller's goroutine.
	do func(func())

	disc       *wizard.Discovery  // what discovery found, once it has
	discDomain string             // the domain discovery runs or ran for
	discCancel context.CancelFunc // stops the discovery under way, if any

	gen     int   // page generation: bumped on every page shown
	task    *task // the running task, or nil
	tried   bool  // Next was pressed on this page: mark empty fields too
	marking *time.Timer
}

func newUI(w fyne.Window, sess *wizard.Session, env *wizard.Env) *ui {
	return newUIWith(w, sess, env, fyne.Do)
}

// newUIWith takes the way to reach the UI goroutine (fyne.Do, or a test's
// queue).
func newUIWith(w fyne.Window, sess *wizard.Session, env *wizard.Env, do func(func())) *ui {
	u := &ui{win: w, sess: sess, flow: sess.Flow, env: env, do: do}
	u.saver = wizard.NewAutosaver(sess.Drafts, func(err error) {
		u.do(func() { u.setStatus(u.tr.X("status.save_failed", "Your answers could not be saved: %v", err), true) })
	})
	u.build()
	for _, n := range sess.Notices {
		u.setStatus(n, true)
	}
	w.Canvas().SetOnTypedKey(u.typedKey)
	return u
}

// build (re)creates every widget in the current language.
func (u *ui) build() {
	u.stopTask()
	u.tr = i18n.New(u.flow.State.Lang)
	speakFyne(u.tr)
	u.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.title.SizeName = "headingText"
	u.position = widget.NewLabel("")
	u.status = widget.NewLabel("")
	u.status.Wrapping = fyne.TextWrapWord
	u.back = u.newKeyButton(u.tr.X("button.back", "Back"), nil, u.goBack, enterPresses)
	u.next = u.newKeyButton(u.tr.X("button.next", "Next"), nil, u.goNext, enterPresses)
	u.next.Importance = widget.HighImportance
	u.newProgress()
	u.page = container.NewStack()
	u.outline = newOutline()

	header := container.NewBorder(nil, widget.NewSeparator(), nil, u.position, u.title)
	working := container.NewBorder(nil, nil, u.busy, u.cancelBtn, u.progress)
	footer := container.NewBorder(container.NewVBox(widget.NewSeparator(), working), nil, nil, container.NewHBox(u.back, u.next), u.status)
	side := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewVScroll(u.outline))
	// Tab goes through the page, then Back and Next (and Cancel while a
	// task runs), then the outline: Fyne follows the order of the objects,
	// and a Border lists its centre first.
	u.win.SetContent(withMinSize(container.NewBorder(header, footer, side, nil, u.page)))
	u.show()
}

// show renders the flow's current step. A resumed wizard past the
// domain step starts discovery here, since the domain step was passed in
// an earlier session.
func (u *ui) show() {
	u.stopTask()
	if u.flow.Current().ID != wizard.StepWelcome && u.flow.Current().ID != wizard.StepDomain {
		u.startDiscovery()
	}
	u.gen++
	u.tried = false
	step := u.flow.Current()
	u.title.SetText(step.Title(u.tr))
	// The old page's field would keep the keyboard, unseen, and take
	// what is typed next (and Ctrl+Q).
	u.win.Canvas().Unfocus()
	u.view = u.viewFor(step.ID)
	// Room on the right for the scroll bar, which Fyne draws over the
	// content: the fields' right edges stay clear of it.
	pad := theme.Padding()
	u.page.Objects = []fyne.CanvasObject{container.NewVScroll(container.New(
		layout.NewCustomPaddedLayout(0, 0, pad, theme.ScrollBarSize()+pad), u.view.content()))}
	u.page.Refresh()
	if u.flow.AtEnd() {
		u.next.SetText(u.tr.X("button.finish", "Finish"))
	} else {
		u.next.SetText(u.tr.X("button.next", "Next"))
	}
	u.refreshOutline()
	u.refreshNav()
	if f, ok := u.view.(focusFirst); ok {
		if first := f.first(); first != nil {
			// After the key event that led here: the Space that pressed
			// Next would otherwise also type into the new page's field.
			// (Fyne's test driver runs this at once.)
			gen := u.gen
			fyne.Do(func() {
				if u.gen == gen {
					u.win.Canvas().Focus(first)
				}
			})
		}
	}
}

func (u *ui) viewFor(id wizard.StepID) stepView {
	switch id {
	case wizard.StepWelcome:
		return newWelcomeStep(u)
	case wizard.StepDomain:
		return newDomainStep(u)
	case wizard.StepTransportType:
		return newTypeStep(u)
	case wizard.StepHosted:
		return newHostedStep(u)
	case wizard.StepNoReply:
		return newNoReplyStep(u)
	case wizard.StepSMTP:
		return newSMTPStep(u)
	case wizard.StepVerify:
		return newVerifyStep(u)
	case wizard.StepDNS:
		return newDNSStep(u)
	case wizard.StepTransports:
		return newTransportsStep(u)
	case wizard.StepReview:
		return newReviewStep(u)
	}
	// Every step of the flow has its page; a step this window does not
	// know is said so, with the way on (the outline and Back still work).
	return newProblemStep(u.tr.X("step.unknown", "This version of the window has no page for the step %q: go back, or continue with mailwizard setup in a terminal.", string(id)))
}

// changed is called by views after they copied an edit into the State:
// the draft is saved, Next follows whether the step is valid, and the
// fields are marked once the admin pauses typing.
func (u *ui) changed() {
	u.saver.Save(u.flow.State)
	u.refreshNav()
	if u.marking != nil {
		u.marking.Stop()
	}
	gen := u.gen
	u.marking = time.AfterFunc(markDelay, func() {
		u.do(func() {
			if u.gen == gen {
				u.markLive()
			}
		})
	})
}

// markDelay is how long typing pauses before fields are marked: marking
// "exa" as a bad domain while "example.nl" is being typed only distracts.
const markDelay = 600 * time.Millisecond

// markLive marks what the step's check refuses now; an empty field is
// marked only after Next was pressed, since it has not been answered yet.
func (u *ui) markLive() {
	u.view.markErrors(errorsByField(u.tr, keepShown(u.flow.Preview(), u.tried)))
	u.relayout()
}

// refreshNav enables Back and Next for the page and the running task.
func (u *ui) refreshNav() {
	if u.back == nil || u.next == nil {
		return
	}
	if u.flow.CanBack() && !u.running() {
		u.back.Enable()
	} else {
		u.back.Disable()
	}
	if !u.running() && u.flow.Preview() == nil {
		u.next.Enable()
	} else {
		u.next.Disable()
	}
}

func (u *ui) goNext() {
	if u.running() {
		return
	}
	if u.flow.AtEnd() {
		if u.flow.Preview() != nil {
			return
		}
		if f, ok := u.view.(finisher); ok && !f.finish() {
			return
		}
		u.changed()
		u.win.Close()
		return
	}
	if !u.mayLeave() {
		return
	}
	leaving := u.flow.Current().ID
	err := u.flow.Next()
	u.changed()
	if err == nil && leaving == wizard.StepDomain {
		u.startDiscovery()
	}
	if err != nil {
		u.tried = true
		u.view.markErrors(errorsByField(u.tr, err))
		u.relayout()
		u.setStatus(u.tr.X("status.fix_fields", "Please correct the marked fields."), true)
		return
	}
	u.setStatus("", false)
	u.show()
}

func (u *ui) goBack() {
	if u.running() || !u.mayLeave() {
		return
	}
	u.flow.Back()
	u.changed()
	u.setStatus("", false)
	u.show()
}

// typedKey is the keyboard where no widget took the key: Enter moves on
// when Next is enabled, Escape cancels a running check.
func (u *ui) typedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !u.next.Disabled() {
			u.goNext()
		}
	case fyne.KeyEscape:
		u.cancelTask()
	}
}

// submitOnEnter makes Enter in a one-line entry move on, like Enter
// elsewhere on the page.
func (u *ui) submitOnEnter(e *keyEntry) {
	e.OnSubmitted = func(string) { u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
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
func (u *ui) close() {
	u.stopTask()
	u.stopDiscovery()
	if u.marking != nil {
		u.marking.Stop()
	}
	u.saver.Close()
}

// keepShown drops the "is empty" errors unless the admin pressed Next:
// an unanswered field is not yet a mistake.
func keepShown(err error, all bool) error {
	var list transports.FieldErrors
	if all || !errors.As(err, &list) {
		return err
	}
	var out transports.FieldErrors
	for _, fe := range list {
		if !errors.Is(fe.Err, transports.ErrEmpty) {
			out = append(out, fe)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

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
