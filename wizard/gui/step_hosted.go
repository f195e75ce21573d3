package gui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/checks/spf"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// hostedStep: the service's servers send with the domain as sender. The
// page shows the SPF record to publish with each change marked, sets up
// DKIM the way the service signs (step_hosted_dkim.go), and says what the
// domain's DMARC policy means for this transport, as setup does.
type hostedStep struct {
	u    *ui
	p    *transports.Provider
	plan *wizard.HostedPlan
	// withDisc: the plan was made with discovery's result, which alone
	// knows the DMARC policy; replan: discovery arrived while another task
	// ran, so the plan is made again after it.
	withDisc, replan bool

	spf, dkim, dmarc *fyne.Container
	note             *discoveryNote // in the DMARC section while discovery looks, with Stop

	// The DKIM form (step_hosted_dkim.go).
	algo      *keySelect
	selector  *keyEntry
	makeBtn   *keyButton
	importBtn *keyButton
	presetBtn *keyButton // imports the key file a preset names
	without   *keyCheck
	done      string   // what the last key action did, shown while kept
	warnings  []string // the last import's warnings
	pwDialog  *dialog.FormDialog
	pwEntry   *widget.Entry

	fields map[string]*field
	other  *widget.Label
	box    *fyne.Container
}

// planTimeout bounds reading the SPF record and what its includes cost.
const planTimeout = 30 * time.Second

func newHostedStep(u *ui) stepView {
	s := &hostedStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State
	s.other = wrapped("")
	s.other.Hide()
	p, err := st.Profile()
	if err == nil && (st.Current() == nil || st.Current().Hosted == nil) {
		err = errors.New(tr.X("hosted.not_hosted", "The transport being edited does not send from the service's servers: choose its type again."))
	}
	if err != nil {
		s.box = container.NewVBox(s.other)
		s.markErrors(errorsByField(tr, err))
		return s
	}
	s.p = p
	s.spf, s.dkim, s.dmarc = container.NewVBox(), container.NewVBox(), container.NewVBox()
	s.note = u.newDiscoveryNote(tr.X("hosted.dmarc.looking", "Looking at the DMARC record of %s…", st.Domain))
	s.newDKIMForm()
	s.box = container.NewVBox(
		heading(tr.X("hosted.spf", "SPF: which servers may send as %s", st.Domain)), s.spf,
		widget.NewSeparator(),
		heading(tr.X("hosted.dkim", "DKIM: the signature that proves the mail is yours")), s.dkim,
		widget.NewSeparator(),
		heading(tr.X("hosted.dmarc", "DMARC: what receivers do with mail that fails")), s.dmarc,
		s.other)
	s.showDKIM()
	s.showDMARC()
	s.makePlan()
	return s
}

// makePlan reads the SPF record (or takes discovery's reading) and what
// it means for the service, off the UI goroutine.
func (s *hostedStep) makePlan() {
	tr, env := s.u.tr, s.u.env
	// A deep copy: the admin may type while the plan is made, and the
	// State's maps and slices must not be read from two goroutines.
	snap, err := s.u.flow.State.Clone()
	if err != nil {
		s.setObjects(s.spf, wrapped(sentence(tr.Error(err))))
		return
	}
	d := s.u.discovery()
	s.setObjects(s.spf, wrapped(tr.X("hosted.spf.reading", "Reading the SPF record of %s…", snap.Domain)))
	s.u.run(tr.X("hosted.spf.reading", "Reading the SPF record of %s…", snap.Domain), planTimeout, func(ctx context.Context, post post) error {
		plan, err := wizard.PlanHosted(ctx, env, snap, d)
		if err == nil {
			post(func() {
				s.plan, s.withDisc = plan, d != nil
				s.showSPF()
				s.showDKIM()
				s.showDMARC()
			})
		}
		return err
	}, func(err error) {
		if err != nil {
			s.showPlanFailed(err)
		}
		s.afterTask()
	})
}

// afterTask plans again when discovery arrived while a task ran.
func (s *hostedStep) afterTask() {
	if s.replan {
		s.replan = false
		s.makePlan()
	}
	s.u.relayout()
}

func (s *hostedStep) discovered(*wizard.Discovery) {
	if s.p == nil || s.withDisc {
		return
	}
	if s.u.running() {
		s.replan = true
		return
	}
	s.makePlan()
}

func (s *hostedStep) showPlanFailed(err error) {
	tr := s.u.tr
	msg := sentence(tr.Error(err))
	if errors.Is(err, context.Canceled) {
		msg = tr.X("hosted.spf.cancelled", "Reading the SPF record was cancelled.")
	}
	l := wrapped(msg)
	l.Importance = widget.DangerImportance
	s.setObjects(s.spf, l, container.NewHBox(s.u.newButton(tr.X("hosted.spf.again", "Read it again"), s.makePlan)))
}

