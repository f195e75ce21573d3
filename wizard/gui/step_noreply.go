package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard"
)

// noReplyStep: the service sends from its own address, so nothing in the
// domain's DNS changes. The one choice is whether to copy the sender into
// Reply-To, with what that means under the domain's DMARC policy, which
// the advice names once discovery has read it.
type noReplyStep struct {
	u       *ui
	p       *transports.Provider
	advice  *widget.Label
	note    *discoveryNote // while discovery reads the DMARC policy, with Stop
	replyTo *keyCheck
	fields  map[string]*field
	other   *widget.Label
	box     *fyne.Container
}

func newNoReplyStep(u *ui) stepView {
	s := &noReplyStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State
	s.other = wrapped("")
	s.other.Hide()
	p, err := st.Profile()
	if err == nil && (st.Current() == nil || st.Current().NoReply == nil) {
		err = wizard.SetReplyToFrom(st, false) // says no no-reply transport is being edited
	}
	if err != nil {
		s.box = container.NewVBox(s.other)
		s.markErrors(errorsByField(tr, err))
		return s
	}
	s.p = p
	s.advice = wrapped("")
	s.note = u.newDiscoveryNote(tr.X("noreply.looking", "Looking at the DMARC policy of %s…", st.Domain))
	s.replyTo = s.u.newCheck(tr.X("noreply.replyto.check", "Copy the sender into Reply-To"), nil)
	s.replyTo.Checked = st.Current().NoReply.ReplyToFrom
	s.replyTo.OnChanged = func(on bool) {
		if err := wizard.SetReplyToFrom(u.flow.State, on); err != nil {
			s.markErrors(errorsByField(tr, err))
		}
		u.changed()
	}
	s.fields["noreply.reply_to_from"] = newField(tr.X("noreply.replyto.label", "Reply-To"),
		tr.X("noreply.replyto.help", "With it on, an answer goes to the sender the mail is sent for (such as facturen@%s) instead of to the service's no-reply address. Off by default.", st.Domain),
		s.replyTo)
	s.box = container.NewVBox(s.advice, s.note.box, s.fields["noreply.reply_to_from"].box, s.other)
	s.showAdvice()
	return s
}

// showAdvice says what copying the sender into Reply-To means, with the
// DMARC caveat for this domain once discovery has read its policy.
func (s *noReplyStep) showAdvice() {
	tr, st := s.u.tr, s.u.flow.State
	d := s.u.discovery()
	s.advice.SetText(wizard.ReplyToAdvice(tr, st, s.p, d))
	s.note.show(nil)
}

func (s *noReplyStep) discoveryNote() *discoveryNote { return s.note }

func (s *noReplyStep) discovered(*wizard.Discovery) {
	if s.p != nil {
		s.showAdvice()
	}
}

func (s *noReplyStep) content() fyne.CanvasObject { return s.box }

func (s *noReplyStep) first() fyne.Focusable {
	if s.replyTo == nil {
		return nil
	}
	return s.replyTo
}

func (s *noReplyStep) markErrors(errs map[string]string) { markAll(s.fields, errs, s.other) }
