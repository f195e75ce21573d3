package gui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/publish/bindtest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// openPublishWith opens the DNS step of a hosted draft with the
// publishing form shown, the window reaching the keychain through store.
func (o *ownDNSWorld) openPublishWith(t *testing.T, store secrets.Store) (*ui, *dnsStep) {
	t.Helper()
	draft := hostedDraft(t, o.world, i18n.English)
	o.world.env.Secrets = store
	u, _ := openWizardWith(t, draft, i18n.English, o.world.env)
	s := dnsView(t, u)
	waitFor(t, "a round and discovery", func() bool { return len(s.table.Objects) > 0 && !u.discoveryRunning() })
	s.publish.enable.SetChecked(true)
	return u, s
}

// The server took the update and the keychain would not keep the
// secret: the page says the records are published, with the keychain's
// trouble as a warning; the key's name goes into the draft, and the
// field keeps the secret, since the keychain does not.
func TestDNSStepPublishKeychainWillNotKeep(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	u, s := o.openPublishWith(t, secrets.Unavailable(errors.New("the login keyring is locked")))
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(o.key.Secret)
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() || p.result.Importance == widget.DangerImportance })
	test.Tap(p.send)
	waitFor(t, "the answer", func() bool {
		return strings.Contains(p.result.Text, "took the update") || p.result.Importance == widget.DangerImportance
	})
	if p.result.Importance != widget.WarningImportance || !strings.Contains(p.result.Text, "could not be kept in your keychain") || !strings.Contains(p.result.Text, "the login keyring is locked") {
		t.Errorf("after sending: %q (importance %v)", p.result.Text, p.result.Importance)
	}
	if len(o.primary.TXT(t, "spacewell._domainkey.example.nl")) != 1 || u.flow.State.TSIG == nil || p.secret.Text != o.key.Secret {
		t.Errorf("published %v, key in the draft %+v, the field holds the secret %v", o.primary.TXT(t, "spacewell._domainkey.example.nl"), u.flow.State.TSIG, p.secret.Text == o.key.Secret)
	}
}

// Cancel while the update waits for its answer (lost on the way back:
// bindtest.Proxy) is the admin's stop, not a network fault: the page
// says the name servers will show whether it went out, without alarm or
// firewall advice, and polling goes on.
func TestDNSStepPublishCancelled(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	u, s := o.openPublishWith(t, o.store)
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(o.key.Secret)
	p.server.SetText(bindtest.Proxy(t, o.primary.Addr, bindtest.DropAnswer))
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() || p.result.Importance == widget.DangerImportance })
	test.Tap(p.send)
	waitFor(t, "the update on the server", func() bool { return len(o.primary.TXT(t, "spacewell._domainkey.example.nl")) == 1 })
	u.cancelTask()
	waitFor(t, "the stop said", func() bool { return strings.Contains(p.result.Text, "topped") })
	if p.result.Importance == widget.DangerImportance || !strings.Contains(p.result.Text, "the name servers will show it") || strings.Contains(p.result.Text, "firewall") {
		t.Errorf("after Cancel: %q (importance %v)", p.result.Text, p.result.Importance)
	}
	waitFor(t, "polling again", func() bool { return u.running() })
}

// A zone with Active Directory's records whose server does not say what
// it is: probably Windows DNS. The page says "probably", offers the
// PowerShell lines, and still offers Send: only the server can tell.
func TestDNSStepPublishProbablyWindows(t *testing.T) {
	test.NewTempApp(t)
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, ownZone+"\n_ldap._tcp.dc._msdcs 600 IN SRV 0 100 389 ns1.example.nl.\n")
	srv.MustAddZone(t, dnstest.SOA("axxerion.com", 300)+"\n_spf.axxerion.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	o := &ownDNSWorld{world: &dnsWorld{resolver: srv, env: &wizard.Env{Secrets: secrets.NewMemory(), DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}}}}
	_, s, _ := o.openPublish(t, i18n.English)
	p := s.publish
	test.Type(p.name, "mailwizard")
	p.secret.SetText(bindtest.NewKey("x", "hmac-sha256").Secret)
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() || p.result.Importance == widget.DangerImportance })
	if !p.send.Visible() || !p.copyLines.Visible() || !strings.Contains(p.result.Text, "is probably a Windows DNS server") || !strings.Contains(p.result.Text, "If so, the update will be refused") {
		t.Errorf("result %q: Send shown %v, the lines offered %v", p.result.Text, p.send.Visible(), p.copyLines.Visible())
	}
}

