package gui

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/poll"
	"mailwizard/checks/smtp"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// make screenshots: go test ./wizard/gui -run TestScreenshots -args -screenshots DIR
var screenshotDir = flag.String("screenshots", "", "write every step as PNG (en and nl, light and dark, scale 1 and 2) to this directory")

// A scene is the wizard's state as the flow left it on reaching a step,
// walked through the wizard's API against loopback servers, as an admin
// would have answered.
type scene struct {
	name  string // file name part: "04-hosted"
	draft []byte // the State, encoded as a draft
}

// screenScales are the scales pictured and checked: a normal screen and
// a HiDPI one. Fyne lays out in device-independent units, so the page is
// the same size; text and icons are drawn with twice the pixels.
var screenScales = []float32{1, 2}

// TestScreenshots renders each step the way the window shows it, with
// Fyne's software painter: no display needed. It renders whatever page a
// step has, so new pages appear in the pictures as they are written.
// Scale 2 goes to NAME@2x.png.
func TestScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("renders only with -screenshots DIR (make screenshots)")
	}
	if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	env, scenes := walkScenes(t)
	shown := map[wizard.StepID]bool{}
	for _, sc := range scenes {
		for _, lang := range i18n.Supported {
			for _, v := range []struct {
				name    string
				variant fyne.ThemeVariant
			}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
				name := fmt.Sprintf("%s-%s-%s", lang, v.name, sc.name)
				t.Run(name, func(t *testing.T) {
					u, w := openScene(t, env, sc, lang, v.variant, settleQuiet)
					for _, scale := range screenScales {
						file := name + ".png"
						if scale != 1 {
							file = fmt.Sprintf("%s@%gx.png", name, scale)
						}
						setScale(u, w, scale)
						writePNG(t, w.Canvas().Capture(), filepath.Join(*screenshotDir, file))
					}
					shown[u.flow.Current().ID] = true
				})
			}
		}
	}
	for _, st := range wizard.Steps {
		if !shown[st.ID] {
			t.Errorf("no screenshot of the %s step", st.ID)
		}
	}
}

// openScene opens the wizard on the scene's draft in the size the real
// window opens at, and lets the page's background work (discovery,
// polling) come back until it has been quiet for quiet.
func openScene(t *testing.T, env *wizard.Env, sc scene, lang i18n.Lang, variant fyne.ThemeVariant, quiet time.Duration) (*ui, fyne.Window) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&fixedVariant{Theme: theme.DefaultTheme(), variant: variant})
	draft := filepath.Join(t.TempDir(), "draft.json")
	if err := os.WriteFile(draft, sc.draft, 0o600); err != nil {
		t.Fatal(err)
	}
	u, w := openWizardWith(t, draft, lang, env)
	// The size the real window opens at: its minimum and the padding
	// around the content (908×658 with the default theme).
	pad := 2 * theme.Padding()
	w.Resize(minWindowSize.AddWidthHeight(pad, pad))
	settle(quiet)
	// Lay the page out once more at its final width, as the real window
	// does on its next frame: a wrapped label measured before the resize
	// would otherwise keep its old height.
	u.relayout()
	return u, w
}

// setScale draws the window at scale (2 on a HiDPI screen), laid out anew
// as the real window is when it moves to such a screen.
func setScale(u *ui, w fyne.Window, scale float32) {
	w.Canvas().(software.WindowlessCanvas).SetScale(scale)
	w.Resize(w.Canvas().Size())
	u.relayout()
}

func writePNG(t *testing.T, img image.Image, file string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// settleQuiet is how long background work must be quiet before a
// picture is taken.
const settleQuiet = 300 * time.Millisecond

// settle runs what background work hands to the page until it has been
// quiet for quiet, or two seconds passed: a picture, not a test, so a
// poll still running is drawn as it is.
func settle(quiet time.Duration) {
	last := time.Now()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case f := <-uiQueue.ch:
			f()
			last = time.Now()
		default:
			if time.Since(last) > quiet {
				return
			}
		}
	}
}

