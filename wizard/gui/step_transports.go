package gui

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
)

// transportsStep: the ordered list the service tries top to bottom, each
// transport with its rule and what can be done with it (move, change its
// settings or rule, remove, rotate its key), the rules that can never
// match, and "which transport sends for ADDRESS?" answered as typed. As
// setup's transports menu: the same wizard functions, the same words.
type transportsStep struct {
	u *ui

	incomplete *fyne.Container // a transport a preset left unfinished
	list       *fyne.Container // a card per transport
	warnings   *fyne.Container // rules that never match
	senders    *widget.Label   // who sends the domain's senders' mail
	retiring   *fyne.Container // rotated-out keys that may be dropped
	cardErrs   map[string]*widget.Label
	fields     map[string]*field // the open rule editor's fields, by path
	editing    int               // the transport whose rule is open, or -1
	applyOpen  func() bool       // applies the open rule as typed

	routeAddr   *keyEntry
	routeSub    *keySelect // nil when the service has no subsystems
	routeAnswer *widget.Label
	subsystems  []string

	other *widget.Label
	box   *fyne.Container
}

func newTransportsStep(u *ui) stepView {
	s := &transportsStep{u: u, editing: -1}
	tr, st := u.tr, u.flow.State
	if p, err := st.Profile(); err == nil {
		s.subsystems = p.Subsystems
	}
	intro := widget.NewLabel(tr.X("setup.list", "The service tries these top to bottom; the first whose rule fits the sender sends:"))
	intro.Wrapping = fyne.TextWrapWord
	s.incomplete = container.NewVBox()
	s.list = container.NewVBox()
	s.warnings = container.NewVBox()
	s.senders = widget.NewLabel("")
	s.senders.Wrapping = fyne.TextWrapWord
	s.retiring = container.NewVBox()
	add := s.u.newIconButton(tr.X("setup.act.add", "Add a transport (another sender, subsystem or domain)"), theme.ContentAddIcon(), s.add)

	s.routeAddr = s.u.newEntry()
	s.routeAddr.SetPlaceHolder(transports.Address{Local: "facturen", Domain: st.Domain}.String())
	s.routeAddr.OnChanged = func(string) { s.route() }
	s.u.submitOnEnter(s.routeAddr)
	s.routeAnswer = widget.NewLabel("")
	s.routeAnswer.Wrapping = fyne.TextWrapWord
	routeInput := fyne.CanvasObject(s.routeAddr)
	if len(s.subsystems) > 0 {
		s.routeSub = s.u.newSelect(append([]string{tr.X("transports.route.no_part", "no particular part")}, s.subsystems...), func(string) { s.route() })
		s.routeSub.SetSelectedIndex(0)
		routeInput = container.NewGridWithColumns(2, s.routeAddr, s.routeSub)
	}
	routeField := newField(tr.X("setup.act.route", "Which transport sends for an address?"),
		tr.X("transports.route.help", "Type a sender address (and the part of the service that sends, if it has parts): the answer is what the service will do with this list."), routeInput)

	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	s.box = container.NewVBox(intro, s.incomplete, s.list, s.warnings, s.senders, container.NewHBox(add), s.retiring, s.other,
		widget.NewSeparator(), routeField.box, s.routeAnswer)
	s.refresh()
	return s
}

func (s *transportsStep) content() fyne.CanvasObject { return s.box }

// leave applies a rule typed and not applied yet, so leaving the page
// (Next, Back, the outline) does not drop it; a refused rule keeps the
// admin here with its fields marked.
func (s *transportsStep) leave() bool {
	if s.editing < 0 || s.applyOpen == nil {
		return true
	}
	return s.applyOpen()
}

// first is the "which transport sends for" box: the list above it is
// read, the box is where the admin tries an address.
func (s *transportsStep) first() fyne.Focusable { return s.routeAddr }

// markErrors marks the open rule's fields, and a transport's card with
// what is wrong with it ("transports[1]", "transports[1].smtp.host");
// what belongs to neither goes under the list.
func (s *transportsStep) markErrors(errs map[string]string) {
	rest := map[string]string{}
	onCard := map[string][]string{}
	for path, msg := range errs {
		card, _, _ := strings.Cut(path, "]")
		card += "]"
		_, isField := s.fields[path]
		if _, ok := s.cardErrs[card]; ok && !isField {
			onCard[card] = append(onCard[card], msg)
		} else {
			rest[path] = msg
		}
	}
	for card, l := range s.cardErrs {
		sort.Strings(onCard[card])
		setNote(l, strings.Join(onCard[card], "\n"))
	}
	markAll(s.fields, rest, s.other)
}

// refresh redraws everything from the State after a change.
func (s *transportsStep) refresh() {
	st, tr := s.u.flow.State, s.u.tr
	s.incomplete.Objects = nil
	if i := wizard.FirstIncomplete(st); i >= 0 {
		t := st.Transports[i]
		note := widget.NewLabel(tr.X("setup.next_transport", "Next: %q (%s) still needs its settings and checks.", t.Name, t.Type))
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.WarningImportance
		s.incomplete.Objects = []fyne.CanvasObject{note, container.NewHBox(s.u.newButton(tr.X("transports.complete", "Complete its settings"), func() { s.settings(i) }))}
	}
	s.cardErrs = map[string]*widget.Label{}
	s.fields = map[string]*field{}
	s.list.Objects = nil
	for i := range st.Transports {
		if i > 0 {
			s.list.Add(widget.NewSeparator())
		}
		s.list.Add(s.card(i))
	}
	s.warnings.Objects = nil
	for _, w := range wizard.ShadowWarnings(tr, st) {
		l := widget.NewLabel(checks.Printable(w))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		s.warnings.Add(l)
	}
	var routes []string
	for _, snd := range st.Senders {
		if i, err := wizard.Route(st, snd, ""); err == nil {
			routes = append(routes, tr.X("setup.route", "%s is sent by %q.", snd, st.Transports[i].Name))
		} else {
			routes = append(routes, tr.X("setup.route_none", "%s matches no rule: no transport sends it.", snd))
		}
	}
	setNote(s.senders, checks.PrintableText(strings.Join(routes, "\n")))
	s.showRetiring()
	s.route()
	s.incomplete.Refresh()
	s.list.Refresh()
	s.warnings.Refresh()
	s.u.relayout()
}

