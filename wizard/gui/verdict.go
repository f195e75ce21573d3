package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/checks/verdict"
	"mailwizard/wizard"
)

// verdictBox is the optional "Paste the message as you received it" part
// of a page: after the code step (the code mail) and on the review of a
// hosted transport (a message the service sent). The verdict is
// wizard.JudgeMessage's, worked out off the UI goroutine; it is shown as
// findings, as other steps show them, and joins the evidence.
type verdictBox struct {
	u         *ui
	transport string
	paste     *pasteEntry
	field     *field
	checkBtn  *keyButton
	headline  *widget.Label
	lines     *widget.Label
	findings  *fyne.Container
	fold      *widget.Accordion
	box       *fyne.Container
	// recorded, when set, is told that the verdict joined the evidence.
	recorded func()
}

func newVerdictBox(u *ui, transport, title, help string) *verdictBox {
	tr := u.tr
	v := &verdictBox{u: u, transport: transport}
	v.paste = u.newPasteEntry()
	v.paste.pasted = v.pastedLarge
	v.paste.SetMinRowsVisible(6)
	v.paste.SetPlaceHolder("Received: from …\nAuthentication-Results: …\nFrom: …")
	v.field = newField(tr.X("verdict.paste", "The message's source"), tr.X("verdict.paste.help",
		"Gmail: the message's More menu > Show original. Outlook: More actions > View > View message source, or in the desktop app File > Properties > Internet headers. Apple Mail: View > Message > Raw Source. Thunderbird: More > View Source. The header alone is enough to read the receiver's verdict; with the body, the DKIM signatures are checked too."), v.paste)
	v.checkBtn = u.newIconButton(tr.X("verdict.check", "Check the message"), theme.SearchIcon(), v.check)
	v.headline = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.headline.Wrapping = fyne.TextWrapWord
	v.headline.Hide()
	v.lines = wrappingLabel("")
	v.lines.Hide()
	v.findings = container.NewVBox()
	// Folded away until opened: the page's own task (the code, the
	// export) stays in view, and this one is optional.
	v.fold = widget.NewAccordion(widget.NewAccordionItem(title,
		container.NewVBox(wrapped(help), v.field.box, container.NewHBox(v.checkBtn), v.headline, v.lines, v.findings)))
	v.box = container.NewVBox(v.fold)
	if line := wizard.PassedLine(tr, u.flow.State, wizard.CheckVerdict, transport); line != "" {
		setNote(v.lines, checks.Printable(line)) // judged in an earlier session
	}
	return v
}

// check judges the pasted text on a copy of the answers; the verdict
// comes back through the task's post.
func (v *verdictBox) check() {
	u := v.u
	snap, err := u.flow.State.Clone()
	if err != nil {
		return
	}
	v.field.mark("")
	text, env, transport := []byte(v.paste.Message()), u.env, v.transport
	u.run(u.tr.X("verdict.checking", "Reading the message and checking SPF, DKIM and DMARC…"), wizard.VerdictTimeout, func(ctx context.Context, post post) error {
		rep, err := wizard.JudgeMessage(ctx, env, snap, text, transport)
		if err == nil {
			post(func() { v.show(rep) })
		}
		return err
	}, v.failed)
}

// pastedLarge says what became of a paste too large to show whole: kept
// aside for the check, or refused as larger than any message.
func (v *verdictBox) pastedLarge(size int, kept bool) {
	u := v.u
	if !kept {
		v.field.mark(sentence(u.tr.Error(wizard.VerdictInputError(verdict.ErrTooLarge))))
		u.relayout()
		return
	}
	v.field.mark("")
	u.setStatus(u.tr.X("verdict.paste.large", "The pasted message is %d KB: only its header is shown, and the whole message is checked.", size>>10), false)
	u.relayout()
}

// show puts the verdict on the page and records it as evidence.
func (v *verdictBox) show(rep *verdict.Report) {
	u, tr := v.u, v.u.tr
	wizard.RecordVerdict(u.env, u.flow.State, rep, v.transport)
	u.changed()
	if v.recorded != nil {
		v.recorded()
	}
	switch rep.Verdict() {
	case "pass", "pass-no-policy":
		v.headline.Importance = widget.SuccessImportance
	case "fail":
		v.headline.Importance = widget.DangerImportance
	default: // unknown, or nothing aligned without a policy: nothing failed
		v.headline.Importance = widget.WarningImportance
	}
	v.fold.Open(0)
	setNote(v.headline, wizard.VerdictHeadline(tr, rep))
	lines := ""
	for i, l := range wizard.VerdictLines(tr, rep) {
		if i > 0 {
			lines += "\n"
		}
		lines += checks.Printable(l)
	}
	setNote(v.lines, lines)
	v.findings.Objects = []fyne.CanvasObject{findingsBox(tr, rep.Findings)}
	v.findings.Refresh()
	u.setStatus("", false)
	u.relayout()
	reveal(u, v.box)
}

// failed marks the paste when it is not a message (or from another
// domain); a stopped check, or one out of time, says so and leaves the
// page and the evidence as they were.
func (v *verdictBox) failed(err error) {
	u := v.u
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		u.setStatus(u.tr.X("verdict.stopped", "The check was stopped."), false)
	case errors.Is(err, context.DeadlineExceeded):
		u.setStatus(sentence(u.tr.Error(err)), true)
	default:
		errs := errorsByField(u.tr, err)
		msg, ok := errs["message"]
		if !ok {
			msg = errs[""]
		}
		v.field.mark(msg)
		u.relayout()
	}
}
