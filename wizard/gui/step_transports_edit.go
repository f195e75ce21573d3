package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard"
)

// The transports step's editors: a transport's rule, a new DKIM key under
// a new selector, and dropping the keys rotated out.

// openRule opens transport i's rule editor, its first field focused.
func (s *transportsStep) openRule(i int) {
	s.editing = i
	s.refresh()
	if f, ok := s.fields[fmt.Sprintf("transports[%d].match.domain", i)]; ok {
		s.u.win.Canvas().Focus(f.input.(*keyEntry))
	}
}

// ruleEditor asks which mail transport i takes, as setup's askRule: the
// domain (a leading dot takes its subdomains), the part before @, and the
// part of the service when it has parts. Each field is marked on refusal.
func (s *transportsStep) ruleEditor(i int) fyne.CanvasObject {
	st, tr := s.u.flow.State, s.u.tr
	m := st.Transports[i].Match
	path := fmt.Sprintf("transports[%d].match", i)

	domain := s.u.newEntry()
	domain.SetPlaceHolder(st.Domain)
	domain.SetText(m.Domain)
	local := s.u.newEntry()
	local.SetPlaceHolder("facturen")
	local.SetText(m.LocalPart)
	s.fields[path+".domain"] = newField(tr.X("transports.rule.domain", "Sender's domain"),
		tr.X("transports.rule.domain.help", "%s for its own addresses, .%s for its subdomains too; empty for any domain.", st.Domain, st.Domain), domain)
	s.fields[path+".local_part"] = newField(tr.X("transports.rule.local", "Part before @"),
		tr.X("transports.rule.local.help", "Only the sender with this part before @, such as facturen; empty for every sender."), local)
	objs := []fyne.CanvasObject{s.fields[path+".domain"].box, s.fields[path+".local_part"].box}

	var sub *widget.Select
	if len(s.subsystems) > 0 {
		sub = widget.NewSelect(append([]string{tr.X("transports.rule.all_parts", "every part of the service")}, s.subsystems...), nil)
		sub.SetSelectedIndex(0)
		if m.Subsystem != "" {
			sub.SetSelected(m.Subsystem)
		}
		help := tr.X("transports.rule.subsystem.help", "Only mail from this part of the service, such as its invoices or its password mails.")
		if p, err := st.Profile(); err == nil && p.SubsystemsNote != "" {
			help += " " + checks.Printable(p.SubsystemsNote)
		}
		s.fields[path+".subsystem"] = newField(tr.X("transports.rule.subsystem", "Part of the service"), help, sub)
		objs = append(objs, s.fields[path+".subsystem"].box)
	}
	s.applyOpen = func() bool {
		rule := transports.Match{LocalPart: local.Text, Domain: domain.Text}
		if sub != nil && sub.SelectedIndex() > 0 {
			rule.Subsystem = sub.Selected
		}
		return s.applyRule(i, rule)
	}
	apply := func() { s.applyOpen() }
	domain.OnSubmitted = func(string) { apply() }
	local.OnSubmitted = func(string) { apply() }
	ok := s.u.newKeyButton(tr.X("transports.rule.apply", "Apply rule"), nil, apply, enterPresses)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(tr.X("button.cancel", "Cancel"), func() {
		s.editing = -1
		s.refresh()
	})
	objs = append(objs, container.NewHBox(ok, cancel))
	return container.NewPadded(container.NewVBox(objs...))
}

// applyRule sets transport i's rule (wizard.SetRule normalises it) or
// marks what it refused.
func (s *transportsStep) applyRule(i int, rule transports.Match) bool {
	st, tr := s.u.flow.State, s.u.tr
	if err := wizard.SetRule(st, i, rule); err != nil {
		s.markErrors(errorsByField(tr, err))
		s.u.relayout()
		return false
	}
	s.editing = -1
	s.u.changed()
	s.refresh()
	s.u.setStatus(tr.X("transports.rule_set", "%q now sends for: %s", st.Transports[i].Name, wizard.RuleWords(tr, st.Transports[i].Match)), false)
	return true
}