// card shows transport i: its place, name, type and rule, with its
// buttons and, when open, the rule's editor.
func (s *transportsStep) card(i int) fyne.CanvasObject {
	st, tr := s.u.flow.State, s.u.tr
	t := st.Transports[i]
	title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, checks.Printable(t.Name)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	kind := widget.NewLabel(s.typeWords(t.Type))
	kind.Wrapping = fyne.TextWrapWord
	rule := widget.NewLabel(tr.X("transports.rule", "Sends for: %s", checks.Printable(wizard.RuleWords(tr, t.Match))))
	rule.Wrapping = fyne.TextWrapWord
	errLabel := widget.NewLabel("")
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Importance = widget.DangerImportance
	errLabel.Hide()
	s.cardErrs[fmt.Sprintf("transports[%d]", i)] = errLabel

	up := s.u.newIconButton("", theme.MoveUpIcon(), func() { s.move(i, -1) })
	down := s.u.newIconButton("", theme.MoveDownIcon(), func() { s.move(i, 1) })
	if i == 0 {
		up.Disable()
	}
	if i == len(st.Transports)-1 {
		down.Disable()
	}
	actions := []fyne.CanvasObject{
		s.u.newButton(tr.X("transports.settings", "Change settings"), func() { s.settings(i) }),
		s.u.newButton(tr.X("transports.rule_edit", "Change rule"), func() { s.openRule(i) }),
		s.u.newButton(tr.X("transports.remove", "Remove"), func() { s.confirmRemove(i) }),
	}
	for _, r := range wizard.Rotatable(st) {
		if r == i {
			actions = append(actions, s.u.newButton(tr.X("transports.rotate", "Rotate DKIM key"), func() { s.chooseRotation(i) }))
		}
	}
	body := container.NewVBox(title, kind, rule, errLabel, container.NewGridWithColumns(3, actions...))
	if s.editing == i {
		body.Add(s.ruleEditor(i))
	}
	return container.NewBorder(nil, nil, container.NewVBox(up, down), nil, body)
}

// typeWords is how the type step names a type, with the service's name.
func (s *transportsStep) typeWords(typ transports.Type) string {
	if p, err := s.u.flow.State.Profile(); err == nil {
		for _, c := range wizard.TypeChoices(s.u.tr, p) {
			if c.Type == typ {
				return c.Title
			}
		}
	}
	return string(typ)
}

func (s *transportsStep) move(i, delta int) {
	wizard.MoveTransport(s.u.flow.State, i, delta)
	if s.editing == i {
		s.editing = i + delta
	}
	s.u.changed()
	s.refresh()
}

// settings opens transport i's settings steps, as setup's "change a
// transport's settings".
func (s *transportsStep) settings(i int) {
	if err := wizard.EditTransport(s.u.flow, i); err != nil {
		setNote(s.other, sentence(s.u.tr.Error(err)))
		return
	}
	s.u.changed()
	s.u.show()
}

// add starts a new transport at the type step.
func (s *transportsStep) add() {
	wizard.AddTransport(s.u.flow)
	s.u.changed()
	s.u.show()
}

func (s *transportsStep) confirmRemove(i int) {
	st, tr := s.u.flow.State, s.u.tr
	dialog.ShowConfirm(tr.X("transports.remove_title", "Remove this transport?"),
		tr.X("setup.remove_sure", "Remove %q? Its password and key stay in the keychain (mailwizard secrets forget removes them).", st.Transports[i].Name),
		func(ok bool) {
			if ok {
				s.remove(i)
			}
		}, s.u.win)
}

// remove takes transport i out of the list (what the confirmation does);
// its secrets stay in the keychain.
func (s *transportsStep) remove(i int) {
	wizard.RemoveTransport(s.u.flow.State, i)
	s.editing = -1
	s.u.changed()
	s.refresh()
}

// route answers "which transport sends for this address?" as the service
// will, while the admin types.
func (s *transportsStep) route() {
	st, tr := s.u.flow.State, s.u.tr
	addr := strings.TrimSpace(s.routeAddr.Text)
	if addr == "" {
		setNote(s.routeAnswer, "")
		return
	}
	sub := ""
	if s.routeSub != nil && s.routeSub.SelectedIndex() > 0 {
		sub = s.routeSub.Selected
	}
	i, err := wizard.Route(st, addr, sub)
	switch {
	case err == nil:
		s.routeAnswer.Importance = widget.SuccessImportance
		setNote(s.routeAnswer, checks.Printable(tr.X("setup.route", "%s is sent by %q.", addr, st.Transports[i].Name)))
	case errors.Is(err, transports.ErrNoTransport):
		s.routeAnswer.Importance = widget.WarningImportance
		setNote(s.routeAnswer, checks.Printable(tr.X("setup.route_none", "%s matches no rule: no transport sends it.", addr)))
	default:
		s.routeAnswer.Importance = widget.DangerImportance
		setNote(s.routeAnswer, checks.Printable(sentence(tr.Error(err))))
	}
	s.u.relayout()
}
