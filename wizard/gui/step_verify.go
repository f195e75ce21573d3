package gui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/checks/smtp"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// verifyStep: a mail with a one-time code goes through the admin's server
// to a mailbox they read, and they type the code back, as setup's verify
// does. In mailbox mode a second code goes out as another sender than the
// login: only a delivered message proves the send-as right.
type verifyStep struct {
	u       *ui
	fields  map[string]*field
	codeTo  *keyEntry
	senders []*senderRow
	other   *widget.Label
	verdict *verdictBox // the code mail as received, optional
	box     *fyne.Container
}

// senderRow is one sender to prove: its button, the code field once a
// code is out, and whether it came back.
type senderRow struct {
	v       *verifyStep
	from    string
	pending *wizard.PendingCode // the code sent last; in memory only
	spent   bool                // a code went out and can no longer be used

	status     *widget.Label
	sendBtn    *keyButton
	code       *keyEntry
	codeHelp   *widget.Label
	confirmBtn *keyButton
	codeBox    *fyne.Container
	problem    *widget.Label
	fix        *widget.Label
	log        *widget.Label
	logBox     *widget.Accordion
	box        *fyne.Container
}

// sendTimeout bounds sending one code, as in setup.
const sendTimeout = time.Minute

func newVerifyStep(u *ui) stepView {
	st := u.flow.State
	t := st.Current()
	if t == nil || t.SMTP == nil {
		return newProblemStep(u.tr.X("smtp.not_smtp", "The transport being edited does not send through your own mail server: choose its type again."))
	}
	v := &verifyStep{u: u, fields: map[string]*field{}}
	tr := u.tr
	sm := t.SMTP
	via := tr.X("verify.via", "Through %s, port %d (%s), without a login.", sm.Host, sm.Port, sm.Encryption)
	if sm.Auth == transports.AuthPassword {
		via = tr.X("verify.via_login", "Through %s, port %d (%s), logged in as %s.", sm.Host, sm.Port, sm.Encryption, sm.Username)
	}
	intro := wrappingLabel(tr.X("verify.intro", "A mail with a one-time code goes through your server from an address of your domain to a mailbox you can read; type the code back here. "+
		"That proves the whole way, which the connection test alone does not.") + "\n" + checks.Printable(via))

	v.codeTo = v.u.newEntry()
	v.codeTo.SetPlaceHolder("it@example.nl")
	v.codeTo.SetText(st.CodeTo)
	v.codeTo.OnChanged = func(text string) {
		st.CodeTo = strings.TrimSpace(text)
		u.changed()
	}
	u.submitOnEnter(v.codeTo)
	v.fields["code_to"] = newField(tr.X("verify.code_to", "Send the codes to"),
		tr.X("verify.code_to.help", "A mailbox you can read now, such as your own address; it may be outside your domain. Only the code mails go there."), v.codeTo)

	objs := []fyne.CanvasObject{intro, v.fields["code_to"].box}
	first, sendAs := wizard.VerifySenders(st)
	for _, from := range []string{first, sendAs} {
		if from == "" || (from == sendAs && strings.EqualFold(sendAs, first)) {
			continue
		}
		r := v.newSenderRow(from, from == sendAs)
		v.senders = append(v.senders, r)
		objs = append(objs, widget.NewSeparator(), r.box)
	}
	v.other = wrappingLabel("")
	v.other.Hide()
	v.verdict = newVerdictBox(u, t.Name, tr.X("verdict.title.code", "Paste the code mail as you received it (optional)"),
		tr.X("verdict.help.code", "Open the code mail in the mailbox it went to and copy its source: the wizard reads how the receiving server judged SPF, DKIM and DMARC, checks them again, and says why they differ. The result goes into the configuration's evidence."))
	objs = append(objs, widget.NewSeparator(), v.verdict.box)
	v.box = container.NewVBox(append(objs, v.other)...)
	return v
}

