package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
)

// domainStep: the domain the service will send for.
type domainStep struct {
	u       *ui
	entry   *keyEntry
	fields  map[string]*field
	ascii   *widget.Label
	senders *keyEntry
	other   *widget.Label
	box     *fyne.Container
}

func newDomainStep(u *ui) *domainStep {
	s := &domainStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State
	entry := s.u.newEntry()
	entry.SetPlaceHolder("example.nl")
	entry.SetText(st.Domain)
	s.entry = entry
	u.submitOnEnter(entry)
	s.ascii = widget.NewLabel("")
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
	s.senders = s.u.newEntry()
	s.senders.SetPlaceHolder("facturen, info@example.nl")
	s.senders.SetText(strings.Join(st.Senders, ", "))
	u.submitOnEnter(s.senders)
	s.senders.OnChanged = func(text string) {
		st.Senders = splitSenders(text)
		u.changed()
	}
	s.fields["senders"] = newField(tr.X("domain.senders", "Sender addresses"),
		tr.X("domain.senders.help", "The addresses the service sends as, separated by commas: whole addresses, or only the part before @ for addresses of this domain "+
			"(facturen stands for facturen@ your domain). Test mails through your own server are sent from them, and the wizard checks that each may be sent as. "+
			"Leave it empty if you do not know them yet."),
		s.senders)
	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	s.box = container.NewVBox(s.fields["domain"].box, s.ascii, s.fields["senders"].box, s.other)
	s.showASCII(st.Domain)
	return s
}

// splitSenders reads the senders as typed, as setup does: separated by
// commas, blanks dropped.
func splitSenders(text string) []string {
	var out []string
	for _, a := range strings.Split(text, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
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

// markErrors shows the refusals of single senders ("senders[1]") on the
// one senders field, in the order typed, each naming the sender.
func (s *domainStep) markErrors(errs map[string]string) {
	typed := splitSenders(s.senders.Text)
	merged := map[string]string{}
	bad := map[int]string{}
	for path, msg := range errs {
		var i int
		if _, err := fmt.Sscanf(path, "senders[%d]", &i); err != nil || i < 0 || i >= len(typed) {
			merged[path] = msg
			continue
		}
		bad[i] = typed[i] + ": " + msg
	}
	var lines []string
	for i := range typed {
		if msg, ok := bad[i]; ok {
			lines = append(lines, msg)
		}
	}
	if len(lines) > 0 {
		merged["senders"] = strings.Join(lines, "\n")
	}
	markAll(s.fields, merged, s.other)
}
