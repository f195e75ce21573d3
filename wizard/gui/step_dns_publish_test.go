package gui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/publish/bindtest"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// The customer runs their own BIND: ns1 the primary that takes updates
// signed with the key "mailwizard", ns2 its secondary, both on
// 127.0.0.1 (BIND listens on interface addresses only) and reached by
// their NS names.
const ownZone = `$ORIGIN example.nl.
$TTL 300
@   IN SOA ns1 hostmaster 2026120101 7200 3600 1209600 300
@   IN NS  ns1
@   IN NS  ns2
ns1 IN A   127.0.0.1
ns2 IN A   127.0.0.1
@   IN MX  0 example-nl.mail.protection.outlook.com.
@   IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc IN TXT "v=DMARC1; p=reject"
`

type ownDNSWorld struct {
	primary, secondary *bindtest.Server
	key                bindtest.Key
	store              *secrets.Memory
	world              *dnsWorld // for hostedDraft: its env
}

func newOwnDNSWorld(t *testing.T) *ownDNSWorld {
	t.Helper()
	return newOwnDNSWorldWith(t, bindtest.NewKey("mailwizard", "hmac-sha256"))
}

// newOwnDNSWorldWith is that world with another key on the primary.
func newOwnDNSWorldWith(t *testing.T, key bindtest.Key) *ownDNSWorld {
	t.Helper()
	own := bindtest.StartOwn(t, []bindtest.Key{key}, bindtest.Zone{Name: "example.nl", Text: ownZone, Policy: []string{"grant mailwizard zonesub ANY;"}},
		bindtest.Include("axxerion.com", "_spf.axxerion.com", "ip4:192.0.2.0/24"),
		bindtest.Include("protection.outlook.com", "spf.protection.outlook.com", "ip4:40.92.0.0/15"))
	store := secrets.NewMemory()
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	env := &wizard.Env{Secrets: store, Now: func() time.Time { return at },
		DNS: &dnsq.Client{Servers: []string{own.Resolver.Addr}, Timeout: time.Second, AuthAddrs: own.AuthAddrs}}
	old := dnsPollInterval
	dnsPollInterval = 20 * time.Millisecond
	t.Cleanup(func() { dnsPollInterval = old })
	return &ownDNSWorld{primary: own.Primary, secondary: own.Secondary, key: key, store: store, world: &dnsWorld{resolver: own.Resolver, env: env}}
}

// openPublish opens the DNS step of a hosted draft with the publishing
// form shown, once the first round of polling and discovery are done.
func (o *ownDNSWorld) openPublish(t *testing.T, lang i18n.Lang) (*ui, *dnsStep, string) {
	t.Helper()
	draft := hostedDraft(t, o.world, lang)
	u, _ := openWizardWith(t, draft, lang, o.world.env)
	s := dnsView(t, u)
	waitFor(t, "a round and discovery", func() bool { return len(s.table.Objects) > 0 && !u.discoveryRunning() })
	s.publish.enable.SetChecked(true)
	return u, s, draft
}

// The admin ticks "publish for me", gives the key, sees the exact update
// with nothing sent, sends it, and sees polling find it on both name
// servers; the draft keeps the key's name, the keychain its secret.
func TestDNSStepPublishesForMe(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	u, s, draft := o.openPublish(t, i18n.English)
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(o.key.Secret)
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() || p.result.Importance == widget.DangerImportance })
	for _, want := range []string{"\nzone example.nl.\n", "key hmac-sha256:mailwizard <secret, not shown>",
		"prereq yxrrset example.nl. IN TXT \"v=spf1 include:spf.protection.outlook.com -all\"", "update add spacewell._domainkey.example.nl. 3600 IN TXT"} {
		if !strings.Contains(p.plan.Text, want) {
			t.Errorf("the update shown lacks %q:\n%s\n%s", want, p.result.Text, p.plan.Text)
		}
	}
	if !strings.Contains(p.result.Text, "replace: TXT example.nl (SPF)\n    in place of: v=spf1 include:spf.protection.outlook.com -all") || !strings.Contains(p.send.Text, "Send the update to ns1.example.nl ("+o.primary.Addr+")") {
		t.Errorf("result %q, button %q", p.result.Text, p.send.Text)
	}
	if strings.Contains(p.plan.Text, o.key.Secret) || len(o.primary.TXT(t, "spacewell._domainkey.example.nl")) != 0 {
		t.Fatal("showing the update sent it, or showed the secret")
	}
	waitFor(t, "polling again", func() bool { return u.running() })
	// An edit takes the update shown away until it is shown again.
	p.server.SetText(o.primary.Addr)
	if p.send.Visible() || p.plan.Visible() {
		t.Error("the update stays sendable after the server was changed")
	}
	test.Tap(p.show)
	waitFor(t, "the update shown again", func() bool { return p.send.Visible() })

	test.Tap(p.send)
	waitFor(t, "every record everywhere", func() bool {
		return !u.running() && len(u.flow.State.DNS) == 2 && u.flow.State.DNS[0].Status == "ok" && u.flow.State.DNS[1].Status == "ok"
	})
	if !strings.Contains(p.result.Text, "took the update: 2 record(s)") || u.next.Disabled() {
		t.Errorf("after sending: %q, Next disabled %v", p.result.Text, u.next.Disabled())
	}
	for _, srv := range []*bindtest.Server{o.primary, o.secondary} {
		if key := srv.TXT(t, "spacewell._domainkey.example.nl"); len(key) != 1 || len(key[0]) != 2 {
			t.Errorf("%s: the key record %q", srv.Addr, key)
		}
	}
	if p.lag.Visible() {
		t.Errorf("a lag is still shown with every record everywhere: %q", p.lag.Text)
	}
	if kept, err := o.store.Get(secrets.TSIGKeyRef("example.nl", "mailwizard")); err != nil || kept != o.key.Secret || p.secret.Text != "" {
		t.Errorf("keychain %q, %v; the field still holds %q", kept, err, p.secret.Text)
	}
	// Again, with the secret left to the keychain: nothing to send.
	test.Tap(p.show)
	waitFor(t, "the records read again", func() bool { return strings.Contains(p.result.Text, "there is nothing to send") })
	if p.send.Visible() || !strings.Contains(p.result.Text, "there already: TXT spacewell._domainkey.example.nl") {
		t.Errorf("publishing again: %q", p.result.Text)
	}
	u.close()
	raw, _ := os.ReadFile(draft)
	if !strings.Contains(string(raw), `"name": "mailwizard"`) || strings.Contains(string(raw), o.key.Secret) {
		t.Errorf("the draft:\n%s", raw)
	}
}

