package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// reviewStep: what the configuration will hold, with the evidence of
// each check, then the export through the save dialog, what to do next at
// the service, and Finish. As setup's review: the same lines, the same
// Export, the draft discarded once the file is written.
type reviewStep struct {
	u *ui
	// plaintext: secrets unsealed in the file; nil when they can be
	// sealed. Not kept in the draft on purpose: a file that is itself a
	// secret is a choice made at the moment of export, every time.
	plaintext *keyCheck
	exportBtn *keyButton
	result    *fyne.Container // after the export: where, warnings, next steps
	other     *widget.Label
	verdict   *verdictBox // hosted: a message the service sent, optional
	box       *fyne.Container
	exported  bool
}

// exportTimeout bounds the export: the keychain may be slow to answer.
const exportTimeout = time.Minute

func newReviewStep(u *ui) stepView {
	s := &reviewStep{u: u}
	tr, st := u.tr, u.flow.State
	service := st.Provider
	if p, err := st.Profile(); err == nil {
		service = p.Name
		if p.SealingRecipient == "" {
			// setup's --include-secrets-plaintext: only on the admin's word.
			s.plaintext = s.u.newCheck(tr.X("review.plaintext", "Put the secrets in the file unsealed"), nil)
		}
	}
	bold := fyne.TextStyle{Bold: true}
	summary := widget.NewForm(
		widget.NewFormItem(tr.X("summary.service", "Service"), widget.NewLabel(checks.Printable(service))),
		widget.NewFormItem(tr.X("summary.domain", "Sender domain"), widget.NewLabel(st.Domain)),
	)
	objs := []fyne.CanvasObject{summary, widget.NewLabelWithStyle(tr.X("review.transports", "Transports, tried top to bottom"), fyne.TextAlignLeading, bold)}
	for i, t := range st.Transports {
		l := widget.NewLabel(fmt.Sprintf("%d. %s: %s", i+1, checks.Printable(t.Name), tr.X("transports.rule", "Sends for: %s", checks.Printable(wizard.RuleWords(tr, t.Match)))))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	if st.DNSDeferred {
		l := widget.NewLabel(tr.X("review.dns_deferred", "The DNS records are published later: the configuration says they were not seen yet."))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	objs = append(objs, widget.NewLabelWithStyle(tr.X("review.evidence_title", "What was checked"), fyne.TextAlignLeading, bold))
	lines := wizard.EvidenceLines(tr, st)
	if len(lines) == 0 {
		lines = []string{tr.X("review.no_evidence", "No check has left evidence yet.")}
	}
	for _, line := range lines {
		l := widget.NewLabel(checks.Printable(line))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	_, name := s.proposed()
	where := widget.NewLabel(tr.X("review.where", "Export writes the configuration to a file you choose (proposed: %s), to upload to the service. Finish closes the wizard once it is written.", name))
	where.Wrapping = fyne.TextWrapWord
	s.exportBtn = s.u.newIconButton(tr.X("review.export", "Export the configuration…"), theme.DocumentSaveIcon(), s.chooseFile)
	s.result = container.NewVBox()
	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	if hosted := wizard.HostedTransport(st); hosted != "" {
		s.verdict = newVerdictBox(u, hosted, tr.X("verdict.title.hosted", "Paste a message the service sent as you received it (optional)"),
			tr.X("verdict.help.hosted", "Once %s has sent a message from %s to a mailbox you read (a test message from its settings, say), copy its source here: the wizard reads how the receiving server judged SPF, DKIM and DMARC, checks them again, and says why they differ. The result goes into the configuration's evidence.", checks.Printable(service), st.Domain))
		objs = append(objs, widget.NewSeparator(), s.verdict.box)
	}
	objs = append(objs, widget.NewSeparator(), where)
	if s.plaintext != nil {
		objs = append(objs, newField(tr.X("review.secrets", "Secrets"), tr.X("review.plaintext.help",
			"The service published no key to seal the DKIM private key and the SMTP password to, so they stay out of the file, in this computer's keychain. "+
				"Tick this to put them in the file unsealed: the file itself is then a secret."), s.plaintext).box)
	}
	objs = append(objs, container.NewHBox(s.exportBtn), s.other, s.result)
	s.box = container.NewVBox(objs...)
	return s
}

func (s *reviewStep) content() fyne.CanvasObject { return s.box }

// first is Export: Enter there exports, and after the export, Finish.
func (s *reviewStep) first() fyne.Focusable { return s.exportBtn }

func (s *reviewStep) markErrors(errs map[string]string) { markAll(nil, errs, s.other) }

// finish is Finish: it closes the window only after the export; before,
// it asks where to write it, so Enter on this page exports too.
func (s *reviewStep) finish() bool {
	if !s.exported {
		s.chooseFile()
	}
	return s.exported
}

// proposed is where the export is proposed: the file it was opened from,
// else DOMAIN.mailwizard.json in the working directory, as setup --out.
func (s *reviewStep) proposed() (dir, name string) {
	st := s.u.flow.State
	out := st.Out
	if out == "" {
		out = wizard.DefaultOut(st.Domain)
	}
	return filepath.Dir(out), filepath.Base(out)
}

func (s *reviewStep) chooseFile() {
	if s.u.running() {
		return
	}
	dir, name := s.proposed()
	askSavePath(s.u, name, dir, []string{".json"}, s.exportTo)
}

// exportTo writes the configuration to path (what the save dialog calls):
// wizard.Export on a copy of the answers, off the UI goroutine since the
// keychain may ask the admin first; then the draft is discarded.
func (s *reviewStep) exportTo(c chosenFile) {
	u, tr, path := s.u, s.u.tr, c.path
	snap, err := u.flow.State.Clone()
	if err != nil {
		setNote(s.other, sentence(tr.Error(err)))
		return
	}
	env := u.env
	opts := wizard.ExportOptions{Path: path, Generator: wizard.Generator(), Plaintext: s.plaintext != nil && s.plaintext.Checked}
	var res *wizard.Exported
	u.run(tr.X("review.exporting", "Writing the configuration…"), exportTimeout, func(ctx context.Context, post post) error {
		r, err := wizard.Export(env, snap, opts)
		if err != nil {
			return err
		}
		post(func() { res = r })
		return nil // written: a Cancel now comes too late
	}, func(err error) {
		if err == nil && res == nil {
			err = context.Canceled
		}
		if err != nil {
			c.undo()
			var fes transports.FieldErrors
			if errors.As(err, &fes) {
				s.markErrors(errorsByField(tr, err))
			} else {
				setNote(s.other, sentence(tr.Error(err)))
			}
			u.setStatus(tr.X("review.not_written", "The configuration was not written."), true)
			u.relayout()
			return
		}
		s.written(res)
	})
}

// written shows what the export did and what to do at the service, and
// discards the draft as setup does: the document is the record now.
func (s *reviewStep) written(res *wizard.Exported) {
	u, tr, st := s.u, s.u.tr, s.u.flow.State
	st.Out = res.Path
	setNote(s.other, "")
	objs := []fyne.CanvasObject{}
	line := func(text string, imp widget.Importance) {
		l := widget.NewLabel(checks.Printable(text))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = imp
		objs = append(objs, l)
	}
	line(tr.X("setup.written", "Written: %s (check it with: mailwizard export validate %s)", res.Path, res.Path), widget.SuccessImportance)
	for _, w := range res.Warnings {
		line(sentence(tr.Text(w)), widget.WarningImportance)
	}
	objs = append(objs, widget.NewLabelWithStyle(tr.X("setup.next", "Next:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if p, err := st.Profile(); err == nil {
		for _, step := range wizard.NextSteps(tr, st, p, res.Path) {
			line("• "+step, widget.MediumImportance)
		}
	}
	s.result.Objects = objs
	s.result.Refresh()
	s.exported = true
	u.saver.Close() // no save after this one may bring the draft back
	if err := u.sess.Drafts.Discard(); err != nil {
		u.setStatus(sentence(tr.Error(err)), true)
	} else {
		u.setStatus(tr.X("review.done", "Exported. Finish closes the wizard."), false)
	}
	u.relayout()
}
