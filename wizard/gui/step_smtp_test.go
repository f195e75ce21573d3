package gui

import (
	"crypto/x509"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	gosmtp "github.com/emersion/go-smtp"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// ownServer is a world for the own-server steps: example.nl announces its
// submission server by SRV (submit.example.nl, on a loopback port), which
// speaks STARTTLS with a certificate of a test CA and knows one login.
type ownServer struct {
	srv  *smtptest.Server
	env  *wizard.Env
	ca   *smtptest.CA
	deny atomic.Bool // refuse directie@example.nl at MAIL FROM: no send-as right
}

const ownPassword = "Zomer2026!mail"

func newOwnServer(t *testing.T) *ownServer {
	t.Helper()
	w := &ownServer{ca: smtptest.NewCA(t)}
	cert := w.ca.Valid(t, "submit.example.nl", "127.0.0.1")
	w.srv = smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"facturen@example.nl": ownPassword},
		MailError: func(from, user string) error {
			if w.deny.Load() && from == "directie@example.nl" {
				return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 7, 60}, Message: "Client does not have permissions to send as this sender"}
			}
			return nil
		}})
	dns := dnstest.Start(t, "127.0.0.1:0")
	dns.MustAddZone(t, fmt.Sprintf(`
$ORIGIN example.nl.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns1
_submission._tcp 300 IN SRV 0 1 %d submit.example.nl.
submit 300 IN A 127.0.0.1
`, w.srv.Port))
	w.env = &wizard.Env{DNS: &dnsq.Client{Pinned: dns.Addr, Timeout: time.Second}, Secrets: secrets.NewMemory(), RootCAs: w.ca.Pool,
		SMTPTimeouts: smtp.Timeouts{Connect: 2 * time.Second, Command: 2 * time.Second}}
	return w
}

// ownServerDraft is a draft at step, for PerfectView (own server only) and
// example.nl with two senders; edit sets the transport's server.
func ownServerDraft(t *testing.T, env *wizard.Env, lang i18n.Lang, step wizard.StepID, edit func(s *wizard.State, sm *transports.SMTPSettings)) string {
	t.Helper()
	s := wizard.NewState(lang)
	s.Provider, s.Domain, s.Senders = "perfectview", "example.nl", []string{"facturen@example.nl", "directie@example.nl"}
	p, err := s.Profile()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChooseType(p, transports.SMTP, time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	s.Step = step
	if edit != nil {
		edit(s, s.Current().SMTP)
	}
	path := filepath.Join(t.TempDir(), "draft.json")
	if err := (wizard.Drafts{Path: path}).Save(s); err != nil {
		t.Fatal(err)
	}
	return path
}

func openSMTPStep(t *testing.T, env *wizard.Env, lang i18n.Lang, edit func(*wizard.State, *transports.SMTPSettings)) (*ui, *smtpStep, fyne.Window) {
	t.Helper()
	u, w := openWizardWith(t, ownServerDraft(t, env, lang, wizard.StepSMTP, edit), lang, env)
	s, ok := u.view.(*smtpStep)
	if !ok {
		t.Fatalf("the window shows %T, want the own-server step", u.view)
	}
	return u, s, w
}

// phaseStates reads the test's phases as the admin sees them.
func phaseStates(s *smtpStep) string {
	var out []string
	for _, name := range []wizard.PhaseName{wizard.PhaseConnect, wizard.PhaseTLS, wizard.PhaseCertificate, wizard.PhaseLogin, wizard.PhaseSender} {
		out = append(out, string(name)+"="+s.check.phases[name].state.Text)
	}
	return strings.Join(out, " ")
}

// labelTexts joins the text of the visible labels among objs.
func labelTexts(objs []fyne.CanvasObject) string {
	var out []string
	for _, o := range objs {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, "\n")
}

func TestSMTPFormGoldens(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		test.NewTempApp(t)
		env := &wizard.Env{DNS: &dnsq.Client{Pinned: "127.0.0.1:9", Timeout: 200 * time.Millisecond}, Secrets: secrets.NewMemory()}
		_, s, w := openSMTPStep(t, env, lang, func(st *wizard.State, sm *transports.SMTPSettings) {
			sm.Host, sm.Username, sm.Mode = "smtp.example.nl", "facturen@example.nl", transports.ModeMailbox
			if err := wizard.SetSMTPPassword(env, st, ownPassword); err != nil {
				t.Fatal(err)
			}
		})
		if !strings.Contains(s.pwNote.Text, map[i18n.Lang]string{i18n.English: "stored in the keychain", i18n.Dutch: "sleutelhanger"}[lang]) {
			t.Errorf("%s: the password note says %q", lang, s.pwNote.Text)
		}
		test.AssertRendersToMarkup(t, "smtp_password_"+string(lang)+".xml", w.Canvas())
		s.auth.SetSelected(s.auth.Options[1])
		if s.login.Visible() || !s.allowlist.Visible() {
			t.Errorf("%s: allow-listing shows the login %v, hides the ranges %v", lang, s.login.Visible(), !s.allowlist.Visible())
		}
		test.AssertRendersToMarkup(t, "smtp_allowlist_"+string(lang)+".xml", w.Canvas())
	}
}

