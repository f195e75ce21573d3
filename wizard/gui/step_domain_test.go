package gui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailwizard/wizard/i18n"
)

// The senders are typed as setup takes them: separated by commas, local
// parts of the domain or whole addresses. One of another domain is marked
// on the senders field, naming it; once fixed, Next keeps them as
// addresses.
func TestDomainStepTakesTheSenders(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	welcome(t, u).radio.SetSelected("ClockWise")
	test.Tap(u.next)
	d := u.view.(*domainStep)
	test.Type(d.entry, "example.nl")
	test.Type(d.senders, "facturen, info@example.nl, , info@other.nl")
	if got := u.flow.State.Senders; !slices.Equal(got, []string{"facturen", "info@example.nl", "info@other.nl"}) {
		t.Errorf("senders in the answers %q", got)
	}
	if !u.next.Disabled() {
		t.Fatal("Next is enabled with a sender of another domain")
	}
	u.markLive()
	if msg := d.fields["senders"].err.Text; !strings.HasPrefix(msg, "info@other.nl: ") || !strings.Contains(msg, "not an address of example.nl") {
		t.Errorf("senders field shows %q", msg)
	}
	if d.fields["domain"].err.Visible() || d.other.Visible() {
		t.Errorf("marked elsewhere too: domain %q, other %q", d.fields["domain"].err.Text, d.other.Text)
	}
	test.AssertRendersToMarkup(t, "domain_senders_en.xml", w.Canvas())

	d.senders.SetText("facturen, info@example.nl")
	test.Tap(u.next)
	if got := u.flow.State.Senders; !slices.Equal(got, []string{"facturen@example.nl", "info@example.nl"}) {
		t.Errorf("after Next the senders are %q", got)
	}
	test.Tap(u.back)
	if got := u.view.(*domainStep).senders.Text; got != "facturen@example.nl, info@example.nl" {
		t.Errorf("back on the page the senders read %q", got)
	}
}

func TestDomainStepSendersInDutch(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.Dutch)
	welcome(t, u).radio.SetSelected("ClockWise")
	test.Tap(u.next)
	d := u.view.(*domainStep)
	test.Type(d.entry, "example.nl")
	test.Type(d.senders, "fact uren")
	u.markLive()
	if msg := d.fields["senders"].err.Text; !strings.HasPrefix(msg, "fact uren: ") || strings.Contains(msg, "contains") {
		t.Errorf("senders field shows %q, want the Dutch refusal", msg)
	}
	test.AssertRendersToMarkup(t, "domain_senders_nl.xml", w.Canvas())
}
