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
	paste     *keyEntry
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
	v.paste = u.newEntry()
	v.paste.MultiLine = true
	v.paste.Wrapping = fyne.TextWrapOff
	v.paste.TextStyle = fyne.TextStyle{Monospace: true}
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
	text, env, transport := []byte(v.paste.Text), u.env, v.transport
	u.run(u.tr.X("verdict.checking", "Reading the message and checking SPF, DKIM and DMARC…"), wizard.VerdictTimeout, func(ctx context.Context, post post) error {
		rep, err := wizard.JudgeMessage(ctx, env, snap, text, transport)
		if err == nil {
			post(func() { v.show(rep) })
		}
		return err
	}, v.failed)
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

// failed marks the paste when it is not a message; a stopped check says so.
func (v *verdictBox) failed(err error) {
	u := v.u
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		u.setStatus(u.tr.X("verdict.stopped", "The check was stopped."), false)
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