// showSPF shows the record to publish with each added term marked and
// each removed one listed, the reason and what its includes cost (or why
// no record can be given); then the published record and the findings.
func (s *hostedStep) showSPF() {
	tr, st := s.u.tr, s.u.flow.State
	a, sug := s.plan.SPF.Analysis, s.plan.SPF.Suggestion
	var objs []fyne.CanvasObject
	switch {
	case s.plan.SPF.Err != nil:
		l := wrapped(tr.X("setup.spf_none", "No SPF record to publish: %s", wizard.SPFRefusal(tr, s.plan.SPF.Err)))
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	case sug == nil:
	case sug.Unchanged:
		l := wrapped(tr.X("setup.spf_ok", "The SPF record already allows the service."))
		l.Importance = widget.SuccessImportance
		objs = append(objs, l)
	default:
		title := tr.X("hosted.spf.replace", "To publish at %s, in place of the current SPF record (%s):", st.Domain, tr.Text(spf.LookupCountText(sug.Lookups)))
		if a == nil || a.Record == "" {
			title = tr.X("hosted.spf.create", "To publish as a TXT record at %s, the name @ in most DNS panels (%s):", st.Domain, tr.Text(spf.LookupCountText(sug.Lookups)))
		}
		record := sug.Record
		copyBtn := s.u.newIconButton(tr.X("hosted.copy", "Copy"), theme.ContentCopyIcon(), func() {
			fyne.CurrentApp().Clipboard().SetContent(record)
			s.u.setStatus(tr.X("hosted.copied", "The record is on the clipboard."), false)
		})
		objs = append(objs, wrapped(title), container.NewBorder(nil, nil, nil, container.NewVBox(copyBtn), markedRecord(record, s.plan.Changes)))
		for _, c := range s.plan.Changes {
			switch c.Change {
			case "added":
				l := wrapped(tr.X("hosted.spf.added", "Added: %s", checks.Printable(c.Term)))
				l.Importance = widget.SuccessImportance
				objs = append(objs, l)
			case "removed":
				l := wrapped(tr.X("hosted.spf.removed", "Removed: %s", checks.Printable(c.Term)))
				l.Importance = widget.DangerImportance
				objs = append(objs, l)
			}
		}
		reason := wrapped(tr.TextOr(sug.ReasonText, sug.Reason))
		if sug.UsesRanges || sug.Lookups > spf.MaxLookups {
			// The fallback past 10 lookups: it must be kept up to date.
			reason.Importance = widget.WarningImportance
		}
		objs = append(objs, reason)
	}
	// What is published now, and what the check found in it, after
	// what to do about it.
	if a != nil && a.Record != "" {
		objs = append(objs, wrapped(tr.X("hosted.spf.now", "Published now (%s):", tr.Text(spf.LookupCountText(a.Lookups)))), value(a.Record))
	}
	if a != nil && len(a.Findings) > 0 {
		objs = append(objs, findingsBox(tr, a.Findings))
	}
	s.setObjects(s.spf, objs...)
}

// markedRecord shows an SPF record with the terms the change adds in the
// success colour.
func markedRecord(record string, changes []wizard.TermChange) *widget.RichText {
	added := map[string]bool{}
	for _, c := range changes {
		if c.Change == "added" {
			added[c.Term] = true
		}
	}
	var segs []widget.RichTextSegment
	for i, term := range strings.Fields(checks.Printable(record)) {
		style := widget.RichTextStyleInline
		style.TextStyle = fyne.TextStyle{Monospace: true}
		if i > 0 {
			segs = append(segs, &widget.TextSegment{Text: " ", Style: style})
		}
		if added[term] {
			style.ColorName = theme.ColorNameSuccess // no bold: the theme has no bold monospace
		}
		segs = append(segs, &widget.TextSegment{Text: term, Style: style})
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// showDMARC shows the domain's DMARC record and what it means for this
// transport, once discovery has read it.
func (s *hostedStep) showDMARC() {
	tr, st := s.u.tr, s.u.flow.State
	d := s.u.discovery()
	switch {
	case d == nil:
		// Running, stopped or failed: the note says which, with Stop or
		// Look again.
		s.note.show(nil)
		s.setObjects(s.dmarc, s.note.box)
		return
	case d.Report == nil || s.plan == nil || !s.withDisc:
		// Discovery is in; the plan is being made again with it.
		s.setObjects(s.dmarc, wrapped(tr.X("hosted.dmarc.looking", "Looking at the DMARC record of %s…", st.Domain)))
		return
	}
	var objs []fyne.CanvasObject
	if r := d.Report.Checks.DMARC; r != nil && r.Record != "" {
		objs = append(objs, wrapped(tr.X("hosted.dmarc.now", "Published at %s (policy p=%s):", r.Name, r.Policy)), value(r.Record))
	}
	if len(s.plan.DMARC) > 0 {
		objs = append(objs, findingsBox(tr, s.plan.DMARC))
	} else {
		objs = append(objs, wrapped(tr.X("hosted.dmarc.fine", "Nothing in it stands in the way of mail from %s's servers.", checks.Printable(s.p.Name))))
	}
	s.setObjects(s.dmarc, objs...)
}

// setObjects replaces what a section shows.
func (s *hostedStep) setObjects(c *fyne.Container, objs ...fyne.CanvasObject) {
	c.Objects = objs
	c.Refresh()
}

func (s *hostedStep) content() fyne.CanvasObject { return s.box }

func (s *hostedStep) discoveryNote() *discoveryNote { return s.note }

// first is the button that makes or imports the key, when one is needed.
// Once the key is kept the page has nothing to enter: nothing is focused,
// so Enter moves on and Tab starts at the top.
func (s *hostedStep) first() fyne.Focusable {
	switch {
	case s.makeBtn == nil || !s.makeBtn.Visible():
		return nil
	case s.presetBtn != nil:
		return s.presetBtn
	}
	return s.makeBtn
}

// markErrors marks the selector by either path: the transport's own
// check names it "hosted.dkim.selector".
func (s *hostedStep) markErrors(errs map[string]string) {
	marks := map[string]string{}
	for path, msg := range errs {
		if path == "hosted.dkim.selector" {
			path = "dkim.selector"
		}
		marks[path] = msg
	}
	markAll(s.fields, marks, s.other)
}