// fixedVariant draws the default theme in one variant whatever the
// system's, as a user who chose light or dark sees it.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (f *fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.variant)
}

const screenZone = `
$ORIGIN example.nl.
@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN NS ns1
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject"
`

// walkScenes walks the three paths (ClockWise from its servers, ClockWise
// from its own address, PerfectView through the admin's server) and keeps
// the state at each step.
func walkScenes(t *testing.T) (*wizard.Env, []scene) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, screenZone)
	srv.MustAddZone(t, dnstest.SOA("clockwise.info", 300)+"\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 ip4:31.134.206.128/28 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "127.0.0.1")
	mail := smtptest.Start(t, smtptest.Options{Cert: &cert, Users: map[string]string{"facturen@example.nl": "Zomer2026!mail"}})
	clock := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	env := &wizard.Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Dialer: &net.Dialer{}, Secrets: secrets.NewMemory(),
		RootCAs: ca.Pool, SMTPTimeouts: smtp.Timeouts{Connect: 2 * time.Second, Command: 2 * time.Second}, Now: func() time.Time { return clock }}
	ctx := context.Background()

	var scenes []scene
	keep := func(f *wizard.Flow) {
		t.Helper()
		raw, err := wizard.Encode(f.State)
		must(t, err)
		n, _ := f.Position()
		scenes = append(scenes, scene{name: fmt.Sprintf("%02d-%s", n, f.Current().ID), draft: raw})
	}
	first := true // welcome and domain are pictured once
	start := func(provider string, senders ...string) (*wizard.Flow, *transports.Provider, *wizard.Discovery) {
		t.Helper()
		f := wizard.NewFlow(wizard.NewState(i18n.English))
		s := f.State
		s.Provider = provider
		if first {
			keep(f)
		}
		must(t, f.Next())
		s.Domain, s.Senders = "example.nl", senders
		if first {
			keep(f)
		}
		first = false
		must(t, f.Next())
		p, err := s.Profile()
		must(t, err)
		d, err := wizard.Discover(ctx, env, s)
		must(t, err)
		return f, p, d
	}

	// From the service's servers: the key, the records, the list, the end.
	f, p, d := start("clockwise", "facturen")
	s := f.State
	must(t, s.ChooseType(p, transports.Hosted, clock))
	keep(f)
	must(t, f.Next())
	_, err := wizard.GenerateKey(ctx, env, s, dkimkey.RSA2048)
	must(t, err)
	keep(f)
	must(t, f.Next())
	records, err := wizard.DNSRecords(ctx, env, s, d)
	must(t, err)
	for _, r := range records {
		if r.Label == "SPF" {
			srv.Remove(r.Name, dns.TypeTXT)
		}
		srv.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(r.Name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: dkimkey.SplitTXT(r.Value)})
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	events, err := wizard.PollDNS(pctx, env, s, records, poll.Options{Interval: 50 * time.Millisecond})
	must(t, err)
	for ev := range events {
		wizard.RecordPoll(env, s, records, ev)
	}
	keep(f)
	must(t, f.Next())
	keep(f)
	must(t, f.Next())
	keep(f)

	// From the service's own address.
	f, p, _ = start("clockwise")
	must(t, f.State.ChooseType(p, transports.NoReply, clock))
	must(t, f.Next())
	keep(f)

	// Through the admin's own server: settings tested, then the code.
	f, p, _ = start("perfectview", "facturen")
	s = f.State
	must(t, s.ChooseType(p, transports.SMTP, clock))
	must(t, f.Next())
	c := s.Current().SMTP
	c.Host, c.Port, c.Username, c.Mode = "127.0.0.1", mail.Port, "facturen@example.nl", transports.ModeMailbox
	must(t, wizard.SetSMTPPassword(env, s, "Zomer2026!mail"))
	_, err = wizard.TestSMTP(ctx, env, s)
	must(t, err)
	keep(f)
	must(t, f.Next())
	s.CodeTo = "it@example.org"
	keep(f)
	return env, scenes
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
