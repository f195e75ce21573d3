package gui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// smtpStep: the admin's own mail server, as setup asks it — where it is
// (host, encryption, port, certificate check), how the service logs in
// (a password kept in the keychain, or its addresses allowed on the
// server) and whose rights it sends with; "Detect" fills the form and
// "Test connection" shows each phase (step_smtp_check.go).
type smtpStep struct {
	u      *ui
	sm     *transports.SMTPSettings
	fields map[string]*field

	host, port, username, password *keyEntry
	encryption                     *choice[transports.Encryption]
	certCheck                      *choice[transports.CertCheck]
	auth                           *radioList
	mode                           *radioList
	storeBtn                       *keyButton
	pwNote                         *widget.Label
	login, allowlist               *fyne.Container
	savedRef                       transports.SecretRef // the password's reference while allow-listing is tried

	check smtpCheck // Detect and Test connection, with their results
	other *widget.Label
	box   *fyne.Container
}

func newSMTPStep(u *ui) stepView {
	t := u.flow.State.Current()
	if t == nil || t.SMTP == nil {
		return newProblemStep(u.tr.X("smtp.not_smtp", "The transport being edited does not send through your own mail server: choose its type again."))
	}
	s := &smtpStep{u: u, sm: t.SMTP, fields: map[string]*field{}}
	tr := u.tr
	intro := wrappingLabel(tr.X("smtp.intro", "The service will hand its mail to your own mail server, which sends it on. "+
		"Fill in how to reach the server and how the service logs in, or let the wizard look for it; then test the connection as the service will make it."))

	s.host = s.entry("smtp.host", tr.X("smtp.host", "Mail server"),
		tr.X("smtp.host.help", "The host name (such as smtp.example.nl) or IP address of the server that accepts mail for sending, as your mail administrator or mailbox provider names it. "+
			"The service connects to it from the internet, so give its public name."), "smtp.example.nl", s.sm.Host, func(v string) { s.sm.Host = strings.TrimSpace(v) })
	s.encryption = newChoice(u, s.sm.Encryption, []transports.Encryption{transports.EncryptSTARTTLS, transports.EncryptTLS, transports.EncryptSTARTTLSOptional, transports.EncryptNone},
		[]string{
			tr.X("smtp.enc.starttls", "starttls: starts in plain text and encrypts before anything is sent (usually port 587)"),
			tr.X("smtp.enc.tls", "tls: encrypted from the first byte; what manuals call SSL (usually port 465)"),
			tr.X("smtp.enc.starttls_optional", "starttls-optional: encrypts if the server offers it, else sends in plain text"),
			tr.X("smtp.enc.none", "none: never encrypted; only for a server inside your own network"),
		}, s.setEncryption)
	s.fields["smtp.encryption"] = newField(tr.X("smtp.encryption", "Encryption"),
		tr.X("smtp.encryption.help", "How the connection is protected. Choose what the server's documentation says; if unsure, starttls on 587 or tls on 465. "+
			"With a password only starttls and tls are allowed, so that it never crosses the network readable."), s.encryption.radio)
	s.port = s.entry("smtp.port", tr.X("smtp.port", "Port"),
		tr.X("smtp.port.help", "587 for starttls and 465 for tls are the ports for sending mail with a login. Port 25 is for servers among themselves and is often blocked by internet providers."),
		"587", portText(s.sm.Port), s.setPort)
	s.certCheck = newChoice(u, s.sm.CertCheck, []transports.CertCheck{transports.CertStrict, transports.CertSkip},
		[]string{
			tr.X("smtp.cert.strict", "strict: the certificate must be valid for the server's name (recommended)"),
			tr.X("smtp.cert.skip", "skip: connect whatever certificate the server shows"),
		}, func(c transports.CertCheck) {
			s.sm.CertCheck = c
			s.edited()
		})
	s.fields["smtp.cert_check"] = newField(tr.X("smtp.cert_check", "Certificate check"),
		tr.X("smtp.cert_check.help", "A valid certificate proves that the service talks to your server and not to an impostor. "+
			"Skip the check only for a server you run yourself with a certificate of your own making: anyone on the network path could then pose as your server and read the password and the mail."),
		s.certCheck.radio)

	s.buildAuth(tr)
	s.check.build(s)
	s.other = wrappingLabel("")
	s.other.Hide()
	s.box = container.NewVBox(intro, s.check.detectBox, s.fields["smtp.host"].box, s.fields["smtp.encryption"].box, s.fields["smtp.port"].box,
		s.fields["smtp.cert_check"].box, s.fields["smtp.auth"].box, s.login, s.allowlist, s.check.testBox, s.other)
	s.showAuth()
	return s
}