func TestSMTPDetectFillsTheForm(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	u, s, _ := openSMTPStep(t, w.env, i18n.English, nil)
	if !u.next.Disabled() {
		t.Error("Next is enabled without a server")
	}
	test.Tap(s.check.detectBtn)
	waitFor(t, "the detection", func() bool { return !u.running() })
	at := "submit.example.nl:" + strconv.Itoa(w.srv.Port) + " (starttls)"
	if got := labelTexts(s.check.probes.Objects); !strings.Contains(got, at+" — works") || !strings.Contains(got, "Filled in: "+at) {
		t.Errorf("the probes show:\n%s", got)
	}
	sm := u.flow.State.Current().SMTP
	if s.host.Text != "submit.example.nl" || s.port.Text != strconv.Itoa(w.srv.Port) || s.encryption.radio.Selected != s.encryption.radio.Options[0] {
		t.Errorf("the form shows %q %q %q", s.host.Text, s.port.Text, s.encryption.radio.Selected)
	}
	if sm.Host != "submit.example.nl" || sm.Port != w.srv.Port || sm.Encryption != transports.EncryptSTARTTLS {
		t.Errorf("the State has %+v", sm)
	}

	// A port that is not a number is said so beside the field.
	s.port.SetText("58x")
	u.markLive()
	if msg := s.fields["smtp.port"].err.Text; msg != `"58x" is not a number` {
		t.Errorf("the port field says %q", msg)
	}
	// Choosing tls moves a usual port along, and leaves an unusual one.
	s.port.SetText("587")
	s.encryption.set(transports.EncryptTLS)
	if s.port.Text != "465" || sm.Port != 465 {
		t.Errorf("tls after 587: port %q (%d)", s.port.Text, sm.Port)
	}
	s.port.SetText("2465")
	s.encryption.set(transports.EncryptSTARTTLS)
	if sm.Port != 2465 {
		t.Errorf("starttls after 2465: port %d", sm.Port)
	}
}

func TestSMTPTestShowsEachPhase(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	u, s, _ := openSMTPStep(t, w.env, i18n.English, func(_ *wizard.State, sm *transports.SMTPSettings) { sm.Host, sm.Port = "127.0.0.1", w.srv.Port })
	test.Type(s.username, "facturen@example.nl")
	test.Type(s.password, "winter")
	if !u.next.Disabled() || !strings.Contains(s.pwNote.Text, "Not stored yet") {
		t.Errorf("a typed password not yet stored: Next disabled %v, note %q", u.next.Disabled(), s.pwNote.Text)
	}
	test.Tap(s.check.testBtn) // stores the typed password first
	waitFor(t, "the test", func() bool { return !u.running() })
	if got := phaseStates(s); got != "connect=works tls=works certificate=works login=failed sender=not reached" {
		t.Errorf("a wrong password: %s", got)
	}
	if got := labelTexts(s.check.findings.Objects); !strings.Contains(got, "The server rejected the username or password") {
		t.Errorf("the findings say:\n%s", got)
	}
	if !strings.Contains(u.status.Text, "The test failed") {
		t.Errorf("status %q", u.status.Text)
	}
	ref := u.flow.State.Current().SMTP.PasswordRef
	if pw, err := w.env.Secrets.Get(ref); err != nil || pw != "winter" || s.password.Text != "" {
		t.Errorf("the keychain has %q (%v) under %q; the entry keeps %q", pw, err, ref, s.password.Text)
	}
	if log := s.check.log.Text; !strings.Contains(log, "AUTH") || strings.Contains(log, "winter") {
		t.Errorf("the transcript:\n%s", log)
	}
	if raw, err := wizard.Encode(u.flow.State); err != nil || strings.Contains(string(raw), "winter") || !strings.Contains(string(raw), string(ref)) {
		t.Errorf("the draft holds the password, or not its reference (%v):\n%s", err, raw)
	}

	test.Type(s.password, ownPassword)
	test.Tap(s.storeBtn)
	if s.check.result.Visible() {
		t.Error("the failed test's result stays after the password changed")
	}
	test.Tap(s.check.testBtn)
	waitFor(t, "the test", func() bool { return !u.running() })
	if got := phaseStates(s); got != "connect=works tls=works certificate=works login=works sender=works" {
		t.Errorf("the right password: %s\n%s", got, labelTexts(s.check.findings.Objects))
	}
	if !u.flow.State.HasEvidence(wizard.CheckSMTPTest, u.flow.State.Current().Name) || !strings.Contains(u.status.Text, "works") {
		t.Errorf("a passed test left no evidence, or status %q", u.status.Text)
	}
	if len(s.check.logBox.Items) != 1 || !strings.Contains(s.check.log.Text, "STARTTLS") {
		t.Errorf("the transcript behind the disclosure:\n%s", s.check.log.Text)
	}

	// Enter in the password field stores it and moves on.
	test.Type(s.password, ownPassword)
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id := u.flow.Current().ID; id != wizard.StepVerify {
		t.Errorf("after Enter the window shows step %s", id)
	}

	// Back on the form (or in a new window), the passed test is said.
	u.goBack()
	s, ok := u.view.(*smtpStep)
	if !ok {
		t.Fatalf("Back from the code step shows %T", u.view)
	}
	if !s.check.kept.Visible() || !strings.Contains(s.check.kept.Text, "Tested before with these settings") || !strings.Contains(s.check.kept.Text, "smtp.test passed") {
		t.Errorf("the passed test is not shown on return: %v %q", s.check.kept.Visible(), s.check.kept.Text)
	}
	s.port.SetText("2525")
	if s.check.kept.Visible() {
		t.Error("the earlier test is still shown after the port changed")
	}
}

