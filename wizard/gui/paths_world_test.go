package gui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
)

// The world the walks from the welcome step run against, and what a crash
// in the middle of one checks.

// pathWorld is the loopback world of a walk: the customer's DNS and their
// own submission server (STARTTLS with a certificate of a test CA, AUTH
// for facturen@example.nl, every mail kept to be read back).
type pathWorld struct {
	env    *wizard.Env
	dns    []*dnstest.Server // where the admin publishes the records
	pinned string            // the one server every query goes to (setup's --dns-server); "" with name servers
	mail   *smtptest.Server
	ca     *smtptest.CA
}

// newPathWorld is example.nl on its two name servers (newDNSWorld: the
// clock stands still) and the submission server.
func newPathWorld(t *testing.T) *pathWorld {
	t.Helper()
	d := newDNSWorld(t)
	w := &pathWorld{env: d.env, dns: []*dnstest.Server{d.ns1, d.ns2, d.resolver}}
	w.startMail(t)
	return w
}

// newPinnedWorld is example.nl on one server that takes every query, as
// setup --dns-server sends them, so that the window and setup see the
// same DNS; the window's environment is the one setup makes from its
// flags (the system clock, no dialer or timeouts of its own).
func newPinnedWorld(t *testing.T) *pathWorld {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN example.nl.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns1
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
`)
	for _, z := range []string{
		dnstest.SOA("axxerion.com", 300) + "\n_spf.axxerion.com. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
		dnstest.SOA("clockwise.info", 300) + "\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"",
		dnstest.SOA("protection.outlook.com", 300) + "\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"",
	} {
		srv.MustAddZone(t, z)
	}
	w := &pathWorld{dns: []*dnstest.Server{srv}, pinned: srv.Addr}
	w.startMail(t)
	w.env = w.faceEnv()
	old := dnsPollInterval
	dnsPollInterval = 20 * time.Millisecond
	t.Cleanup(func() { dnsPollInterval = old })
	return w
}

// faceEnv is what setup reaches the pinned world through: its DNS client,
// a keychain of its own and the test CA.
func (w *pathWorld) faceEnv() *wizard.Env {
	return &wizard.Env{DNS: &dnsq.Client{Pinned: w.pinned, Timeout: dnsq.DefaultTimeout}, Secrets: secrets.NewMemory(), RootCAs: w.ca.Pool}
}

func (w *pathWorld) startMail(t *testing.T) {
	w.ca = smtptest.NewCA(t)
	cert := w.ca.Valid(t, "127.0.0.1")
	w.mail = smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"facturen@example.nl": ownPassword}})
	if w.env != nil {
		w.env.RootCAs = w.ca.Pool
		w.env.SMTPTimeouts = smtp.Timeouts{Connect: 2 * time.Second, Command: 2 * time.Second}
	}
}

// publishAll puts the records on every server of the world at once.
func (w *pathWorld) publishAll(t *testing.T, records []wizard.Record) {
	publishByHand(t, records, w.dns...)
}

// unpublish puts the zone back as it was before the admin published:
// the next face starts from the same DNS.
func (w *pathWorld) unpublish(records []wizard.Record) {
	for _, srv := range w.dns {
		for _, r := range records {
			srv.Remove(r.Name, dns.TypeTXT)
			srv.Remove(r.Name, dns.TypeCNAME)
		}
		srv.Add(`example.nl. 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"`)
	}
}

// stateText is the State as the draft holds it, without the time of saving.
func stateText(t *testing.T, s *wizard.State) string {
	t.Helper()
	raw, err := wizard.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return withoutSaved(t, raw)
}

func withoutSaved(t *testing.T, raw []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("the draft is not JSON: %v\n%s", err, raw)
	}
	delete(m, "saved")
	out, _ := json.MarshalIndent(m, "", "  ")
	return string(out)
}

