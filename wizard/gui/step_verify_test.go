package gui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailwizard/checks/dnsq"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

var codeInMail = regexp.MustCompile(`Verification code: ([A-Z0-9]{4}-[A-Z0-9]{4})`)

// openVerifyStep opens the code step for a mailbox login (facturen@) whose
// other sender (directie@) must prove the send-as right.
func openVerifyStep(t *testing.T, env *wizard.Env, lang i18n.Lang, host string, port int, codeTo string) (*ui, *verifyStep, fyne.Window) {
	t.Helper()
	draft := ownServerDraft(t, env, lang, wizard.StepVerify, func(st *wizard.State, sm *transports.SMTPSettings) {
		sm.Host, sm.Port, sm.Username, sm.Mode = host, port, "facturen@example.nl", transports.ModeMailbox
		st.CodeTo = codeTo
		if err := wizard.SetSMTPPassword(env, st, ownPassword); err != nil {
			t.Fatal(err)
		}
	})
	u, w := openWizardWith(t, draft, lang, env)
	v, ok := u.view.(*verifyStep)
	if !ok {
		t.Fatalf("the window shows %T, want the code step", u.view)
	}
	return u, v, w
}

func TestVerifyGoldens(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		test.NewTempApp(t)
		env := &wizard.Env{DNS: &dnsq.Client{Pinned: "127.0.0.1:9", Timeout: 200 * time.Millisecond}, Secrets: secrets.NewMemory()}
		u, v, w := openVerifyStep(t, env, lang, "smtp.example.nl", 587, "it@example.org")
		if len(v.senders) != 2 || v.senders[0].from != "facturen@example.nl" || v.senders[1].from != "directie@example.nl" {
			t.Fatalf("%s: the senders to prove: %+v", lang, v.senders)
		}
		if !u.next.Disabled() {
			t.Errorf("%s: Next is enabled before a code came back", lang)
		}
		test.AssertRendersToMarkup(t, "verify_"+string(lang)+".xml", w.Canvas())
	}
}

// The code read from the mail the server received, typed back, confirms
// the sender; a wrong one says how many tries are left; too many need a
// new code; Next waits until the send-as right is proven too.
func TestVerifyCodeTypedBackConfirms(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	u, v, _ := openVerifyStep(t, w.env, i18n.English, "127.0.0.1", w.srv.Port, "")
	if u.win.Canvas().Focused() != v.codeTo {
		t.Error("the mailbox for the codes is not focused first")
	}
	test.Type(v.codeTo, "it@example.org")
	first, second := v.senders[0], v.senders[1]

	code := func(r *senderRow) string {
		t.Helper()
		before := len(w.srv.Messages())
		test.Tap(r.sendBtn)
		waitFor(t, "the code mail", func() bool { return !u.running() })
		msgs := w.srv.Messages()
		if len(msgs) != before+1 {
			t.Fatalf("%d mails arrived, want 1; the row says %q %q", len(msgs)-before, r.problem.Text, r.fix.Text)
		}
		m := msgs[len(msgs)-1]
		if m.From != r.from || strings.Join(m.To, ",") != "it@example.org" {
			t.Errorf("the mail went from %s to %v", m.From, m.To)
		}
		return codeInMail.FindStringSubmatch(string(m.Data))[1]
	}
	enter := func(r *senderRow, typed string) {
		r.code.SetText(typed)
		r.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}

	c := code(first)
	if !first.codeBox.Visible() || u.win.Canvas().Focused() != first.code || !strings.Contains(first.status.Text, "A code was sent from facturen@example.nl to it@example.org") {
		t.Errorf("after sending: code field shown %v, status %q", first.codeBox.Visible(), first.status.Text)
	}
	enter(first, "WRONG-CODE")
	if first.problem.Text != "That is not the code: 4 attempts left." || !strings.Contains(first.codeHelp.Text, "4 attempts left") {
		t.Errorf("a wrong code: %q / %q", first.problem.Text, first.codeHelp.Text)
	}
	enter(first, strings.ToLower(c))
	if !strings.HasPrefix(first.status.Text, "Confirmed") || first.problem.Visible() || first.codeBox.Visible() {
		t.Errorf("the right code: status %q, problem %q", first.status.Text, first.problem.Text)
	}
	if !u.next.Disabled() {
		t.Error("Next is enabled before the send-as right is proven")
	}

	// The send-as right is refused: the finding says so, with the fix.
	w.deny.Store(true)
	test.Tap(second.sendBtn)
	waitFor(t, "the refused mail", func() bool { return !u.running() })
	if !strings.Contains(second.problem.Text, "may not send as this sender") || !strings.Contains(second.fix.Text, "Send as") || !second.logBox.Visible() {
		t.Errorf("a refused send-as: %q / %q, transcript shown %v", second.problem.Text, second.fix.Text, second.logBox.Visible())
	}
	w.deny.Store(false)

	code(second)
	for range 5 {
		enter(second, "WRONG-CODE")
	}
	if second.problem.Text != "Too many wrong codes; send a new one" || second.codeBox.Visible() || second.sendBtn.Text != "Send a new code" {
		t.Errorf("five wrong codes: %q, code field shown %v, button %q", second.problem.Text, second.codeBox.Visible(), second.sendBtn.Text)
	}
	c = code(second)
	enter(second, c)
	if !strings.HasPrefix(second.status.Text, "Confirmed: mail from directie@example.nl") {
		t.Errorf("the send-as code: %q", second.status.Text)
	}
	st := u.flow.State
	if u.next.Disabled() || !st.HasEvidence(wizard.CheckSMTPVerify, st.Current().Name) || !st.HasEvidence(wizard.CheckSMTPSendAs, st.Current().Name) {
		t.Errorf("both proven: Next disabled %v, evidence %+v", u.next.Disabled(), st.Evidence)
	}
}

// A mailbox that is not an address is marked on its field, in Dutch.
func TestVerifyMarksTheMailbox(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	u, v, _ := openVerifyStep(t, w.env, i18n.Dutch, "127.0.0.1", w.srv.Port, "it")
	test.Tap(v.senders[0].sendBtn)
	waitFor(t, "the refusal", func() bool { return !u.running() })
	if msg := v.fields["code_to"].err.Text; msg == "" || len(w.srv.Messages()) != 0 {
		t.Errorf("the mailbox field says %q; %d mails sent", msg, len(w.srv.Messages()))
	}
}