// entry makes a one-line field showing value that writes each edit into
// the State; Enter moves on.
func (s *smtpStep) entry(path, label, help, placeholder, value string, set func(string)) *keyEntry {
	e := s.u.newEntry()
	e.SetPlaceHolder(placeholder)
	e.SetText(value)
	s.u.submitOnEnter(e)
	e.OnChanged = func(v string) {
		set(v)
		s.edited()
	}
	s.fields[path] = newField(label, help, e)
	return e
}

// edited follows every change of a setting: a test result is for the
// settings it ran with, so it goes.
func (s *smtpStep) edited() {
	s.check.clearResult()
	s.u.changed()
}

func (s *smtpStep) buildAuth(tr *i18n.Translator) {
	passwordLabel, allowLabel := tr.X("setup.auth.password", "a username and password"),
		tr.X("setup.auth.allowlist", "no login: the service's addresses are allowed on the server")
	s.auth = s.u.newRadioList([]string{passwordLabel, allowLabel}, nil)
	if s.sm.Auth == transports.AuthIPAllowlist {
		s.auth.SetSelected(allowLabel)
	} else {
		s.auth.SetSelected(passwordLabel)
	}
	s.auth.OnChanged = func(v string) { s.setAuth(v == allowLabel) }
	s.fields["smtp.auth"] = newField(tr.X("smtp.auth", "How the service logs in"),
		tr.X("smtp.auth.help", "With a username and password the service logs in as an account of your server; the password is kept in this computer's keychain, never in a file. "+
			"Without a login your server must accept mail from the service's IP addresses: set that up on the server (below)."), s.auth)

	s.username = s.entry("smtp.username", tr.X("smtp.username", "Username"),
		tr.X("smtp.username.help", "The account the service logs in with, often its full mail address, such as facturen@example.nl."),
		"facturen@example.nl", s.sm.Username, func(v string) { s.sm.Username = strings.TrimSpace(v) })

	s.password = s.u.newPasswordEntry()
	s.password.OnChanged = func(string) { s.showPasswordState() }
	s.password.OnSubmitted = func(string) {
		if s.storePassword() {
			s.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}
	}
	s.storeBtn = s.u.newButton(tr.X("smtp.password.store", "Store in the keychain"), func() { s.storePassword() })
	s.pwNote = wrappingLabel("")
	s.fields["smtp.password"] = newField(tr.X("smtp.password", "Password"),
		tr.X("smtp.password.help", "The account's password (or app password). It goes into this computer's keychain when you press Enter or Store, and the configuration refers to it there; "+
			"the export carries it sealed for the service."),
		container.NewBorder(nil, nil, nil, s.storeBtn, s.password))

	relayLabel, mailboxLabel := tr.X("setup.mode.relay", "a relay account that may send for every address of the domain"),
		tr.X("setup.mode.mailbox", "one mailbox, with send-as rights for the other senders")
	s.mode = s.u.newRadioList([]string{relayLabel, mailboxLabel}, nil)
	if s.sm.Mode == transports.ModeMailbox {
		s.mode.SetSelected(mailboxLabel)
	} else {
		s.mode.SetSelected(relayLabel)
	}
	s.mode.OnChanged = func(v string) {
		s.sm.Mode = transports.ModeRelay
		if v == mailboxLabel {
			s.sm.Mode = transports.ModeMailbox
		}
		s.edited()
	}
	s.fields["smtp.mode"] = newField(tr.X("smtp.mode", "Whose rights it sends with"),
		tr.X("smtp.mode.help", "A relay account (a service account, or a connector) may send as any address of your domain. "+
			"A user's mailbox sends as its own address; for every other sender that account needs the send-as right on the server, "+
			"and the next step proves it by sending a code as another sender."), s.mode)
	s.login = container.NewVBox(s.fields["smtp.username"].box, s.fields["smtp.password"].box, s.pwNote, s.fields["smtp.mode"].box)
	s.allowlist = container.NewVBox(s.allowlistHelp(tr)...)
}