// keptSecrets are the secrets the State refers to, read from the keychain.
func keptSecrets(t *testing.T, env *wizard.Env, s *wizard.State) []string {
	var out []string
	get := func(ref transports.SecretRef) {
		if ref == "" {
			return
		}
		v, err := env.Secrets.Get(ref)
		if err != nil {
			t.Errorf("the keychain lacks %s: %v", ref, err)
			return
		}
		out = append(out, v)
	}
	for _, k := range s.Keys {
		get(k.PrivateKeyRef)
	}
	for _, tr := range s.Transports {
		if tr.SMTP != nil {
			get(tr.SMTP.PasswordRef)
		}
	}
	return out
}

// leaked reports a secret found in raw: a password whole, a PEM key by
// any line of its body (which also finds its DER in base64, line aligned).
func leaked(raw []byte, secret string) string {
	if !strings.Contains(secret, "-----BEGIN") {
		if bytes.Contains(raw, []byte(secret)) {
			return "the password"
		}
		return ""
	}
	for _, line := range strings.Split(secret, "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") && bytes.Contains(raw, []byte(line)) {
			return "the private key's line " + line
		}
	}
	return ""
}

// resume closes the window as a crash would (the draft flushed, as the
// autosaver does before the process ends) and opens a new one on the
// same draft, keychain and servers: the same step, the same answers in
// the State and on the page, and no secret in the draft.
func (k *walk) resume() {
	t := k.t
	t.Helper()
	if !k.crash {
		return
	}
	step, title, position := k.u.flow.Current().ID, k.u.title.Text, k.u.position.Text
	want, page := stateText(t, k.u.flow.State), entered(k.u)
	secrets := keptSecrets(t, k.w.env, k.u.flow.State)
	k.u.close()

	raw, err := os.ReadFile(k.draft)
	if err != nil {
		t.Fatalf("%s: no draft after the crash: %v", step, err)
	}
	if got := withoutSaved(t, raw); got != want {
		t.Errorf("%s: the draft is not what was entered:\n%s\nwant:\n%s", step, got, want)
	}
	for _, s := range secrets {
		k.secrets++
		if what := leaked(raw, s); what != "" {
			t.Errorf("%s: the draft holds %s", step, what)
		}
	}

	k.u, k.win = openWizardWith(t, k.draft, "", k.w.env)
	if got := k.u.flow.Current().ID; got != step || k.u.title.Text != title || k.u.position.Text != position {
		t.Fatalf("after the crash the window opens on %s %q %q, want %s %q %q", got, k.u.title.Text, k.u.position.Text, step, title, position)
	}
	if got := stateText(t, k.u.flow.State); got != want {
		t.Errorf("%s: the new window's answers:\n%s\nwant:\n%s", step, got, want)
	}
	// What the page starts on opening (reading the SPF record, working
	// out the records to poll for) comes back before the page is compared.
	if d, ok := k.u.view.(*dnsStep); ok {
		waitFor(t, "the records in the new window", func() bool { return d.records != nil })
	} else {
		waitFor(t, "the page's own work", func() bool { return !k.u.running() })
	}
	if got := entered(k.u); got != page {
		t.Errorf("%s: the new window's page shows:\n%s\nwant:\n%s", step, got, page)
	}
}

