package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// summaryStep stands in for the steps the window does not show yet: what
// was chosen, where the draft is kept, and that `mailwizard setup`
// continues from the same draft.
type summaryStep struct {
	u   *ui
	box *fyne.Container
}

func newSummaryStep(u *ui) *summaryStep {
	tr, st := u.tr, u.flow.State
	service := st.Provider
	if p, err := st.Profile(); err == nil {
		service = p.Name
	}
	form := widget.NewForm(
		widget.NewFormItem(tr.X("summary.service", "Service"), widget.NewLabel(service)),
		widget.NewFormItem(tr.X("summary.domain", "Sender domain"), widget.NewLabel(st.Domain)),
	)
	next := widget.NewLabel(tr.X("summary.setup",
		"Your answers are saved. The window does not show this step yet: run mailwizard setup in a terminal, "+
			"which continues from these answers through the transports, the DKIM key, the DNS records, the verification code and the export."))
	next.Wrapping = fyne.TextWrapWord
	draft := widget.NewLabel(tr.X("summary.draft", "Draft kept in %s", u.sess.Drafts.Path))
	draft.Wrapping = fyne.TextWrapBreak
	draft.Importance = widget.LowImportance
	return &summaryStep{u: u, box: container.NewVBox(form, next, draft)}
}

func (s *summaryStep) content() fyne.CanvasObject { return s.box }

func (s *summaryStep) markErrors(map[string]string) {}