// A secret the server does not know is said with what to do, and the
// name servers are asked again at once.
func TestDNSStepPublishRefused(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	u, s, _ := o.openPublish(t, i18n.English)
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(bindtest.NewKey("x", "hmac-sha256").Secret)
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() })
	test.Tap(p.send)
	waitFor(t, "the refusal", func() bool { return p.result.Importance == widget.DangerImportance })
	if !strings.Contains(p.result.Text, "(BADSIG)\nCopy the secret again") || !strings.Contains(p.result.Text, `key "mailwizard" { algorithm hmac-sha256;`) {
		t.Errorf("the refusal says %q", p.result.Text)
	}
	waitFor(t, "polling again", func() bool { return u.running() })
	if u.flow.State.TSIG != nil {
		t.Error("a refused key went into the draft")
	}
}

// Wrong fields are marked and nothing is asked of the server.
func TestDNSStepPublishFormErrors(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Dutch} {
		t.Run(string(lang), func(t *testing.T) {
			test.NewTempApp(t)
			o := newOwnDNSWorld(t)
			u, s, _ := o.openPublish(t, lang)
			p := s.publish
			p.secret.SetText("not base64!")
			p.server.SetText("ns1.example.nl:99999")
			test.Tap(p.show)
			for _, f := range []string{"tsig.name", "tsig.server"} {
				if !p.fields[f].err.Visible() {
					t.Errorf("%s is not marked", f)
				}
			}
			test.Type(p.name, "mailwizard")
			test.Tap(p.show)
			if !p.fields["tsig.secret"].err.Visible() || p.fields["tsig.name"].err.Visible() || p.send.Visible() {
				t.Errorf("secret marked %v, name marked %v", p.fields["tsig.secret"].err.Visible(), p.fields["tsig.name"].err.Visible())
			}
			test.AssertRendersToMarkup(t, "dns_publish_errors_"+string(lang)+".xml", u.win.Canvas())
			// No secret typed, and none in the keychain: the task says so.
			p.secret.SetText("")
			p.server.SetText("")
			test.Tap(p.show)
			waitFor(t, "the secret marked", func() bool { return p.fields["tsig.secret"].err.Visible() })
			if lang == i18n.English && p.fields["tsig.secret"].err.Text != "Is empty, and your keychain holds no secret for the key mailwizard: type it" {
				t.Errorf("the secret's mark: %q", p.fields["tsig.secret"].err.Text)
			}
		})
	}
}

// A Windows DNS primary gets no update: the page says why and offers
// the PowerShell commands on the clipboard.
func TestDNSStepPublishWindowsDNS(t *testing.T) {
	test.NewTempApp(t)
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, ownZone+"\nversion.bind. 0 CH TXT \"Microsoft DNS 10.0.20348 (524C0E1F)\"\nbind. 0 CH SOA a. b. 1 1 1 1 1\n")
	srv.MustAddZone(t, dnstest.SOA("axxerion.com", 300)+"\n_spf.axxerion.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	o := &ownDNSWorld{world: &dnsWorld{resolver: srv, env: &wizard.Env{Secrets: secrets.NewMemory(), DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}}}}
	_, s, _ := o.openPublish(t, i18n.English)
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(bindtest.NewKey("x", "hmac-sha256").Secret)
	test.Tap(p.show)
	waitFor(t, "the finding", func() bool { return p.result.Importance == widget.DangerImportance })
	if !strings.Contains(p.result.Text, "is Windows DNS (Microsoft DNS 10.0.20348 (524C0E1F))") || p.send.Visible() || !p.copyLines.Visible() {
		t.Fatalf("result %q, send shown %v", p.result.Text, p.send.Visible())
	}
	test.Tap(p.copyLines)
	if got := fyne.CurrentApp().Clipboard().Content(); !strings.HasPrefix(got, "Remove-DnsServerResourceRecord -ZoneName 'example.nl' -Name '@' -RRType Txt") ||
		!strings.Contains(got, "\nAdd-DnsServerResourceRecord -ZoneName 'example.nl' -Name 'spacewell._domainkey' -Txt -DescriptiveText \"v=DKIM1; k=rsa; p=") {
		t.Errorf("the clipboard holds:\n%s", got)
	}
}
