package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// typeStep: how the service sends for the transport being edited. Where
// the answer steers the advice, it first asks whether the admin can change
// the domain's DNS, as setup does; then one card per type the service
// offers, with what it costs, the recommended one marked with the reason.
// The recommendation is made again when discovery has looked at the domain.
type typeStep struct {
	u       *ui
	p       *transports.Provider
	which   *widget.Label // "Transport 2 of 2: …" when there are several
	yes, no *keyButton
	note    *discoveryNote // while discovery looks at the domain, with Stop
	choices []wizard.TypeChoice
	buttons []*keyButton    // one per card: choosing the type
	recs    []*widget.Label // one per card: the recommendation, on one
	cards   *fyne.Container
	fields  map[string]*field
	other   *widget.Label
	box     *fyne.Container
}

func newTypeStep(u *ui) stepView {
	s := &typeStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State
	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	p, err := st.Profile()
	if err != nil {
		s.box = container.NewVBox(s.other)
		s.markErrors(errorsByField(tr, err))
		return s
	}
	s.p = p
	s.which = widget.NewLabel("")
	s.which.Wrapping = fyne.TextWrapWord
	s.which.TextStyle = fyne.TextStyle{Bold: true}
	s.note = u.newDiscoveryNote(tr.X("type.looking", "Looking at the DNS of %s: the recommendation may change when that is done.", st.Domain))

	objs := []fyne.CanvasObject{s.which}
	if s.asksAccess() {
		s.yes = s.u.newKeyButton(tr.X("type.dns_access.yes", "Yes, I can add DNS records"), nil, func() { s.setAccess(true) }, enterChooses)
		s.no = s.u.newKeyButton(tr.X("type.dns_access.no", "No, I cannot"), nil, func() { s.setAccess(false) }, enterChooses)
		s.fields["dns_access"] = newField(tr.X("setup.dns_access", "Can you add records to the DNS of %s?", st.Domain),
			tr.X("type.dns_access.help", "Sending from %s's servers with your domain as sender needs records in your domain's DNS: an SPF include and, best, a DKIM key. "+
				"If you cannot add them, and nobody can do it for you, a way that needs no DNS changes is recommended.", checks.Printable(p.Name)),
			container.NewHBox(s.yes, s.no))
		objs = append(objs, s.fields["dns_access"].box)
	}

	s.choices = wizard.TypeChoices(tr, p)
	var cards []fyne.CanvasObject
	for i, c := range s.choices {
		b := s.u.newKeyButton(c.Title, theme.RadioButtonIcon(), func() { s.choose(i) }, enterChooses)
		b.Alignment = widget.ButtonAlignLeading
		cost := widget.NewLabel(c.Cost)
		cost.Wrapping = fyne.TextWrapWord
		rec := widget.NewLabel("")
		rec.Wrapping = fyne.TextWrapWord
		rec.Importance = widget.SuccessImportance
		rec.Hide()
		s.buttons, s.recs = append(s.buttons, b), append(s.recs, rec)
		cards = append(cards, widget.NewCard("", "", container.NewVBox(b, cost, rec)))
	}
	s.cards = container.NewVBox(cards...)
	s.fields["type"] = newField(tr.X("type.label", "How should %s send?", checks.Printable(p.Name)),
		tr.X("type.help", "Each way is one transport. You can add more later (for example the no-reply address for password mails), each with a rule for the senders it takes."),
		s.cards)
	objs = append(objs, s.note.box, s.fields["type"].box, s.other)
	s.box = container.NewVBox(objs...)

	s.showWhich()
	s.showAccess()
	s.showChosen()
	s.recommend()
	return s
}

// asksAccess: the DNS question matters only where the service offers its
// own servers (which need DNS changes) and something else besides.
func (s *typeStep) asksAccess() bool {
	return s.p.Supports(transports.Hosted) && len(s.p.Transports) > 1
}

func (s *typeStep) setAccess(can bool) {
	s.u.flow.State.DNSAccess = &can
	s.u.changed()
	s.showAccess()
	s.recommend()
	s.u.relayout()
}

// showAccess marks the DNS answer and shows the cards once it is given
// (or when a type is chosen already: a transport opened to be changed).
func (s *typeStep) showAccess() {
	st := s.u.flow.State
	if s.yes == nil {
		return
	}
	a := st.DNSAccess
	setChosen(s.yes, a != nil && *a)
	setChosen(s.no, a != nil && !*a)
	setVisible(s.fields["type"].box, a != nil || st.CurrentType() != "")
}

// choose makes the transport being edited one of the card's type (a new
// transport when the transports step is adding one).
func (s *typeStep) choose(i int) {
	st := s.u.flow.State
	if err := st.ChooseType(s.p, s.choices[i].Type, s.u.env.Time()); err != nil {
		s.markErrors(errorsByField(s.u.tr, err))
		s.u.relayout()
		return
	}
	s.u.changed()
	s.showChosen()
	s.showWhich()
	s.u.refreshOutline() // the steps that follow depend on the type
	s.u.relayout()
}

func (s *typeStep) showChosen() {
	typ := s.u.flow.State.CurrentType()
	for i, c := range s.choices {
		setChosen(s.buttons[i], c.Type == typ)
	}
}

// setChosen draws a choice button as a selected or unselected radio.
func setChosen(b *keyButton, chosen bool) {
	if chosen {
		b.Icon, b.Importance = theme.RadioButtonCheckedIcon(), widget.HighImportance
	} else {
		b.Icon, b.Importance = theme.RadioButtonIcon(), widget.LowImportance
	}
	b.Refresh()
}

// showWhich names the transport being edited when there are several.
func (s *typeStep) showWhich() {
	tr, st := s.u.tr, s.u.flow.State
	n := len(st.Transports)
	switch t := st.Current(); {
	case t != nil && n > 1:
		setNote(s.which, tr.X("setup.transport_n", "Transport %d of %d: %q (%s), for %s.", st.Editing, n, t.Name, t.Type, t.Match.String()))
	case t == nil && n > 0:
		setNote(s.which, tr.X("type.transport_new", "Transport %d of %d: a new one, tried after the others.", n+1, n+1))
	default:
		setNote(s.which, "")
	}
}

// recommend marks the card the answers and discovery suggest, with the
// reason; while discovery runs it says the domain is being looked at.
func (s *typeStep) recommend() {
	tr, st := s.u.tr, s.u.flow.State
	d := s.u.discovery()
	s.note.show(nil)
	rec := wizard.Recommend(tr, st, s.p, d)
	for i, c := range s.choices {
		if c.Type == rec.Type {
			setNote(s.recs[i], tr.X("type.recommended", "Recommended: %s", rec.Reason))
		} else {
			setNote(s.recs[i], "")
		}
	}
}

func (s *typeStep) discovered(*wizard.Discovery) {
	if s.p != nil {
		s.recommend()
	}
}

func (s *typeStep) content() fyne.CanvasObject { return s.box }

// first is the DNS question while unanswered, else the chosen card.
func (s *typeStep) first() fyne.Focusable {
	st := s.u.flow.State
	if s.p == nil {
		return nil
	}
	if s.yes != nil && st.DNSAccess == nil && st.CurrentType() == "" {
		return s.yes
	}
	for i, c := range s.choices {
		if c.Type == st.CurrentType() {
			return s.buttons[i]
		}
	}
	return s.buttons[0]
}

func (s *typeStep) markErrors(errs map[string]string) { markAll(s.fields, errs, s.other) }

func (s *typeStep) discoveryNote() *discoveryNote { return s.note }