// allowlistHelp shows the ranges to allow on the server as the service's
// manual writes them, and the Microsoft 365 connector that does it there.
func (s *smtpStep) allowlistHelp(tr *i18n.Translator) []fyne.CanvasObject {
	p, err := s.u.flow.State.Profile()
	if err != nil {
		return nil
	}
	var ranges []string
	for _, r := range p.AllowlistRanges() {
		ranges = append(ranges, "• "+checks.Printable(tr.Text(r.DisplayText())))
	}
	head := tr.X("smtp.allowlist.ranges", "Let your server accept mail from %s's addresses, without a login:", checks.Printable(p.Name))
	if len(ranges) == 0 {
		head = tr.X("smtp.allowlist.no_ranges", "%s's profile lists no addresses to allow: ask the service for them.", checks.Printable(p.Name))
	}
	title := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title}
	if len(ranges) > 0 {
		objs = append(objs, wrappingLabel(strings.Join(ranges, "\n")))
	}
	steps := wizard.ConnectorSteps(tr, p)
	for i, l := range steps {
		steps[i] = strconv.Itoa(i+1) + ". " + checks.Printable(l)
	}
	m365 := widget.NewLabelWithStyle(tr.X("smtp.allowlist.m365", "With Microsoft 365, a connector does this:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return append(objs, m365, wrappingLabel(strings.Join(steps, "\n")))
}

// setAuth switches between a password and allow-listing, as setup does:
// allow-listing sends no credentials and relays for the whole domain. The
// password's reference is kept aside, so switching back finds it again.
func (s *smtpStep) setAuth(allow bool) {
	if allow {
		if s.sm.PasswordRef != "" {
			s.savedRef = s.sm.PasswordRef
		}
		s.sm.Auth, s.sm.Username, s.sm.PasswordRef, s.sm.Mode = transports.AuthIPAllowlist, "", "", transports.ModeRelay
	} else {
		s.sm.Auth, s.sm.Username = transports.AuthPassword, strings.TrimSpace(s.username.Text)
		if s.sm.PasswordRef == "" {
			s.sm.PasswordRef = s.savedRef
		}
		if s.mode.Selected == s.mode.Options[1] {
			s.sm.Mode = transports.ModeMailbox
		}
	}
	s.showAuth()
	s.edited()
	s.u.relayout()
}

func (s *smtpStep) showAuth() {
	allow := s.sm.Auth == transports.AuthIPAllowlist
	setVisible(s.login, !allow)
	setVisible(s.allowlist, allow)
	s.showPasswordState()
}

// showPasswordState says whether the password is in the keychain, so
// that the admin knows whether to type it.
func (s *smtpStep) showPasswordState() {
	tr := s.u.tr
	switch {
	case s.password.Text != "":
		s.pwNote.Importance = widget.WarningImportance
		setNote(s.pwNote, tr.X("smtp.password.unsaved", "Not stored yet: press Enter or Store in the keychain."))
	case wizard.PasswordStored(s.u.env, s.u.flow.State):
		s.pwNote.Importance = widget.SuccessImportance
		setNote(s.pwNote, tr.X("smtp.password.stored", "The password is stored in the keychain. Type a new one only to replace it."))
	case s.sm.PasswordRef != "":
		s.pwNote.Importance = widget.WarningImportance
		setNote(s.pwNote, tr.X("setup.password_missing", "The password of %s is not in this computer's keychain: give it again.", s.sm.Username))
	default:
		setNote(s.pwNote, "")
	}
}

// storePassword puts the typed password into the keychain
// (wizard.SetSMTPPassword: the draft keeps only its reference) and
// clears the entry. It reports whether a password is stored now.
func (s *smtpStep) storePassword() bool {
	if s.password.Text == "" {
		return s.sm.PasswordRef != ""
	}
	if err := wizard.SetSMTPPassword(s.u.env, s.u.flow.State, s.password.Text); err != nil {
		msgs := errorsByField(s.u.tr, err)
		if msgs["smtp.password"] == "" {
			msgs = map[string]string{"smtp.password": msgs[""]}
		}
		s.fields["smtp.password"].mark(msgs["smtp.password"])
		s.u.relayout()
		return false
	}
	s.password.SetText("")
	s.fields["smtp.password"].mark("")
	s.edited()
	s.showPasswordState()
	s.u.relayout()
	return true
}

// setEncryption follows the port to the new mode's usual one when it
// was the old mode's usual one: 587 with tls is almost always a mistake.
func (s *smtpStep) setEncryption(e transports.Encryption) {
	old := s.sm.Encryption
	s.sm.Encryption = e
	if s.sm.Port == 0 || s.sm.Port == transports.DefaultPort(old) {
		s.port.SetText(strconv.Itoa(transports.DefaultPort(e)))
	}
	s.edited()
}

// portText shows no port as an empty field.
func portText(port int) string {
	if port == 0 {
		return ""
	}
	return strconv.Itoa(port)
}

func (s *smtpStep) setPort(v string) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		n = 0 // not a number: markErrors says so
	}
	s.sm.Port = n
}

