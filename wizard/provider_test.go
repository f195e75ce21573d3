package wizard

import (
	"strings"
	"testing"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The facts of every built-in profile read in the admin's language: in
// Dutch none of the profile's English texts is left, and its Dutch ones
// are there.
func TestProviderFactsInDutch(t *testing.T) {
	ps, err := transports.BuiltinProviders()
	if err != nil {
		t.Fatal(err)
	}
	en, nl := i18n.New(i18n.English), i18n.New(i18n.Dutch)
	for _, p := range ps {
		english := strings.Join(ProviderFacts(en, p), "\n")
		dutch := strings.Join(ProviderFacts(nl, p), "\n")
		texts := append([]string{p.Description, p.SubsystemsNote, p.DKIM.Requires}, p.Notes...)
		d := p.Translations["nl"]
		dutchTexts := append([]string{d.Description, d.SubsystemsNote, d.DKIM.Requires}, d.Notes...)
		for i, s := range texts {
			if s == "" {
				continue
			}
			if !strings.Contains(english, s) {
				t.Errorf("%s: the English facts lack %q", p.ID, s)
			}
			if strings.Contains(dutch, s) {
				t.Errorf("%s: the Dutch facts keep the English %q", p.ID, s)
			}
			if !strings.Contains(dutch, dutchTexts[i]) {
				t.Errorf("%s: the Dutch facts lack %q:\n%s", p.ID, dutchTexts[i], dutch)
			}
		}
	}
}

func TestNextStepsInDutch(t *testing.T) {
	so, err := transports.LoadProvider("spinoffice")
	if err != nil {
		t.Fatal(err)
	}
	s := &State{Domain: "example.nl", Transports: []transports.Transport{{Type: transports.Hosted}}}
	steps := strings.Join(NextSteps(i18n.New(i18n.Dutch), s, so, "mail.json"), "\n")
	if !strings.Contains(steps, "de Pro-versie van SpinOffice") || !strings.Contains(steps, "DKIM-mailserver") || strings.Contains(steps, "Pro edition") {
		t.Errorf("Dutch next steps:\n%s", steps)
	}
}

func TestProviderName(t *testing.T) {
	custom, err := transports.LoadProvider("custom")
	if err != nil {
		t.Fatal(err)
	}
	if got := ProviderName(i18n.New(i18n.Dutch), custom); got != "Andere dienst" {
		t.Errorf("custom in Dutch: %q", got)
	}
	named := *custom
	named.Name = "Acme Mailer" // what the admin typed for their service
	if got := ProviderName(i18n.New(i18n.Dutch), &named); got != "Acme Mailer" {
		t.Errorf("a named custom service: %q", got)
	}
}