// A domain with two SPF records: the DNS page names both as the records
// the new one takes the place of, and so does the update shown.
func TestDNSStepNamesEveryRecordReplaced(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	const second = "v=spf1 include:mailgun.org ~all"
	if err := o.world.resolver.Add(`example.nl. 300 IN TXT "` + second + `"`); err != nil {
		t.Fatal(err)
	}
	_, s, _ := o.openPublish(t, i18n.English)
	waitFor(t, "the records", func() bool { return len(s.records) > 0 })
	for _, want := range []string{"In place of: v=spf1 include:spf.protection.outlook.com -all", "In place of: " + second} {
		if _, ok := findWidget(s.recordBox, func(l *widget.Label) bool { return l.Text == want }); !ok {
			t.Errorf("the page does not say %q", want)
		}
	}
}

// The admin pastes the key as tsig-keygen -a hmac-sha512 printed it: the
// algorithm they did not touch is the key's, not the preset hmac-sha256
// (which the key would refuse to agree with), and so is the name they
// did not type; both fields show them, and the server takes the update.
// An algorithm the admin did choose still has to agree with the key.
func TestDNSStepPublishPastedKeyGivesItsAlgorithm(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorldWith(t, bindtest.NewKey("mailwizard", "hmac-sha512"))
	_, s, _ := o.openPublish(t, i18n.English)
	p := s.publish
	pasted := `key "mailwizard" {` + "\n\talgorithm hmac-sha512;\n\tsecret \"" + o.key.Secret + "\";\n};\n"
	p.secret.SetText(pasted)
	test.Tap(p.show)
	waitFor(t, "the update shown", func() bool { return p.send.Visible() || p.result.Visible() || p.fields["tsig.secret"].err.Visible() })
	if !p.send.Visible() || !strings.Contains(p.plan.Text, "key hmac-sha512:mailwizard <secret, not shown>") || p.algorithm.Selected != "hmac-sha512" || p.name.Text != "mailwizard" {
		t.Fatalf("send shown %v, the secret marked %q, update %q, fields %q %q", p.send.Visible(), p.fields["tsig.secret"].err.Text, p.plan.Text, p.name.Text, p.algorithm.Selected)
	}
	test.Tap(p.send)
	waitFor(t, "the answer", func() bool {
		return strings.Contains(p.result.Text, "took the update") || p.result.Importance == widget.DangerImportance
	})
	if !strings.Contains(p.result.Text, "took the update") {
		t.Errorf("after sending: %q", p.result.Text)
	}

	p.algorithm.SetSelected("hmac-sha256") // the admin's own choice
	p.secret.SetText(pasted)
	test.Tap(p.show)
	if !p.fields["tsig.secret"].err.Visible() || !strings.Contains(p.fields["tsig.secret"].err.Text, "Is a key of algorithm hmac-sha512, not hmac-sha256") {
		t.Errorf("an algorithm chosen against the key: %q", p.fields["tsig.secret"].err.Text)
	}
}

// slowKeychain answers Get only when released: a keychain that takes
// seconds (a D-Bus activation, an unlock prompt), which no real one does
// on demand, so a stand-in; the secrets themselves are a real Memory
// store's.
type slowKeychain struct {
	*secrets.Memory
	release chan struct{}
}

func (k slowKeychain) Get(ref transports.SecretRef) (string, error) {
	<-k.release
	return k.Memory.Get(ref)
}

// An edit while the server is read (the secret coming from a slow
// keychain) makes what comes back belong to fields that are no longer
// there: Send is not offered for the old server, and the page says to
// show the update again.
func TestDNSStepPublishEditWhileReading(t *testing.T) {
	test.NewTempApp(t)
	o := newOwnDNSWorld(t)
	if err := o.store.Set(secrets.TSIGKeyRef("example.nl", "mailwizard"), o.key.Secret); err != nil {
		t.Fatal(err)
	}
	slow := slowKeychain{Memory: o.store, release: make(chan struct{})}
	u, s := o.openPublishWith(t, slow)
	p := s.publish
	test.Type(p.name, "mailwizard")
	test.Tap(p.show)
	p.server.SetText(o.secondary.Addr) // while the keychain is asked
	close(slow.release)
	waitFor(t, "the reading done", func() bool { return !u.running() || p.result.Visible() })
	waitFor(t, "the note", func() bool { return p.result.Visible() })
	if p.send.Visible() || !strings.Contains(p.result.Text, "The fields changed while your DNS server was read: show the update again.") {
		t.Errorf("Send offered %v (%q), the page says %q", p.send.Visible(), p.send.Text, p.result.Text)
	}
	test.Tap(p.show)
	waitFor(t, "the update shown again", func() bool { return p.send.Visible() || p.result.Importance == widget.DangerImportance })
	if !strings.Contains(p.send.Text, o.secondary.Addr) {
		t.Errorf("the update is for %q", p.send.Text)
	}
}
