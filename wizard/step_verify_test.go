package wizard

import (
	"testing"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// What a returned code proves depends on the sender it went out as: the
// faces show each sender's row confirmed by this answer.
func TestCodeCheck(t *testing.T) {
	s := NewState(i18n.English)
	s.Transports = []transports.Transport{{Name: "Own", Type: transports.SMTP, SMTP: &transports.SMTPSettings{Username: "facturen@example.nl", Mode: transports.ModeRelay}}}
	s.Editing = 1
	test := func(mode transports.SendMode, from, want string) {
		t.Helper()
		s.Current().SMTP.Mode = mode
		if got := CodeCheck(s, from); got != want {
			t.Errorf("%s, from %s: %s, want %s", mode, from, got, want)
		}
	}
	test(transports.ModeRelay, "directie@example.nl", CheckSMTPVerify)
	test(transports.ModeMailbox, "Facturen@example.nl", CheckSMTPVerify)
	test(transports.ModeMailbox, "directie@example.nl", CheckSMTPSendAs)
}
