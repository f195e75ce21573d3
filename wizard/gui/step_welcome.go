package gui

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// welcomeStep: choose the language and the service that will send the mail.
type welcomeStep struct {
	u       *ui
	lang    *keySelect
	radio   *radioList
	fields  map[string]*field
	details *widget.Label
	custom  *fyne.Container
	other   *widget.Label
	box     *fyne.Container
}

func newWelcomeStep(u *ui) *welcomeStep {
	s := &welcomeStep{u: u, fields: map[string]*field{}}
	tr, st := u.tr, u.flow.State

	intro := widget.NewLabel(tr.X("welcome.intro",
		"This wizard sets up how a hosted service sends mail for your domain. It checks each setting against the real DNS and mail servers, "+
			"shows the exact DNS records to publish, and ends with one configuration file to upload to the service. "+
			"Your answers are saved as you type: you can close the window and carry on later."))
	intro.Wrapping = fyne.TextWrapWord

	langNames := make([]string, len(i18n.Supported))
	for i, l := range i18n.Supported {
		langNames[i] = l.Name()
	}
	langSelect := s.u.newSelect(langNames, nil)
	langSelect.SetSelected(st.Lang.Name())
	langSelect.OnChanged = func(name string) {
		for _, l := range i18n.Supported {
			if l.Name() == name {
				u.setLang(l)
			}
		}
	}
	s.lang = langSelect
	s.fields["lang"] = newField(tr.X("welcome.lang", "Language"), "", langSelect)

	s.details = widget.NewLabel("")
	s.details.Wrapping = fyne.TextWrapWord
	s.custom = s.customForm()
	if p := transports.Locked(); p != nil {
		// A build for one service: it is shown, not chosen.
		name := widget.NewLabelWithStyle(checks.Printable(p.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		s.fields["provider"] = newField(tr.X("welcome.provider", "Service"),
			tr.X("welcome.provider.locked", "This wizard is made for %s: it sets up your domain for that service only.", checks.Printable(p.Name)), name)
	} else {
		s.providerRadio(providerChoices(tr, st))
	}
	openProfile := s.u.newButton(tr.X("welcome.open_profile", "Open a profile file…"), s.chooseProfileFile)
	if transports.Locked() != nil {
		openProfile.Hide()
	}
	openExport := s.u.newButton(tr.X("welcome.open_export", "Open an exported configuration…"), s.chooseExport)
	exportHelp := widget.NewLabel(tr.X("welcome.open_export.help", "To change a configuration exported before (add a transport, change settings, rotate a DKIM key), open it: the wizard continues at its transports."))
	exportHelp.Wrapping = fyne.TextWrapWord

	s.other = widget.NewLabel("")
	s.other.Wrapping = fyne.TextWrapWord
	s.other.Hide()
	s.box = container.NewVBox(intro, s.fields["lang"].box, s.fields["provider"].box,
		container.NewHBox(openProfile, openExport), exportHelp, s.details, s.custom, s.other)
	s.refreshDetails()
	return s
}

// providerRadio is the choice of service, one of ids by its label.
func (s *welcomeStep) providerRadio(ids, labels []string) {
	u, tr, st := s.u, s.u.tr, s.u.flow.State
	radio := s.u.newRadioList(labels, nil)
	for i, id := range ids {
		if id == st.Provider {
			radio.SetSelected(labels[i])
		}
	}
	s.radio = radio
	radio.OnChanged = func(label string) {
		for i, l := range labels {
			if l == label {
				st.Provider = ids[i]
			}
		}
		if label == "" {
			st.Provider = ""
		}
		u.changed()
		s.refreshDetails()
		u.relayout()
	}
	s.fields["provider"] = newField(tr.X("welcome.provider", "Service"),
		tr.X("welcome.provider.help", "The service that will send mail with your domain as sender. If it is not listed, open the profile file your service's support desk sent, or choose \"Other service\" and fill in what its documentation says."),
		radio)

}

// chooseProfileFile lets the admin pick a profile file from their support
// desk; a file that does not load is reported on the provider field.
func (s *welcomeStep) chooseProfileFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		if _, err := transports.LoadProvider(path); err != nil {
			s.markErrors(map[string]string{"provider": sentence(s.u.tr.Error(err))})
			s.u.relayout()
			return
		}
		s.u.flow.State.Provider = path
		s.u.changed()
		s.u.show() // rebuild the page with the file among the choices
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// chooseExport lets the admin pick a configuration exported before.
func (s *welcomeStep) chooseExport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.openExport(path)
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// openExport replaces the answers with those of an exported document
// (what the file dialog calls), as setup --from-export does, and shows the
// flow where it resumes: the transports step, exporting over the same
// file by default. A file that does not load is said in words.
func (s *welcomeStep) openExport(path string) {
	u := s.u
	st, err := wizard.FromDocument(path, u.flow.State.Lang)
	if err != nil {
		s.other.Importance = widget.DangerImportance
		setNote(s.other, u.tr.X("welcome.open_export.failed", "%s cannot be opened: %s", filepath.Base(path), u.tr.Error(err)))
		u.relayout()
		return
	}
	u.flow = wizard.NewFlow(st)
	u.sess.Flow = u.flow
	u.forgetDiscovery() // discovery looks again, for this document's service
	u.changed()
	u.show()
}

// providerChoices lists the built-in profiles and, if the draft names a
// profile file, that one too.
func providerChoices(tr *i18n.Translator, st *wizard.State) (ids, labels []string) {
	ps, _ := transports.BuiltinProviders()
	builtin := false
	for _, p := range ps {
		name := p.Name
		if p.ID == "custom" {
			name = tr.X("provider.custom.name", "Other service")
		}
		ids, labels = append(ids, p.ID), append(labels, name)
		builtin = builtin || p.ID == st.Provider
	}
	if st.Provider != "" && !builtin {
		if p, err := transports.LoadProvider(st.Provider); err == nil {
			ids, labels = append([]string{st.Provider}, ids...), append([]string{tr.X("welcome.profile_file", "%s (profile file)", checks.Printable(p.Name))}, labels...)
		}
	}
	return ids, labels
}

func (s *welcomeStep) customForm() *fyne.Container {
	tr, st := s.u.tr, s.u.flow.State
	if st.Custom == nil {
		st.Custom = &wizard.CustomFields{}
	}
	c := st.Custom
	entry := func(key, label, help, placeholder string, value *string) *field {
		e := s.u.newEntry()
		e.SetPlaceHolder(placeholder)
		e.SetText(*value)
		e.OnChanged = func(text string) {
			*value = text
			s.u.changed()
		}
		s.u.submitOnEnter(e)
		f := newField(label, help, e)
		s.fields["custom."+key] = f
		return f
	}
	return container.NewVBox(
		entry("name", tr.X("custom.name", "Name of the service"), "", "Acme Mailer", &c.Name).box,
		entry("spf_include", tr.X("custom.spf_include", "SPF include"),
			tr.X("custom.spf_include.help", "The domain the service asks you to add to your SPF record as include:…, if any."), "spf.example-service.com", &c.SPFInclude).box,
		entry("sending_ranges", tr.X("custom.sending_ranges", "Sending IP ranges"),
			tr.X("custom.sending_ranges.help", "The addresses the service sends from, in CIDR notation, separated by commas. Used to check your SPF record and to allow-list the service on your own mail server."), "192.0.2.0/24, 2001:db8::/32", &c.SendingRanges).box,
		entry("noreply_address", tr.X("custom.noreply_address", "No-reply address"),
			tr.X("custom.noreply_address.help", "The service's own sender address, if it offers to send from it."), "noreply@example-service.com", &c.NoReplyAddress).box,
	)
}

// refreshDetails explains what the chosen service needs from the admin.
func (s *welcomeStep) refreshDetails() {
	st := s.u.flow.State
	if st.Provider == "custom" {
		s.custom.Show()
		setNote(s.details, "")
		return
	}
	s.custom.Hide()
	if st.Provider == "" {
		setNote(s.details, "")
		return
	}
	p, err := transports.LoadProvider(st.Provider)
	if err != nil {
		setNote(s.details, s.u.tr.Error(err))
		return
	}
	setNote(s.details, describeProvider(s.u.tr, p))
}

// describeProvider shows the profile's facts; a profile file comes from
// outside, so its text is made harmless to show (checks.Printable).
func describeProvider(tr *i18n.Translator, p *transports.Provider) string {
	lines := wizard.ProviderFacts(tr, p)
	for i, l := range lines {
		lines[i] = checks.Printable(l)
	}
	return strings.Join(lines, "\n")
}

func (s *welcomeStep) content() fyne.CanvasObject { return s.box }

// first is the language: the first question, and Enter on it moves on
// once a service is chosen.
func (s *welcomeStep) first() fyne.Focusable { return s.lang }

func (s *welcomeStep) markErrors(errs map[string]string) { markAll(s.fields, errs, s.other) }
