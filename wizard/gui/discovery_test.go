package gui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// Passing the domain step starts discovery in the background: the next
// page opens at once, and what the domain's DNS shows arrives after.
func TestDiscoveryStartsAfterTheDomain(t *testing.T) {
	test.NewTempApp(t)
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN example.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`)
	env := &wizard.Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Secrets: secrets.NewMemory()}
	u, _ := openWizardWith(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English, env)
	welcome(t, u).radio.SetSelected("ClockWise")
	test.Tap(u.next)
	test.Type(u.view.(*domainStep).entry, "example.nl")
	if u.discovery() != nil {
		t.Fatal("a discovery result before the domain was given")
	}
	test.Tap(u.next)
	waitFor(t, "discovery", func() bool { return u.discovery() != nil })
	if got := u.discovery().Report.Checks.MX.Name; got != "Microsoft 365" {
		t.Errorf("discovery saw mailboxes at %q, want Microsoft 365", got)
	}
}
