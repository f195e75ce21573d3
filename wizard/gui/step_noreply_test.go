package gui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// openAtNoReply walks to the no-reply step for domain, discovery done.
func openAtNoReply(t *testing.T, lang i18n.Lang, domain string) (*ui, *noReplyStep) {
	t.Helper()
	u, ts := openAtType(t, lang, "ClockWise", domain)
	test.Tap(ts.yes)
	test.Tap(card(t, ts, transports.NoReply))
	test.Tap(u.next)
	s, ok := u.view.(*noReplyStep)
	if !ok {
		t.Fatalf("after choosing no-reply the window shows %T", u.view)
	}
	return u, s
}

// The advice names the domain's strict DMARC policy once discovery has
// read it; the Reply-To choice goes into the answers and the draft.
func TestNoReplyStepTogglesReplyTo(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtNoReply(t, i18n.English, "strict.nl")
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if !strings.Contains(s.advice.Text, "Mail comes from noreply@clockwise.info") ||
		!strings.Contains(s.advice.Text, "strict.nl itself has DMARC p=reject") || s.note.box.Visible() {
		t.Errorf("advice %q, looking %q", s.advice.Text, s.note.text.Text)
	}
	if s.replyTo.Checked || u.flow.State.Current().NoReply.ReplyToFrom {
		t.Error("Reply-To is on by default")
	}
	if u.next.Disabled() {
		t.Error("Next is disabled on a page with nothing to answer")
	}
	test.Tap(s.replyTo)
	if !u.flow.State.Current().NoReply.ReplyToFrom {
		t.Fatal("ticking Reply-To did not reach the answers")
	}
	test.AssertRendersToMarkup(t, "noreply_on_en.xml", u.win.Canvas())
	u.close()
	raw, _ := os.ReadFile(u.sess.Drafts.Path)
	if !strings.Contains(string(raw), `"reply_to_from": true`) {
		t.Errorf("the draft lacks the choice:\n%s", raw)
	}
}

// Before discovery the page says the policy is still being looked at; in
// Dutch, the advice and the choice read Dutch.
func TestNoReplyStepInDutch(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtNoReply(t, i18n.Dutch, "example.nl")
	if !s.note.box.Visible() || !strings.Contains(s.note.text.Text, "example.nl") {
		t.Errorf("before discovery: %q", s.note.text.Text)
	}
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if s.note.box.Visible() {
		t.Errorf("after discovery: %q", s.note.text.Text)
	}
	if !strings.HasPrefix(s.advice.Text, "Mail komt van noreply@clockwise.info") || strings.Contains(s.advice.Text, "p=") {
		t.Errorf("advice %q", s.advice.Text)
	}
	test.AssertRendersToMarkup(t, "noreply_off_nl.xml", u.win.Canvas())
}