// load shows the State's settings after something else filled them in
// (Detect).
func (s *smtpStep) load() {
	s.host.SetText(s.sm.Host)
	s.encryption.set(s.sm.Encryption)
	s.port.SetText(strconv.Itoa(s.sm.Port))
	s.certCheck.set(s.sm.CertCheck)
}

func (s *smtpStep) content() fyne.CanvasObject { return s.box }

func (s *smtpStep) first() fyne.Focusable { return s.host }

func (s *smtpStep) markErrors(errs map[string]string) {
	errs = copyErrs(errs)
	// The draft holds the password's reference; the admin sees the password.
	if msg, ok := errs["smtp.password_ref"]; ok {
		if errs["smtp.password"] == "" {
			errs["smtp.password"] = msg
		}
		delete(errs, "smtp.password_ref")
	}
	if text := strings.TrimSpace(s.port.Text); text != "" {
		if _, err := strconv.Atoi(text); err != nil {
			errs["smtp.port"] = s.u.tr.X("smtp.port.not_number", "%q is not a number", text)
		}
	}
	markAll(s.fields, errs, s.other)
}

func copyErrs(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// wrappingLabel is a label whose text wraps at the page's width.
func wrappingLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// choice is a radio group over values of T, each shown with its meaning.
type choice[T ~string] struct {
	radio  *radioList
	values []T
}

func newChoice[T ~string](u *ui, current T, values []T, labels []string, changed func(T)) *choice[T] {
	c := &choice[T]{radio: u.newRadioList(labels, nil), values: values}
	c.set(current)
	c.radio.OnChanged = func(label string) {
		for i, l := range labels {
			if l == label {
				changed(values[i])
			}
		}
	}
	return c
}

// set selects v (which calls changed, once the group has its callback).
func (c *choice[T]) set(v T) {
	for i, x := range c.values {
		if x == v {
			c.radio.SetSelected(c.radio.Options[i])
		}
	}
}
