package gui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// openAtHosted walks to the hosted step of service for domain and waits
// until its plan is made with discovery's result.
func openAtHosted(t *testing.T, lang i18n.Lang, service, domain string) (*ui, *hostedStep) {
	t.Helper()
	u, ts := openAtType(t, lang, service, domain)
	if ts.yes != nil {
		test.Tap(ts.yes)
	}
	test.Tap(card(t, ts, transports.Hosted))
	test.Tap(u.next)
	s, ok := u.view.(*hostedStep)
	if !ok {
		t.Fatalf("after choosing hosted the window shows %T", u.view)
	}
	waitSlow(t, "the SPF plan with discovery", func() bool { return s.withDisc && !u.running() })
	return u, s
}

// waitSlow is waitFor for work that takes seconds under the race
// detector (an RSA key).
func waitSlow(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		pump()
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// shown is the words a container shows, its labels and rich text, in
// order, one a line.
func shown(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			if w.Visible() && w.Text != "" {
				out = append(out, w.Text)
			}
		case *widget.RichText:
			out = append(out, w.String())
		case *keyCheck:
			out = append(out, w.Text)
		case *keyButton:
			out = append(out, "["+w.Text+"]")
		case *widget.Button:
			out = append(out, "["+w.Text+"]")
		case *widget.Card:
			walk(w.Content)
		case *keySelect:
			out = append(out, "<"+w.Selected+">")
		case *keyEntry:
			out = append(out, "{"+w.Text+"}")
		case *fyne.Container:
			if w.Visible() {
				for _, c := range w.Objects {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

func wantTexts(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// The SPF record to publish drops the include that leads nowhere and adds
// the service's, each marked; the key is made and then shown as kept.
func TestHostedStepShowsTheSPFChangeAndMakesTheKey(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtHosted(t, i18n.English, "ClockWise", "old.nl")
	wantTexts(t, "SPF", shown(s.spf),
		"Published now (",
		"v=spf1 include:spf.protection.outlook.com include:gone.old.nl -all",
		"To publish at old.nl, in place of the current SPF record (",
		"v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all",
		"Added: include:_spf.clockwise.info",
		"Removed: include:gone.old.nl",
		"Left out, because they make receivers reject the whole record")
	if !strings.Contains(shown(s.spf), "Problem: ") {
		t.Errorf("the broken include is not reported as a problem:\n%s", shown(s.spf))
	}
	wantTexts(t, "DMARC", shown(s.dmarc), "v=DMARC1; p=quarantine", "p=quarantine: mail ClockWise sends from its own servers passes DMARC only with an aligned identifier")
	wantTexts(t, "DKIM", shown(s.dkim), "<rsa2048>", "{clockwise-202611}", "[Make the key]", "Send without a DKIM signature")

	copyBtn := findButton(t, s.spf, "Copy")
	test.Tap(copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all" {
		t.Errorf("clipboard %q", got)
	}
	if !u.next.Disabled() {
		t.Fatal("Next is enabled before the key is made")
	}
	test.AssertRendersToMarkup(t, "hosted_spf_en.xml", u.win.Canvas())

	test.Tap(s.makeBtn)
	if !u.running() || !u.next.Disabled() {
		t.Error("making the key shows no progress")
	}
	waitSlow(t, "the key", func() bool { return !u.running() })
	st := u.flow.State
	k := st.Key("clockwise-202611")
	if k == nil || k.Algorithm != "rsa2048" || st.Current().Hosted.DKIM.Mode != transports.DKIMGenerate {
		t.Fatalf("after Make the key: keys %+v, DKIM %+v", st.Keys, st.Current().Hosted.DKIM)
	}
	wantTexts(t, "DKIM", shown(s.dkim), "Made the key (rsa2048, fingerprint "+k.Fingerprint+") and kept it in the keychain.")
	if u.next.Disabled() {
		t.Error("Next stays disabled with the key made")
	}
	if _, err := u.env.Secrets.Get(k.PrivateKeyRef); err != nil {
		t.Errorf("the private key is not in the keychain: %v", err)
	}

	// Back on the page later, the key is said to be kept.
	u.show()
	s = u.view.(*hostedStep)
	waitSlow(t, "the plan", func() bool { return s.withDisc && !u.running() })
	wantTexts(t, "DKIM", shown(s.dkim), "DKIM key for selector clockwise-202611: kept in the keychain.", k.Fingerprint)
	if strings.Contains(shown(s.dkim), "[Make the key]") {
		t.Error("the form to make a key shows with a key kept")
	}
}

// Past ten lookups the record lists the service's own addresses instead
// of its include, and says it must then be kept up to date.
func TestHostedStepFallsBackPastTenLookups(t *testing.T) {
	test.NewTempApp(t)
	_, s := openAtHosted(t, i18n.English, "ClockWise", "full.nl")
	got := shown(s.spf)
	wantTexts(t, "SPF", got, "Published now (10 DNS lookups):", "(10 DNS lookups):", "Added: ip4:217.115.198.76",
		"With include:_spf.clockwise.info the record would need 11 DNS lookups, more than the 10 receivers allow")
	if strings.Contains(got, "Added: include:_spf.clockwise.info") {
		t.Errorf("the include is added past the limit:\n%s", got)
	}
}

// A key of the admin's own, encrypted: the password is asked, a wrong one
// asked again, and the imported key is kept under the typed selector.
func TestHostedStepImportsAnEncryptedKey(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtHosted(t, i18n.English, "Spacewell Workplace Management", "example.nl")
	if s.importBtn == nil {
		t.Fatal("Spacewell takes imported keys, but the page offers no import")
	}
	s.selector.SetText("Spacewell-OWN")
	st := u.flow.State
	if got := st.Current().Hosted.DKIM.Selector; got != "spacewell-own" {
		t.Fatalf("selector in the answers %q", got)
	}
	s.importKey(testKeyFile(t, encryptedTestKey), nil) // what the file dialog does
	waitSlow(t, "the password question", func() bool { return s.pwDialog != nil && !u.running() })
	test.Type(s.pwEntry, "zomer")
	s.pwDialog.Submit()
	waitSlow(t, "the password asked again", func() bool { return s.pwDialog != nil && !u.running() })
	test.Type(s.pwEntry, "Geheim2026")
	s.pwDialog.Submit()
	waitSlow(t, "the import", func() bool { return s.pwDialog == nil && !u.running() })
	sel := st.Current().Hosted.DKIM.Selector
	k := st.Key(sel)
	if k == nil || st.Current().Hosted.DKIM.Mode != transports.DKIMImport {
		t.Fatalf("after the import: keys %+v, DKIM %+v, page:\n%s", st.Keys, st.Current().Hosted.DKIM, shown(s.box))
	}
	wantTexts(t, "DKIM", shown(s.dkim), "Imported the key (rsa2048, fingerprint "+k.Fingerprint+") into the keychain.")
	if u.next.Disabled() {
		t.Error("Next stays disabled with the key imported")
	}
	test.AssertRendersToMarkup(t, "hosted_imported_en.xml", u.win.Canvas())
}

// A service that hosts the keys: the CNAMEs to publish and its condition,
// and no way around DKIM. Where DKIM may be left off, leaving it off
// needs no key, and turning it on again asks for one.
func TestHostedStepCNAMEsAndWithoutDKIM(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtHosted(t, i18n.English, "SpinOffice", "example.nl")
	wantTexts(t, "DKIM", shown(s.dkim), "DKIM signing is available only with the Pro edition of SpinOffice.",
		"SpinOffice hosts the DKIM keys; you publish these CNAME records",
		"CNAME  mrsel1._domainkey  →  mrsel1._domainkey.spinoffice-crm.com")
	if strings.Contains(shown(s.dkim), "Send without a DKIM signature") || u.next.Disabled() {
		t.Errorf("CNAME mode: next disabled %v, page:\n%s", u.next.Disabled(), shown(s.dkim))
	}

	u, s = openAtHosted(t, i18n.English, "ClockWise", "strict.nl")
	test.Tap(s.without)
	st := u.flow.State
	if st.Current().Hosted.DKIM.Mode != transports.DKIMNone || u.next.Disabled() || strings.Contains(shown(s.dkim), "[Make the key]") {
		t.Errorf("without DKIM: %+v, next disabled %v", st.Current().Hosted.DKIM, u.next.Disabled())
	}
	wantTexts(t, "DKIM", shown(s.dkim), "Without DKIM, receivers check this mail by SPF alone")
	test.Tap(s.without)
	if d := st.Current().Hosted.DKIM; d.Mode != transports.DKIMGenerate || d.Selector != "clockwise-202611" || !u.next.Disabled() {
		t.Errorf("with DKIM again: %+v, next disabled %v", d, u.next.Disabled())
	}
}

func TestHostedStepInDutch(t *testing.T) {
	test.NewTempApp(t)
	u, s := openAtHosted(t, i18n.Dutch, "ClockWise", "example.nl")
	wantTexts(t, "SPF", shown(s.spf), "Nu gepubliceerd (", "Toegevoegd: include:_spf.clockwise.info")
	test.AssertRendersToMarkup(t, "hosted_spf_nl.xml", u.win.Canvas())
}

// A preset that names a key file: resumed at the hosted step, the page
// offers to import that file, first in line, and imports it.
func TestHostedStepImportsThePresetsKeyFile(t *testing.T) {
	test.NewTempApp(t)
	keyFile := testKeyFile(t, encryptedTestKey)
	draft := filepath.Join(t.TempDir(), "draft.json")
	os.WriteFile(draft, []byte(`{"version": 2, "step": "hosted", "lang": "nl", "provider": "spacewell", "domain": "example.nl", "dns_access": true,
  "transports": [{"name": "Spacewell", "type": "hosted", "match": {"domain": "example.nl"}, "hosted": {"dkim": {"mode": "import", "selector": "old2019"}}}],
  "editing": 1, "key_plans": [{"selector": "old2019", "key_file": `+strconv.Quote(keyFile)+`}]}`), 0o600)
	u, _ := openWizardWith(t, draft, "", senderEnv(t))
	s, ok := u.view.(*hostedStep)
	if !ok {
		t.Fatalf("resumed at %T, want the hosted step", u.view)
	}
	if s.presetBtn == nil || s.presetBtn.Text != "dkim-rsa2048-encrypted.pem importeren" || s.first() != s.presetBtn {
		t.Fatalf("the preset's key file is not offered first: %v", s.presetBtn)
	}
	waitSlow(t, "the SPF plan", func() bool { return s.withDisc && !u.running() })
	test.Tap(s.presetBtn)
	waitSlow(t, "the password question", func() bool { return s.pwDialog != nil && !u.running() })
	test.Type(s.pwEntry, "Geheim2026")
	s.pwEntry.OnSubmitted(s.pwEntry.Text) // Enter in the password field
	waitSlow(t, "the import", func() bool { return s.pwDialog == nil && !u.running() })
	if k := u.flow.State.Key("old2019"); k == nil || u.next.Disabled() {
		t.Fatalf("after the import: keys %+v, page:\n%s", u.flow.State.Keys, shown(s.box))
	}
	wantTexts(t, "DKIM", shown(s.dkim), "De sleutel (rsa2048, vingerafdruk ")
	test.AssertRendersToMarkup(t, "hosted_imported_nl.xml", u.win.Canvas())
}
