package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
)

// domainStep: the domain the service will send for.
type domainStep struct {
	u      *ui
	entry  *widget.Entry
	fields map[string]*field
	ascii  *widget.Label
	other  *widget.Label
	box    *fyne.Container
}

func newDomainStep(u *ui) *domainStep {
	s := &domainStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State
	entry := widget.NewEntry()
	entry.SetPlaceHolder("example.nl")
	entry.SetText(st.Domain)
	s.entry = entry
	u.submitOnEnter(entry)
	s.ascii = widget.NewLabel("")
	s.ascii.Importance = widget.LowImportance
	entry.OnChanged = func(text string) {
		st.Domain = text
		u.changed()
		s.showASCII(text)
		u.relayout()
	}
	s.fields["domain"] = newField(tr.X("domain.label", "Sender domain"),
		tr.X("domain.help", "The part after @ in the addresses the service will send from, such as example.nl for invoices@example.nl. "+
			"You need access to this domain's DNS settings to publish the records the next steps show."),
		entry)
	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	s.box = container.NewVBox(s.fields["domain"].box, s.ascii, s.other)
	s.showASCII(st.Domain)
	return s
}

// showASCII shows how an internationalised name is written in DNS, so the
// admin recognises it in their DNS provider's panel.
func (s *domainStep) showASCII(text string) {
	ascii, err := transports.NormalizeDomain(text)
	if err != nil || ascii == text {
		setNote(s.ascii, "")
		return
	}
	setNote(s.ascii, s.u.tr.X("domain.ascii", "In DNS this domain is written %s", ascii))
}

func (s *domainStep) content() fyne.CanvasObject { return s.box }

func (s *domainStep) first() fyne.Focusable { return s.entry }

func (s *domainStep) markErrors(errs map[string]string) { markAll(s.fields, errs, s.other) }