// An untrusted certificate fails the test; checking it is switched off
// only when the admin chooses so, and the test runs again.
func TestSMTPUntrustedCertificateOffersSkip(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	w.env.RootCAs = x509.NewCertPool() // the test CA is not trusted
	u, s, _ := openSMTPStep(t, w.env, i18n.Dutch, func(st *wizard.State, sm *transports.SMTPSettings) {
		sm.Host, sm.Port, sm.Username = "127.0.0.1", w.srv.Port, "facturen@example.nl"
		if err := wizard.SetSMTPPassword(w.env, st, ownPassword); err != nil {
			t.Fatal(err)
		}
	})
	test.Tap(s.check.testBtn)
	waitFor(t, "the test", func() bool { return !u.running() })
	if got := phaseStates(s); got != "connect=werkt tls=werkt certificate=mislukt login=niet bereikt sender=niet bereikt" {
		t.Errorf("an untrusted certificate: %s", got)
	}
	if !s.check.skipBox.Visible() || !strings.Contains(s.check.skipText.Text, "niet te verifiëren") {
		t.Errorf("the offer to skip the check: shown %v, %q", s.check.skipBox.Visible(), s.check.skipText.Text)
	}
	if u.flow.State.Current().SMTP.CertCheck != transports.CertStrict {
		t.Fatal("the check was switched off without the admin's choice")
	}
	test.Tap(s.check.skipBtn)
	waitFor(t, "the test", func() bool { return !u.running() })
	if u.flow.State.Current().SMTP.CertCheck != transports.CertSkip || s.certCheck.radio.Selected != s.certCheck.radio.Options[1] {
		t.Errorf("after choosing to skip: %s, radio %q", u.flow.State.Current().SMTP.CertCheck, s.certCheck.radio.Selected)
	}
	if got := phaseStates(s); !strings.HasPrefix(got, "connect=werkt tls=werkt certificate=werkt, met een risico login=werkt sender=werkt") {
		t.Errorf("without the check: %s", got)
	}
	if s.check.skipBox.Visible() {
		t.Error("the offer stays after it was taken")
	}
	// Checking again is a change of the settings: the result goes.
	s.certCheck.set(transports.CertStrict)
	if s.check.result.Visible() || u.flow.State.Current().SMTP.CertCheck != transports.CertStrict {
		t.Errorf("strict again: result shown %v, %s", s.check.result.Visible(), u.flow.State.Current().SMTP.CertCheck)
	}
}

func TestSMTPAllowlistShowsTheRanges(t *testing.T) {
	test.NewTempApp(t)
	env := &wizard.Env{DNS: &dnsq.Client{Pinned: "127.0.0.1:9", Timeout: 200 * time.Millisecond}, Secrets: secrets.NewMemory()}
	u, s, _ := openSMTPStep(t, env, i18n.English, func(_ *wizard.State, sm *transports.SMTPSettings) {
		sm.Host, sm.Username, sm.Mode = "smtp.example.nl", "facturen@example.nl", transports.ModeMailbox
	})
	s.auth.SetSelected(s.auth.Options[1])
	sm := u.flow.State.Current().SMTP
	if sm.Auth != transports.AuthIPAllowlist || sm.Username != "" || sm.Mode != transports.ModeRelay {
		t.Errorf("allow-listing keeps a login: %+v", sm)
	}
	got := labelTexts(s.allowlist.Objects)
	for _, want := range []string{"212.61.168.0/27 (the manual writes 212.61.168.1/27: the same range, 212.61.168.0 to 212.61.168.31)",
		"4. Identify the partner by its IP addresses and add: 212.61.168.0/27."} {
		if !strings.Contains(got, want) {
			t.Errorf("the allow-list help lacks %q:\n%s", want, got)
		}
	}
	if u.next.Disabled() {
		t.Errorf("Next is disabled with allow-listing: %v", u.flow.Preview())
	}
	s.auth.SetSelected(s.auth.Options[0])
	if sm.Auth != transports.AuthPassword || sm.Username != "facturen@example.nl" || sm.Mode != transports.ModeMailbox {
		t.Errorf("back to a password, the login is lost: %+v", sm)
	}
}