// chooseRotation asks for the key type when the service takes more than
// one, then rotates.
func (s *transportsStep) chooseRotation(i int) {
	tr := s.u.tr
	p, err := s.u.flow.State.Profile()
	if err != nil {
		setNote(s.other, sentence(tr.Error(err)))
		return
	}
	algos := wizard.KeyAlgorithms(p)
	if len(algos) == 1 {
		s.rotate(i, algos[0])
		return
	}
	names := make([]string, len(algos))
	for j, a := range algos {
		names[j] = string(a)
	}
	choice := widget.NewSelect(names, nil)
	choice.SetSelectedIndex(0)
	dialog.ShowForm(tr.X("transports.rotate", "Rotate DKIM key"), tr.X("transports.rotate.go", "Make the new key"), tr.X("button.cancel", "Cancel"),
		[]*widget.FormItem{widget.NewFormItem(tr.X("setup.algorithm", "Key type (RSA-2048 is what every receiver verifies)"), choice)},
		func(ok bool) {
			if ok {
				s.rotate(i, algos[choice.SelectedIndex()])
			}
		}, s.u.win)
}

// rotate gives hosted transport i a new key under a new selector (the old
// one kept while the new record propagates), then shows the DNS step with
// the new record, as setup does. The key is made on a copy of the answers,
// which replaces the State when it is done: the page stays as it was while
// the key is made, so nothing typed meanwhile is lost but a rule opened
// and not applied.
func (s *transportsStep) rotate(i int, algo dkimkey.Algorithm) {
	u, tr := s.u, s.u.tr
	snap, err := u.flow.State.Clone()
	if err != nil {
		setNote(s.other, sentence(tr.Error(err)))
		return
	}
	old := snap.Transports[i].Hosted.DKIM.Selector
	env := u.env
	var key *transports.DKIMKey
	u.run(tr.X("transports.rotating", "Making a new DKIM key…"), time.Minute, func(ctx context.Context, post post) error {
		k, err := wizard.RotateKey(ctx, env, snap, i, algo)
		if err != nil {
			return err
		}
		post(func() {
			*u.flow.State = *snap
			key = k
		})
		return nil
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			u.setStatus(tr.X("transports.rotate_stopped", "Stopped: no new key was made."), false)
			return
		case err != nil || key == nil:
			u.setStatus(sentence(tr.Error(err)), true)
			return
		}
		u.flow.GoTo(wizard.StepDNS)
		u.changed()
		u.show()
		u.setStatus(tr.X("setup.rotated", "New key under selector %s (%s, fingerprint %s). The old key (%s) stays in the document and its record in the DNS: mail signed with it keeps verifying while the new record propagates.",
			key.Selector, key.Algorithm, key.Fingerprint, old), false)
	})
}

// showRetiring offers to drop the rotated-out keys, once the service has
// signed with the new ones for a week.
func (s *transportsStep) showRetiring() {
	st, tr := s.u.flow.State, s.u.tr
	s.retiring.Objects = nil
	if len(st.Retiring) > 0 {
		l := widget.NewLabel(tr.X("setup.retiring", "Old DKIM keys still in the document while the new ones propagate: %s.", strings.Join(st.Retiring, ", ")))
		l.Wrapping = fyne.TextWrapWord
		drop := widget.NewButton(tr.X("transports.drop", "Drop the old keys: the service has signed with the new ones for a week"), s.dropRetired)
		s.retiring.Objects = []fyne.CanvasObject{l, container.NewHBox(drop)}
	}
	s.retiring.Refresh()
}

// dropRetired takes the old keys out of the document and names the
// records to delete from the DNS.
func (s *transportsStep) dropRetired() {
	st, tr := s.u.flow.State, s.u.tr
	dropped := wizard.DropRetired(st)
	s.u.changed()
	s.refresh()
	names := wizard.RetiredRecordNames(dropped, st.Domain)
	for j, n := range names {
		names[j] = "TXT " + n
	}
	s.u.setStatus(tr.X("setup.dropped", "Dropped %s from the document. Delete their records from the DNS too: %s.", strings.Join(dropped, ", "), strings.Join(names, ", ")), false)
}
