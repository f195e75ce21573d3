package gui

import (
	"context"
	"errors"
	"slices"
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
	"mailwizard/wizard/i18n"
)

// smtpCheck is the own-server step's two buttons and what they found:
// Detect (the probes, and the form filled with the best) and Test
// connection (each phase green or red, the findings in words, the offer
// to skip an untrusted certificate, and the transcript).
type smtpCheck struct {
	s *smtpStep

	detectBtn *keyButton
	probes    *fyne.Container
	detectBox *fyne.Container

	testBtn  *keyButton
	phases   map[wizard.PhaseName]*phaseRow
	findings *fyne.Container
	skipBox  *fyne.Container
	skipText *widget.Label
	skipBtn  *keyButton
	log      *widget.Label
	logBox   *widget.Accordion
	result   *fyne.Container
	kept     *widget.Label // a test passed before with these settings
	testBox  *fyne.Container
}

// phaseRow is one phase of the test: its state as an icon and a word,
// and what the report says about it.
type phaseRow struct {
	icon   *widget.Icon
	state  *widget.Label
	detail *widget.Label
	row    *fyne.Container
}

// detectTimeout bounds each probe; the whole look gets a minute, as in setup.
const detectTimeout = 10 * time.Second

func (c *smtpCheck) build(s *smtpStep) {
	c.s = s
	tr := s.u.tr
	c.detectBtn = s.u.newIconButton(tr.X("smtp.detect", "Detect the server"), theme.SearchIcon(), c.detect)
	c.probes = container.NewVBox()
	c.probes.Hide()
	c.detectBox = container.NewVBox(container.NewHBox(c.detectBtn),
		smtpHelp(tr.X("smtp.detect.help", "Looks up %s's SRV records, its mailbox provider and the usual names (smtp., mail.), tries each on the usual ports, and fills in the best that answers.", s.u.flow.State.Domain)),
		c.probes)

	c.testBtn = s.u.newIconButton(tr.X("smtp.test", "Test connection"), theme.MailSendIcon(), c.test)
	c.testBtn.Importance = widget.HighImportance
	c.phases = map[wizard.PhaseName]*phaseRow{}
	rows := container.NewVBox()
	for _, name := range []wizard.PhaseName{wizard.PhaseConnect, wizard.PhaseTLS, wizard.PhaseCertificate, wizard.PhaseLogin, wizard.PhaseSender} {
		r := &phaseRow{icon: widget.NewIcon(nil), state: widget.NewLabel(""), detail: wrappingLabel("")}
		title := widget.NewLabelWithStyle(phaseTitle(tr, name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.row = container.NewBorder(nil, nil, container.NewHBox(r.icon, title, r.state), nil, r.detail)
		c.phases[name] = r
		rows.Add(r.row)
	}
	c.findings = container.NewVBox()
	c.skipText = wrappingLabel("")
	c.skipText.Importance = widget.WarningImportance
	c.skipBtn = s.u.newButton(tr.X("smtp.skip_cert", "Connect without checking the certificate"), c.skipCertificate)
	c.skipBtn.Importance = widget.DangerImportance
	c.skipBox = container.NewVBox(c.skipText, container.NewHBox(c.skipBtn))
	c.skipBox.Hide()
	c.log = wrappingLabel("")
	c.log.Wrapping = fyne.TextWrapBreak
	c.log.TextStyle = fyne.TextStyle{Monospace: true}
	c.log.Selectable = true
	c.logBox = widget.NewAccordion(widget.NewAccordionItem(tr.X("cmd.smtp.report.transcript", "transcript (passwords and message bodies left out):"), c.log))
	c.result = container.NewVBox(rows, c.findings, c.skipBox, c.logBox)
	c.result.Hide()
	c.kept = wrappingLabel("")
	c.kept.Importance = widget.SuccessImportance
	c.testBox = container.NewVBox(widget.NewSeparator(), container.NewHBox(c.testBtn),
		smtpHelp(tr.X("smtp.test.help", "Connects as the service will: TLS and the certificate, the login, and a sender of your domain. Nothing is sent yet; the next step sends a code.")),
		c.kept, c.result)
	c.showKept()
}

// showKept says that a test passed with these very settings, in this
// session or an earlier one (its phases are not kept, its evidence is),
// while no new result is shown.
func (c *smtpCheck) showKept() {
	text := ""
	if t := c.s.u.flow.State.Current(); t != nil && !c.result.Visible() {
		if line := wizard.PassedLine(c.s.u.tr, c.s.u.flow.State, wizard.CheckSMTPTest, t.Name); line != "" {
			text = c.s.u.tr.X("smtp.test_kept", "Tested before with these settings: %s. Test again to see each phase.", checks.Printable(line))
		}
	}
	setNote(c.kept, text)
}

func phaseTitle(tr *i18n.Translator, name wizard.PhaseName) string {
	switch name {
	case wizard.PhaseConnect:
		return tr.X("smtp.phase.connect", "Connection and greeting")
	case wizard.PhaseTLS:
		return tr.X("smtp.phase.tls", "Encryption")
	case wizard.PhaseCertificate:
		return tr.X("smtp.phase.certificate", "Certificate")
	case wizard.PhaseLogin:
		return tr.X("smtp.phase.login", "Login")
	}
	return tr.X("smtp.phase.sender", "Sender")
}

// detect looks for the server on a copy of the answers and fills the form
// with the best that answered (wizard.UseDetected).
func (c *smtpCheck) detect() {
	u := c.s.u
	snap, err := u.flow.State.Clone()
	if err != nil {
		return
	}
	c.probes.RemoveAll()
	env := u.env
	u.run(u.tr.X("smtp.detecting", "Looking for the mail server of %s…", snap.Domain), time.Minute, func(ctx context.Context, post post) error {
		det := wizard.DetectSMTP(ctx, env, snap, detectTimeout)
		post(func() { c.showDetection(det) })
		return ctx.Err()
	}, nil)
}

func (c *smtpCheck) showDetection(det *smtp.Detection) {
	u, tr := c.s.u, c.s.u.tr
	c.probes.RemoveAll()
	for _, p := range det.Probes {
		state := tr.X("setup.works", "works")
		imp := widget.SuccessImportance
		if !p.Works {
			state, imp = tr.TextOr(p.ProblemText, p.Problem), widget.DangerImportance
		} else if !p.CertValid && p.Encrypted {
			state, imp = state+": "+tr.TextOr(p.ProblemText, p.Problem), widget.WarningImportance
		}
		l := wrappingLabel(checks.Printable(p.Candidate.String() + " — " + state))
		l.Importance = imp
		c.probes.Add(l)
	}
	for _, o := range smtpFindings(tr, det.Findings) {
		c.probes.Add(o)
	}
	if det.Best != nil && wizard.UseDetected(u.flow.State, *det.Best) == nil {
		c.s.load()
		filled := widget.NewLabelWithStyle(tr.X("smtp.detected", "Filled in: %s", checks.Printable(det.Best.Candidate.String())), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		c.probes.Add(filled)
	}
	c.probes.Show()
	u.relayout()
}

// test runs wizard.TestSMTP on a copy of the answers; its evidence (a
// passed test, tied to the settings it ran with) is taken back.
func (c *smtpCheck) test() {
	s, u := c.s, c.s.u
	if s.sm.Auth == transports.AuthPassword && s.password.Text != "" && !s.storePassword() {
		return // the typed password was refused: its field says why
	}
	if err := u.flow.State.Current().Validate(); err != nil {
		u.tried = true
		s.markErrors(errorsByField(u.tr, err))
		u.relayout()
		u.setStatus(u.tr.X("status.fix_fields", "Please correct the marked fields."), true)
		return
	}
	snap, err := u.flow.State.Clone()
	if err != nil {
		return
	}
	c.clearResult()
	env := u.env
	u.setStatus("", false)
	u.run(u.tr.X("smtp.testing", "Testing the connection to %s…", checks.Printable(s.sm.Host)), time.Minute, func(ctx context.Context, post post) error {
		rep, err := wizard.TestSMTP(ctx, env, snap)
		if err == nil {
			post(func() {
				u.flow.State.Evidence = snap.Evidence
				u.changed()
				c.showReport(rep, snap.Current().SMTP)
			})
		}
		return err
	}, func(err error) {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			u.setStatus(u.tr.X("smtp.test_stopped", "The test was stopped."), false)
		default:
			s.markErrors(errorsByField(u.tr, err))
			u.relayout()
		}
	})
}

func (c *smtpCheck) showReport(rep *smtp.Report, ran *transports.SMTPSettings) {
	tr := c.s.u.tr
	for _, ph := range wizard.TestPhases(rep, ran) {
		c.phases[ph.Name].show(tr, ph.State, phaseDetail(tr, ph, rep, ran))
	}
	c.findings.RemoveAll()
	for _, o := range smtpFindings(tr, rep.Findings) {
		c.findings.Add(o)
	}
	// An untrusted certificate may be skipped, but only on the admin's
	// explicit choice, as setup asks.
	if tl := rep.TLS; tl != nil && !tl.Verified && tl.Subject != "" && ran.CertCheck == transports.CertStrict {
		c.skipText.SetText(tr.X("setup.skip_cert", "The server's certificate does not verify (%s). Connect without checking it? Only for a server you run yourself: anyone on the path could then pose as it and read the password.",
			checks.Printable(tr.TextOr(tl.VerifyProblemText, tl.VerifyProblem))))
		c.skipBox.Show()
	} else {
		c.skipBox.Hide()
	}
	lines := make([]string, len(rep.Transcript))
	for i, l := range rep.Transcript {
		lines[i] = checks.Printable(l.String())
	}
	c.log.SetText(strings.Join(lines, "\n"))
	c.result.Show()
	c.showKept()
	c.s.u.relayout()
	reveal(c.s.u, c.testBox)
	if checks.OutcomeOf(rep.Findings) == checks.Passed {
		c.s.u.setStatus(tr.X("smtp.test_passed", "The connection works as the service will make it."), false)
	} else {
		c.s.u.setStatus(tr.X("smtp.test_failed", "The test failed: see what went wrong below."), true)
	}
}

// reveal scrolls the page so that o, a child of the page's content,
// starts at the top: a result appears under the button that asked for
// it, below the fold of a long form.
func reveal(u *ui, o fyne.CanvasObject) {
	if len(u.page.Objects) == 0 {
		return
	}
	sc, ok := u.page.Objects[0].(*container.Scroll)
	if !ok || sc.Content == nil {
		return
	}
	sc.Offset.Y = max(0, min(o.Position().Y, sc.Content.Size().Height-sc.Size().Height))
	sc.Refresh()
}

// skipCertificate is the admin's explicit choice to connect to a server
// whose certificate does not verify; the test runs again.
func (c *smtpCheck) skipCertificate() {
	c.s.certCheck.set(transports.CertSkip)
	c.test()
}

func (c *smtpCheck) clearResult() {
	if c.result == nil {
		return
	}
	if c.result.Visible() {
		c.result.Hide()
		c.skipBox.Hide()
	}
	c.showKept() // settings set back to the tested ones count again
	c.s.u.relayout()
}

func (r *phaseRow) show(tr *i18n.Translator, st wizard.PhaseState, detail string) {
	switch st {
	case wizard.PhasePassed:
		r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		r.state.Importance, r.state.Text = widget.SuccessImportance, tr.X("smtp.phase.passed", "works")
	case wizard.PhaseFailed:
		r.icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
		r.state.Importance, r.state.Text = widget.DangerImportance, tr.X("smtp.phase.failed", "failed")
	case wizard.PhaseWarning:
		r.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		r.state.Importance, r.state.Text = widget.WarningImportance, tr.X("smtp.phase.warning", "works, with a risk")
	case wizard.PhaseSkipped:
		r.icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
		r.state.Importance, r.state.Text = widget.LowImportance, tr.X("smtp.phase.skipped", "not used")
	default:
		r.icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
		r.state.Importance, r.state.Text = widget.LowImportance, tr.X("smtp.phase.not_reached", "not reached")
	}
	r.state.Refresh()
	r.detail.SetText(detail)
}

// phaseDetail is what the report says about a phase, as setup prints it.
func phaseDetail(tr *i18n.Translator, ph wizard.TestPhase, rep *smtp.Report, ran *transports.SMTPSettings) string {
	p := checks.Printable
	switch ph.Name {
	case wizard.PhaseConnect:
		d := rep.Server
		if len(rep.Addresses) > 0 {
			d += " (" + strings.Join(rep.Addresses, ", ") + ")"
		}
		if rep.Greeting != "" {
			d += ": " + rep.Greeting
		}
		return p(d)
	case wizard.PhaseTLS:
		switch {
		case ph.State == wizard.PhaseSkipped:
			return tr.X("smtp.phase.tls.none", "encryption 'none': the connection is not encrypted")
		case ph.State == wizard.PhaseWarning:
			return tr.X("smtp.phase.tls.not_offered", "the server does not offer STARTTLS: the connection is not encrypted")
		case rep.TLS != nil && rep.TLS.Version != "":
			return p(rep.TLS.Version + ", " + rep.TLS.Cipher)
		}
	case wizard.PhaseCertificate:
		if t := rep.TLS; t != nil && t.Subject != "" {
			state := tr.X("cmd.smtp.report.cert_verified", "verified")
			if !t.Verified {
				state = tr.X("cmd.smtp.report.cert_not_verified", "NOT verified: %s", tr.TextOr(t.VerifyProblemText, t.VerifyProblem))
			}
			names := tr.X("cmd.smtp.report.no_names", "no host names")
			if len(t.Names) > 0 {
				names = strings.Join(t.Names, ", ")
			}
			return p(tr.X("cmd.smtp.report.cert", "%s, issued by %s, valid until %s, for %s (%s)", t.Subject, t.Issuer, t.NotAfter.Format("2006-01-02"), names, state))
		}
	case wizard.PhaseLogin:
		if ph.State == wizard.PhaseSkipped {
			return tr.X("smtp.phase.login.none", "no login: the service's addresses are allowed on the server")
		}
		if a := rep.Auth; a != nil {
			return p(strings.TrimSpace(a.Mechanism + " " + eitherWord(a.OK, tr.X("cmd.smtp.report.accepted", "accepted"), tr.X("cmd.smtp.report.failed", "failed"))))
		}
	case wizard.PhaseSender:
		if m := rep.MailFrom; m != nil {
			return p(m.Address + " " + eitherWord(m.OK, tr.X("cmd.smtp.report.sender_accepted", "accepted at MAIL FROM (not yet proof of a send-as right)"), tr.X("cmd.smtp.report.refused", "refused")))
		}
	}
	return ""
}

func eitherWord(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// smtpFindings shows findings in the admin's language, each with its fix;
// server words in them are made harmless to show.
func smtpFindings(tr *i18n.Translator, fs []checks.Finding) []fyne.CanvasObject {
	// What failed comes first: it is the explanation the admin looks for.
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b checks.Finding) int { return severityOrder(a.Severity) - severityOrder(b.Severity) })
	var out []fyne.CanvasObject
	for _, f := range fs {
		msg, fix := tr.Finding(f)
		l := wrappingLabel(checks.Printable(sentence(msg)))
		switch f.Severity {
		case checks.Error:
			l.Importance = widget.DangerImportance
		case checks.Warning:
			l.Importance = widget.WarningImportance
		}
		out = append(out, l)
		if fix != "" {
			h := smtpHelp(checks.Printable(fix))
			out = append(out, h)
		}
	}
	return out
}

func severityOrder(s checks.Severity) int {
	switch s {
	case checks.Error:
		return 0
	case checks.Warning:
		return 1
	}
	return 2
}

// smtpHelp is an explanation under a button or a finding.
func smtpHelp(text string) *widget.Label {
	l := wrappingLabel(text)
	l.TextStyle = fyne.TextStyle{Italic: true}
	return l
}