func (v *verifyStep) newSenderRow(from string, sendAs bool) *senderRow {
	tr, sm := v.u.tr, v.u.flow.State.Current().SMTP
	r := &senderRow{v: v, from: from}
	title := widget.NewLabelWithStyle(checks.Printable(tr.X("verify.from", "From %s", from)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	why := tr.X("verify.first.help", "Proves that mail from your domain goes through the server and arrives.")
	if sendAs {
		why = tr.X("verify.send_as.help", "Proves the send-as right: %s logs in and sends as %s. Exchange and Microsoft 365 check that right only after the message itself, so only a code that arrives proves it.", sm.Username, from)
	}
	r.status = wrappingLabel("")
	r.sendBtn = v.u.newIconButton(tr.X("verify.send", "Send code"), theme.MailSendIcon(), r.send)
	r.code = v.u.newEntry()
	r.code.SetPlaceHolder("ABCD-1234")
	r.code.OnSubmitted = func(string) { r.confirm() }
	r.confirmBtn = v.u.newButton(tr.X("verify.confirm", "Confirm"), r.confirm)
	r.confirmBtn.Importance = widget.HighImportance
	r.codeHelp = smtpHelp("")
	r.codeBox = container.NewVBox(r.codeHelp, container.NewBorder(nil, nil, nil, r.confirmBtn, r.code))
	r.codeBox.Hide()
	r.problem = wrappingLabel("")
	r.problem.Importance = widget.DangerImportance
	r.problem.Hide()
	r.fix = smtpHelp("")
	r.fix.Hide()
	r.log = wrappingLabel("")
	r.log.Wrapping, r.log.TextStyle, r.log.Selectable = fyne.TextWrapBreak, fyne.TextStyle{Monospace: true}, true
	r.logBox = widget.NewAccordion(widget.NewAccordionItem(tr.X("cmd.smtp.report.transcript", "transcript (passwords and message bodies left out):"), r.log))
	r.logBox.Hide()
	r.box = container.NewVBox(title, smtpHelp(checks.Printable(why)), r.status, container.NewHBox(r.sendBtn), r.codeBox, r.problem, r.fix, r.logBox)
	r.showStatus()
	return r
}

// confirmed reports whether a code sent as this sender came back, for the
// settings the transport has now.
func (r *senderRow) confirmed() bool {
	st := r.v.u.flow.State
	return st.HasEvidence(wizard.CodeCheck(st, r.from), st.Current().Name)
}

func (r *senderRow) showStatus() {
	tr := r.v.u.tr
	switch {
	case r.confirmed():
		r.status.Importance = widget.SuccessImportance
		setNote(r.status, checks.Printable(tr.X("setup.code_ok", "Confirmed: mail from %s goes through this server.", r.from)))
		r.sendBtn.SetText(tr.X("verify.send_again", "Send another code"))
		r.sendBtn.Importance = widget.MediumImportance
	case r.pending != nil:
		r.status.Importance = widget.MediumImportance
		setNote(r.status, checks.Printable(tr.X("setup.code_sent", "A code was sent from %s to %s.", r.from, r.pending.To())))
		r.sendBtn.SetText(tr.X("verify.resend", "Resend"))
		r.sendBtn.Importance = widget.MediumImportance
	case r.spent:
		setNote(r.status, "") // the problem line says why a new code is needed
		r.sendBtn.SetText(tr.X("verify.send_new", "Send a new code"))
		r.sendBtn.Importance = widget.HighImportance
	default:
		r.status.Importance = widget.MediumImportance
		setNote(r.status, tr.X("verify.not_sent", "No code sent yet."))
		r.sendBtn.SetText(tr.X("verify.send", "Send code"))
		r.sendBtn.Importance = widget.HighImportance
	}
	r.status.Refresh()
	r.sendBtn.Refresh()
}

// send mails a new code through the transport, on a copy of the answers.
func (r *senderRow) send() {
	u := r.v.u
	snap, err := u.flow.State.Clone()
	if err != nil {
		return
	}
	r.setProblem("", "", nil)
	env, from := u.env, r.from
	u.run(u.tr.X("verify.sending", "Sending a code from %s to %s…", from, snap.CodeTo), sendTimeout, func(ctx context.Context, post post) error {
		p, err := wizard.SendStepCode(ctx, env, snap, from)
		if err == nil {
			post(func() { r.sent(p) })
		}
		return err
	}, r.sendFailed)
}

func (r *senderRow) sent(p *wizard.PendingCode) {
	r.pending, r.spent = p, false
	r.code.SetText("")
	r.showAttempts()
	r.codeBox.Show()
	r.v.markErrors(map[string]string{})
	r.showStatus()
	r.v.u.relayout()
	r.v.u.win.Canvas().Focus(r.code)
}

// sendFailed says why no code went out: the finding that explains a
// server's refusal, with the conversation; or the field to correct.
func (r *senderRow) sendFailed(err error) {
	u := r.v.u
	var sendErr *wizard.SendError
	var fields transports.FieldErrors
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		u.setStatus(u.tr.X("verify.send_stopped", "Sending was stopped."), false)
	case errors.As(err, &sendErr):
		msg, fix := u.tr.Finding(sendErr.Finding)
		r.setProblem(sentence(msg), fix, sendErr.Transcript)
	case errors.As(err, &fields):
		u.tried = true
		r.v.markErrors(errorsByField(u.tr, err))
	default:
		r.setProblem(sentence(u.tr.Error(err)), "", nil)
	}
	u.relayout()
}

// confirm checks the typed code (wizard.ConfirmStepCode); a wrong one
// says how many tries are left, a spent or expired one asks for a new.
func (r *senderRow) confirm() {
	u := r.v.u
	if r.pending == nil || strings.TrimSpace(r.code.Text) == "" {
		return
	}
	err := wizard.ConfirmStepCode(u.env, u.flow.State, r.pending, r.code.Text)
	switch {
	case err == nil:
		r.pending = nil
		r.codeBox.Hide()
		r.setProblem("", "", nil)
		u.win.Canvas().Unfocus() // Enter now moves on, when all is proven
		u.changed()
		u.markLive()
	case wizard.IsFinal(err):
		r.pending, r.spent = nil, true
		r.codeBox.Hide()
		r.setProblem(sentence(wizard.CodeWords(u.tr, err)), "", nil)
	default:
		r.setProblem(u.tr.X("verify.wrong", "That is not the code: %d attempts left.", r.pending.AttemptsLeft()), "", nil)
		r.showAttempts()
	}
	r.showStatus()
	u.relayout()
}

func (r *senderRow) showAttempts() {
	r.codeHelp.SetText(r.v.u.tr.X("verify.code.help", "Type the code from the mail (%d attempts left) and press Enter.", r.pending.AttemptsLeft()))
}

// setProblem shows what went wrong (empty: nothing), its fix, and the
// transcript behind a disclosure.
func (r *senderRow) setProblem(msg, fix string, transcript []smtp.Line) {
	setNote(r.problem, checks.Printable(msg))
	setNote(r.fix, checks.Printable(fix))
	lines := make([]string, len(transcript))
	for i, l := range transcript {
		lines[i] = checks.Printable(l.String())
	}
	r.log.SetText(strings.Join(lines, "\n"))
	setVisible(r.logBox, len(lines) > 0)
}

func (v *verifyStep) content() fyne.CanvasObject { return v.box }

// first is where the keyboard starts: the mailbox if none is given yet,
// else the first sender still to prove.
func (v *verifyStep) first() fyne.Focusable {
	if strings.TrimSpace(v.codeTo.Text) == "" {
		return v.codeTo
	}
	for _, r := range v.senders {
		if !r.confirmed() {
			return r.sendBtn
		}
	}
	return nil
}

func (v *verifyStep) markErrors(errs map[string]string) { markAll(v.fields, errs, v.other) }
