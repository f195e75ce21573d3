package wizard

import (
	"strings"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// StepID names a step; it is stored in the draft so a resumed wizard opens
// where the admin left it.
type StepID string

const (
	StepWelcome StepID = "welcome" // choose the service and the language
	StepDomain  StepID = "domain"  // the domain the service will send for
	StepSummary StepID = "summary" // what was chosen and what comes next
)

// Step is one page of the wizard: its texts and what it checks before the
// admin may go on. Check may normalise the state (IDN to ASCII) and
// returns FieldErrors naming the state's fields, which the front ends mark.
type Step struct {
	ID    StepID
	Title func(*i18n.Translator) string
	Check func(*State) error
}

// Steps is the wizard in order. Later steps (transports, DKIM, DNS, SMTP
// verification, export) are inserted before the summary as they land.
var Steps = []Step{
	{ID: StepWelcome, Title: func(t *i18n.Translator) string { return t.X("step.welcome.title", "Welcome") }, Check: checkWelcome},
	{ID: StepDomain, Title: func(t *i18n.Translator) string { return t.X("step.domain.title", "Your domain") }, Check: checkDomain},
	{ID: StepSummary, Title: func(t *i18n.Translator) string { return t.X("step.summary.title", "Summary") }, Check: func(*State) error { return nil }},
}

func checkWelcome(s *State) error {
	if s.Lang == "" {
		s.Lang = i18n.English
	}
	if _, err := i18n.Parse(string(s.Lang)); err != nil {
		return transports.FieldErrors{{Field: "lang", Err: err}}
	}
	if strings.TrimSpace(s.Provider) == "" {
		return transports.FieldErrors{{Field: "provider", Err: errChooseProvider}}
	}
	_, err := s.Profile()
	return err
}

var errChooseProvider = &reason{msg: "no service chosen: choose the service that will send your mail", kind: transports.ErrEmpty}

func checkDomain(s *State) error {
	d, err := transports.NormalizeDomain(s.Domain)
	if err != nil {
		return transports.FieldErrors{{Field: "domain", Err: err}}
	}
	s.Domain = d
	return nil
}

// reason is an error with its own message that errors.Is still matches
// against a transports sentinel.
type reason struct {
	msg  string
	kind error
}

func (r *reason) Error() string { return r.msg }
func (r *reason) Unwrap() error { return r.kind }

// Flow walks the steps over one State.
type Flow struct {
	State *State
	index int
}

// NewFlow starts at the step the draft was saved on, or earlier if an
// answer before it no longer passes its check (a profile file that moved).
func NewFlow(s *State) *Flow {
	target := 0
	for i, st := range Steps {
		if st.ID == s.Step {
			target = i
		}
	}
	f := &Flow{State: s}
	for f.index < target && Steps[f.index].Check(s) == nil {
		f.index++
	}
	f.State.Step = Steps[f.index].ID
	return f
}

// Current is the step shown now.
func (f *Flow) Current() Step { return Steps[f.index] }

// Position returns the 1-based number of the current step and the total.
func (f *Flow) Position() (int, int) { return f.index + 1, len(Steps) }

// CanBack reports whether there is a step before this one.
func (f *Flow) CanBack() bool { return f.index > 0 }

// AtEnd reports whether this is the last step.
func (f *Flow) AtEnd() bool { return f.index == len(Steps)-1 }

// Next checks the current step and moves on when it passes. On failure it
// stays and returns the errors, each naming the field to mark.
func (f *Flow) Next() error {
	if err := f.Current().Check(f.State); err != nil {
		return err
	}
	if !f.AtEnd() {
		f.index++
		f.State.Step = Steps[f.index].ID
	}
	return nil
}

// Back moves to the previous step without checking: going back never
// loses or blocks anything.
func (f *Flow) Back() {
	if f.index > 0 {
		f.index--
		f.State.Step = Steps[f.index].ID
	}
}