// entered is what the admin entered on the page shown, as its widgets
// show it (and whether Next lets them on): what must look the same after
// a crash and a new window.
func entered(u *ui) string {
	var f []string
	add := func(k string, v any) { f = append(f, fmt.Sprintf("%s=%v", k, v)) }
	chosen := func(b *keyButton) bool { return b != nil && b.Importance == widget.HighImportance }
	switch v := u.view.(type) {
	case *welcomeStep:
		add("language", v.lang.Selected)
		add("service", v.radio.Selected)
	case *domainStep:
		add("domain", v.entry.Text)
		add("senders", v.senders.Text)
	case *typeStep:
		add("dns yes", chosen(v.yes))
		add("dns no", chosen(v.no))
		for i, b := range v.buttons {
			add(v.choices[i].Title, chosen(b))
		}
	case *hostedStep:
		add("selector", v.selector.Text)
		add("key form", v.makeBtn.Visible())
		if k := u.flow.State.Key(u.flow.State.Current().Hosted.DKIM.Selector); k != nil {
			add("key shown", strings.Contains(labelTexts(v.dkim.Objects), k.Fingerprint))
		}
	case *noReplyStep:
		add("reply-to", v.replyTo.Checked)
	case *smtpStep:
		add("host", v.host.Text)
		add("port", v.port.Text)
		add("encryption", v.encryption.radio.Selected)
		add("certificate", v.certCheck.radio.Selected)
		add("auth", v.auth.Selected)
		add("username", v.username.Text)
		add("password typed", v.password.Text)
		add("mode", v.mode.Selected)
		add("password", v.pwNote.Text)
	case *verifyStep:
		add("codes to", v.codeTo.Text)
		for _, r := range v.senders {
			add(r.from, r.status.Text)
		}
	case *dnsStep:
		add("later", v.deferCheck.Checked)
		for _, r := range v.records {
			add(r.Name, r.Value)
		}
	case *transportsStep:
		add("list", cardTexts(v.list))
	case *reviewStep:
		add("plain-text secrets", v.plaintext != nil && v.plaintext.Checked)
	default:
		add("page", fmt.Sprintf("%T", v))
	}
	add("next enabled", !u.next.Disabled())
	return strings.Join(f, "\n")
}

// cardTexts are the labels on the transports' cards, in order.
func cardTexts(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *widget.Card:
			walk(x.Content)
		case *container.Scroll:
			walk(x.Content)
		case *widget.Label:
			if x.Visible() && x.Text != "" {
				out = append(out, x.Text)
			}
		}
	}
	walk(o)
	return strings.Join(out, " / ")
}

// findWidget finds the first object under o (through widgets' renderers:
// a dialog's parts) that want accepts.
func findWidget[T fyne.CanvasObject](o fyne.CanvasObject, want func(T) bool) (T, bool) {
	if x, ok := o.(T); ok && want(x) {
		return x, true
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(x).Objects()
	}
	for _, k := range kids {
		if found, ok := findWidget(k, want); ok {
			return found, true
		}
	}
	var zero T
	return zero, false
}

// saveInDialog presses Save in the save dialog shown on win, with the
// file name it proposes, as the admin accepts it.
func saveInDialog(t *testing.T, win fyne.Window, name string) {
	t.Helper()
	top := win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no save dialog is shown")
	}
	if _, ok := findWidget(top, func(e *widget.Entry) bool { return e.Text == name }); !ok {
		t.Fatalf("the save dialog does not propose %s", name)
	}
	save, ok := findWidget(top, func(b *widget.Button) bool { return b.Text == "Save" })
	if !ok || save.Disabled() {
		t.Fatalf("the save dialog has no Save button that can be pressed (found %v)", ok)
	}
	test.Tap(save)
}

// codeMailed waits for mail number n at the server and reads the code in
// it, as the admin reads it in their mailbox.
func codeMailed(t *testing.T, srv *smtptest.Server, n int) (string, smtptest.Message) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if msgs := srv.Messages(); len(msgs) >= n {
			m := codeInMail.FindStringSubmatch(string(msgs[n-1].Data))
			if m == nil {
				t.Fatalf("mail %d holds no code:\n%s", n, msgs[n-1].Data)
			}
			return m[1], msgs[n-1]
		}
	}
	t.Fatalf("mail %d never arrived", n)
	return "", smtptest.Message{}
}

// waitZoneFile plays the admin who pastes setup's zone-file lines into
// the DNS panel: once the file is there, its records go onto srv. It
// gives up when stop closes.
func waitZoneFile(srv *dnstest.Server, path string, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		zp := dns.NewZoneParser(bytes.NewReader(raw), "", "")
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			if txt, isTXT := rr.(*dns.TXT); isTXT && strings.HasPrefix(strings.Join(txt.Txt, ""), "v=spf1") {
				srv.Remove(rr.Header().Name, dns.TypeTXT) // the SPF record is replaced, not added
			}
			srv.AddRR(rr)
		}
		return
	}
}
