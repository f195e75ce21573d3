package wizard

import (
	"encoding/json"
	"strings"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// StepID names a step; it is stored in the draft so a resumed wizard opens
// where the admin left it.
type StepID string

const (
	StepWelcome       StepID = "welcome"        // the service and the language
	StepDomain        StepID = "domain"         // the domain and its senders; discovery starts
	StepTransportType StepID = "transport-type" // hosted, no-reply or own server, with a recommendation
	StepHosted        StepID = "hosted"         // SPF, DKIM and DMARC for the service's servers
	StepNoReply       StepID = "noreply"        // Reply-To, with its DMARC caveat
	StepSMTP          StepID = "smtp"           // the own server: detect, settings, test
	StepVerify        StepID = "verify"         // a code sent through the server and typed back
	StepDNS           StepID = "dns"            // the records to publish, polled until seen
	StepTransports    StepID = "transports"     // the ordered list and its rules
	StepReview        StepID = "review"         // the evidence, and the export
)

// Step is one page of the wizard: its title, when it applies, and what it
// checks before the admin may go on. Check may normalise the state (IDN
// to ASCII) and returns FieldErrors naming the state's fields, which the
// faces mark. A step whose Applies says no is skipped both ways.
type Step struct {
	ID      StepID
	Title   func(*i18n.Translator) string
	Applies func(*State) bool // nil: always
	Check   func(*State) error
}

func (st Step) applies(s *State) bool { return st.Applies == nil || st.Applies(s) }

// Steps is the wizard in order. The settings steps apply to the type of
// the transport being edited; the transports step sends the admin back to
// the type step to add another.
var Steps = []Step{
	{ID: StepWelcome, Title: func(t *i18n.Translator) string { return t.X("step.welcome.title", "Welcome") }, Check: checkWelcome},
	{ID: StepDomain, Title: func(t *i18n.Translator) string { return t.X("step.domain.title", "Your domain") }, Check: checkDomain},
	{ID: StepTransportType, Title: func(t *i18n.Translator) string { return t.X("step.type.title", "How the service sends") }, Check: checkTransportType},
	{ID: StepHosted, Title: func(t *i18n.Translator) string { return t.X("step.hosted.title", "Sending from the service's servers") },
		Applies: editing(transports.Hosted), Check: checkHosted},
	{ID: StepNoReply, Title: func(t *i18n.Translator) string { return t.X("step.noreply.title", "The service's own address") },
		Applies: editing(transports.NoReply), Check: func(*State) error { return nil }},
	{ID: StepSMTP, Title: func(t *i18n.Translator) string { return t.X("step.smtp.title", "Your own mail server") },
		Applies: editing(transports.SMTP), Check: checkSMTP},
	{ID: StepVerify, Title: func(t *i18n.Translator) string { return t.X("step.verify.title", "Prove it with a code") },
		Applies: editing(transports.SMTP), Check: checkVerify},
	{ID: StepDNS, Title: func(t *i18n.Translator) string { return t.X("step.dns.title", "Publish the DNS records") },
		Applies: func(s *State) bool { return s.hasType(transports.Hosted) }, Check: checkDNS},
	{ID: StepTransports, Title: func(t *i18n.Translator) string { return t.X("step.transports.title", "Transports and rules") }, Check: checkTransports},
	{ID: StepReview, Title: func(t *i18n.Translator) string { return t.X("step.review.title", "Review and export") }, Check: checkReview},
}

func editing(typ transports.Type) func(*State) bool {
	return func(s *State) bool { return s.CurrentType() == typ }
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

var errChooseProvider = texts.Err(transports.ErrEmpty, texts.T("wizard.welcome.no-service", "no service chosen: choose the service that will send your mail"))

// Flow walks the steps over one State.
type Flow struct {
	State *State
	index int
}

// NewFlow starts at the step the draft was saved on, or earlier if an
// answer before it no longer passes its check (a profile file that moved).
func NewFlow(s *State) *Flow {
	if s.Step == "summary" { // the last step of version 1 drafts
		s.Step = StepTransportType
	}
	f := &Flow{State: s}
	target := f.find(s.Step)
	for f.index < target && Steps[f.index].Check(s) == nil {
		next := f.following(f.index)
		if next < 0 || next > target {
			break
		}
		f.index = next
	}
	if !Steps[f.index].applies(s) {
		f.index = 0
	}
	f.State.Step = Steps[f.index].ID
	return f
}

func (f *Flow) find(id StepID) int {
	for i, st := range Steps {
		if st.ID == id {
			return i
		}
	}
	return 0
}

// following is the next step after i that applies, or -1.
func (f *Flow) following(i int) int {
	for j := i + 1; j < len(Steps); j++ {
		if Steps[j].applies(f.State) {
			return j
		}
	}
	return -1
}

// preceding is the step before i that applies, or -1.
func (f *Flow) preceding(i int) int {
	for j := i - 1; j >= 0; j-- {
		if Steps[j].applies(f.State) {
			return j
		}
	}
	return -1
}

// Current is the step shown now.
func (f *Flow) Current() Step { return Steps[f.index] }

// Position returns the 1-based number of the current step among those
// that apply now, and their count.
func (f *Flow) Position() (int, int) {
	n, total := 0, 0
	for i, st := range Steps {
		if st.applies(f.State) {
			total++
			if i <= f.index {
				n++
			}
		}
	}
	return n, total
}

// Outline lists the steps that apply now, for a face's overview.
func (f *Flow) Outline() []Step {
	var out []Step
	for _, st := range Steps {
		if st.applies(f.State) {
			out = append(out, st)
		}
	}
	return out
}

// CanBack reports whether there is a step before this one.
func (f *Flow) CanBack() bool { return f.preceding(f.index) >= 0 }

// AtEnd reports whether this is the last step.
func (f *Flow) AtEnd() bool { return f.following(f.index) < 0 }

// Next checks the current step and moves on when it passes. On failure it
// stays and returns the errors, each naming the field to mark.
func (f *Flow) Next() error {
	if err := f.Current().Check(f.State); err != nil {
		return err
	}
	next := f.following(f.index)
	if next < 0 {
		return nil
	}
	if f.leavingSettings(next) {
		// Transports answered ahead (a preset) are each taken through
		// their settings before the DNS step, so that it shows every
		// record at once.
		if i := FirstIncomplete(f.State); i >= 0 && i != f.State.Editing-1 {
			f.State.Editing = i + 1
			next = f.find(StepTransportType)
		}
	}
	f.index = next
	f.State.Step = Steps[f.index].ID
	return nil
}

// leavingSettings reports whether moving to next leaves the steps of one
// transport (its type, settings and code) for the steps of the whole list.
func (f *Flow) leavingSettings(next int) bool {
	typeStep, dnsStep := f.find(StepTransportType), f.find(StepDNS)
	return f.index >= typeStep && f.index < dnsStep && next >= dnsStep
}

// Back moves to the previous step without checking: going back never
// loses or blocks anything.
func (f *Flow) Back() {
	if prev := f.preceding(f.index); prev >= 0 {
		f.index = prev
		f.State.Step = Steps[f.index].ID
	}
}

// GoTo shows step id, when it applies: the admin clicking a step in the
// outline, or the transports step sending them to add or edit one. Steps
// before it are not rechecked; their own Next did that.
func (f *Flow) GoTo(id StepID) bool {
	i := f.find(id)
	if Steps[i].ID != id || !Steps[i].applies(f.State) {
		return false
	}
	f.index = i
	f.State.Step = id
	return true
}

// Preview checks the current step on a copy of the state: a face enables
// Next and marks fields while the admin types, without the check's
// normalising (an IDN domain to ASCII) rewriting what is in the fields.
func (f *Flow) Preview() error {
	c, err := f.State.Clone()
	if err != nil {
		return err
	}
	return f.Current().Check(c)
}

// Clone is a deep copy of the state, as the draft keeps it: a face hands
// it to an action that runs off its UI thread (a test, a code to send)
// while the admin may go on typing into the original.
func (s *State) Clone() (*State, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var c State
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
