package gui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/verdict"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// headersFromGmail is Gmail's header of a message the service sent for
// example.nl, as an admin copies it from "Show original" without the body:
// the DKIM signature is listed with Gmail's result, and the key at its
// selector is compared with the one the wizard holds.
func headersFromGmail(selector string) string {
	return "Delivered-To: anna.test@gmail.com\n" +
		"Return-Path: <bounce@example.nl>\n" +
		"Received: from out.axxerion.example (out.axxerion.example. [192.0.2.50])\n        by mx.google.com with ESMTPS id z9; Sun, 29 Nov 2026 02:00:01 -0800 (PST)\n" +
		"Authentication-Results: mx.google.com;\n       dkim=pass header.i=@example.nl header.s=" + selector + " header.b=AbCdEfGh;\n" +
		"       spf=pass (google.com: domain of bounce@example.nl designates 192.0.2.50 as permitted sender) smtp.mailfrom=bounce@example.nl;\n" +
		"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.nl\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.nl; s=" + selector + ";\n\th=from:to:subject:date; bh=AAAA; b=AbCdEfGhIjKl\n" +
		"From: Facturen <facturen@example.nl>\n" +
		"To: anna.test@gmail.com\n" +
		"Subject: Test\n"
}

func findingsText(c *fyne.Container) string {
	var parts []string
	for _, o := range c.Objects {
		box, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for _, rt := range box.Objects {
			if r, ok := rt.(*widget.RichText); ok {
				parts = append(parts, r.String())
			}
		}
	}
	return strings.Join(parts, "\n")
}

// On the review of a hosted transport, a message the service sent is
// judged: Gmail's verdict, the key in DNS the wizard's, and the verdict
// goes into the export's evidence.
func TestVerdictOnTheHostedReview(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win, _ := toReview(t, w, i18n.English)
	s := u.view.(*reviewStep)
	if s.verdict == nil {
		t.Fatal("the review of a hosted transport offers no paste")
	}
	selector := u.flow.State.Keys[0].Selector
	s.verdict.fold.Open(0) // the admin unfolds it
	s.verdict.paste.SetText(headersFromGmail(selector))
	test.Tap(s.verdict.checkBtn)
	waitFor(t, "the verdict", func() bool { return !u.running() })
	if s.verdict.headline.Text != "The message passes DMARC for example.nl." || s.verdict.field.err.Visible() {
		t.Fatalf("verdict %q, paste marked %q", s.verdict.headline.Text, s.verdict.field.err.Text)
	}
	if want := "DKIM signature d=example.nl s=" + selector + ": the receiver said pass; not checked here: only the header was pasted"; !strings.Contains(s.verdict.lines.Text, want) {
		t.Errorf("lines:\n%s\nwant %q", s.verdict.lines.Text, want)
	}
	if got := findingsText(s.verdict.findings); !strings.Contains(got, "Note: DMARC passes for example.nl: Gmail said dmarc=pass") || strings.Contains(got, "dkim.key") || strings.Contains(got, "different key") {
		t.Errorf("findings:\n%s", got)
	}
	// "What was checked" lists it at once, not only when the page is built again.
	listed := false
	for _, o := range s.evidence.Objects {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Gmail") {
			listed = true
		}
	}
	if !listed {
		t.Errorf("the evidence list does not show the verdict: %d lines", len(s.evidence.Objects))
	}
	test.AssertRendersToMarkup(t, "review_verdict_en.xml", win.Canvas())
	st := u.flow.State
	if !st.HasEvidence(wizard.CheckVerdict, wizard.HostedTransport(st)) {
		t.Errorf("no verdict in the evidence: %+v", st.Evidence)
	}
	out := filepath.Join(t.TempDir(), "example.nl.mailwizard.json")
	s.exportTo(chosenFile{path: out})
	waitFor(t, "the export", func() bool { return s.exported })
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ev *transports.Evidence
	for i := range doc.Evidence {
		if doc.Evidence[i].Check == wizard.CheckVerdict {
			ev = &doc.Evidence[i]
		}
	}
	if ev == nil || !ev.Passed || ev.Server != "Gmail (mx.google.com)" || ev.Sender != "facturen@example.nl" {
		t.Errorf("the export's verdict: %+v", ev)
	}
}

// Cancel while a message is being checked: the check says it stopped,
// and the verdict judged before stays, in the evidence and on the page.
func TestVerdictCancelKeepsTheEvidence(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, _, _ := toReview(t, w, i18n.English)
	s := u.view.(*reviewStep)
	selector := u.flow.State.Keys[0].Selector
	s.verdict.fold.Open(0)
	s.verdict.paste.SetText(headersFromGmail(selector))
	test.Tap(s.verdict.checkBtn)
	waitFor(t, "the verdict", func() bool { return !u.running() })
	before := append([]transports.Evidence(nil), u.flow.State.Evidence...)
	headline := s.verdict.headline.Text

	w.resolver.Delay("_dmarc.example.nl", 3*time.Second)
	s.verdict.paste.SetText(strings.Replace(headersFromGmail(selector), "dmarc=pass", "dmarc=fail", 1))
	test.Tap(s.verdict.checkBtn)
	if !u.running() {
		t.Fatal("the check did not start")
	}
	test.Tap(u.cancelBtn)
	waitFor(t, "the check to stop", func() bool { return !u.running() })
	if u.status.Text != "The check was stopped." || s.verdict.headline.Text != headline || s.verdict.field.err.Visible() {
		t.Errorf("after Cancel: status %q, headline %q, paste marked %q", u.status.Text, s.verdict.headline.Text, s.verdict.field.err.Text)
	}
	if len(before) != len(u.flow.State.Evidence) {
		t.Fatalf("evidence %+v, was %+v", u.flow.State.Evidence, before)
	}
	for i, ev := range u.flow.State.Evidence {
		if ev.Check != before[i].Check || ev.Passed != before[i].Passed || ev.Detail != before[i].Detail || ev.At != before[i].At {
			t.Errorf("evidence %d became %+v, was %+v", i, ev, before[i])
		}
	}
}

// After the code step's mail, the code mail pasted as received is judged
// off the UI goroutine; text that is not a message marks the paste, in
// the window's language, and records nothing.
func TestVerdictAfterTheCode(t *testing.T) {
	test.NewTempApp(t)
	w := newOwnServer(t)
	zone := dnstest.Start(t, "127.0.0.1:0")
	zone.MustAddZone(t, dnstest.SOA("example.nl", 300)+`
example.nl. 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc.example.nl. 300 IN TXT "v=DMARC1; p=quarantine"
`+dnstest.SOA("protection.outlook.com", 300)+`
spf.protection.outlook.com. 300 IN TXT "v=spf1 ip4:40.92.0.0/15 -all"
`)
	env := *w.env
	env.DNS = &dnsq.Client{Servers: []string{zone.Addr}, Timeout: time.Second}
	u, v, _ := openVerifyStep(t, &env, i18n.Dutch, "127.0.0.1", w.srv.Port, "it@example.org")
	box := v.verdict
	box.paste.SetText("Beste Anna,\nhier is de code.\n")
	test.Tap(box.checkBtn)
	waitFor(t, "the refusal", func() bool { return !u.running() })
	if msg := box.field.err.Text; !box.field.err.Visible() || !strings.Contains(msg, "geen mailheader") {
		t.Errorf("the text as read is marked %q", msg)
	}

	test.Tap(v.senders[0].sendBtn)
	waitFor(t, "the code mail", func() bool { return !u.running() && len(w.srv.Messages()) == 1 })
	m := w.srv.Messages()[0]
	pasted := "Return-Path: <" + m.From + ">\r\n" +
		"Received: from mail.example.nl (mail.example.nl. [40.92.1.5])\r\n        by mx.google.com with ESMTPS id x1; Sun, 29 Nov 2026 02:00:01 -0800 (PST)\r\n" +
		"Authentication-Results: mx.google.com;\r\n       spf=pass smtp.mailfrom=" + m.From + ";\r\n       dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=example.nl\r\n" +
		string(m.Data)
	box.paste.SetText(pasted)
	test.Tap(box.checkBtn)
	waitFor(t, "the verdict", func() bool { return !u.running() })
	if box.headline.Text != "Het bericht komt door DMARC voor example.nl." || box.field.err.Visible() {
		t.Errorf("verdict %q, paste marked %q", box.headline.Text, box.field.err.Text)
	}
	if got := findingsText(box.findings); !strings.Contains(got, "uw mailserver ondertekent") {
		t.Errorf("findings:\n%s", got)
	}
	st := u.flow.State
	if !st.HasEvidence(wizard.CheckVerdict, st.Current().Name) {
		t.Errorf("no verdict in the evidence: %+v", st.Evidence)
	}
}

// A whole message of some megabytes pasted: the field shows its header
// (Fyne's entry would freeze the window laying out megabytes), the whole
// message is checked, and a paste larger than any message is refused.
func TestVerdictLargePaste(t *testing.T) {
	test.NewTempApp(t)
	w := newDNSWorld(t)
	u, win, _ := toReview(t, w, i18n.English)
	s := u.view.(*reviewStep)
	s.verdict.fold.Open(0)
	header := headersFromGmail(u.flow.State.Keys[0].Selector)
	whole := header + "\n" + strings.Repeat("Een regel tekst van het bericht, met een bijlage erachter.\n", 3<<20/60)
	paste := func(text string) {
		cb := test.NewClipboard()
		cb.SetContent(text)
		win.Canvas().Focus(s.verdict.paste)
		s.verdict.paste.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	}
	paste(whole)
	if got := s.verdict.paste.Text; got != strings.TrimSuffix(header, "\n") || s.verdict.paste.Message() != whole {
		t.Fatalf("the field shows %d bytes, keeps %d", len(got), len(s.verdict.paste.Message()))
	}
	if !strings.Contains(u.status.Text, "The pasted message is 3") {
		t.Errorf("status %q", u.status.Text)
	}
	test.Tap(s.verdict.checkBtn)
	waitFor(t, "the verdict", func() bool { return !u.running() })
	if got := findingsText(s.verdict.findings); s.verdict.headline.Text != "The message passes DMARC for example.nl." || strings.Contains(got, "only the header was pasted") {
		t.Errorf("verdict %q, findings:\n%s", s.verdict.headline.Text, got)
	}
	// Editing the field: its own text is what is checked then.
	s.verdict.paste.SetText(header)
	if s.verdict.paste.Message() != header {
		t.Error("an edited field still checks the paste kept aside")
	}
	paste(strings.Repeat("x", verdict.MaxMessage+1))
	if !s.verdict.field.err.Visible() || !strings.Contains(s.verdict.field.err.Text, "too large") || s.verdict.paste.Text != header {
		t.Errorf("a paste too large: marked %q, field %d bytes", s.verdict.field.err.Text, len(s.verdict.paste.Text))
	}
}

// BenchmarkPasteIntoEntry measures a paste into Fyne's multi-line entry
// as the verdict's field had it, and into the paste field that keeps a
// large paste aside: why the field shows at most maxShownPaste.
func BenchmarkPasteIntoEntry(b *testing.B) {
	test.NewTempApp(b)
	line := "X-Header: a header line about as long as the lines of a real one\n"
	run := func(name string, size int, entry func() fyne.Shortcutable) {
		text := strings.Repeat(line, size/len(line))
		b.Run(name, func(b *testing.B) {
			cb := test.NewClipboard()
			cb.SetContent(text)
			for b.Loop() {
				entry().TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
			}
		})
	}
	plain := func() fyne.Shortcutable {
		e := widget.NewMultiLineEntry()
		e.Wrapping = fyne.TextWrapOff
		return e
	}
	u := &ui{}
	field := func() fyne.Shortcutable { return u.newPasteEntry() }
	run("fyne-entry/64KB", 64<<10, plain)
	run("fyne-entry/256KB", 256<<10, plain)
	run("pasteEntry/60KB", maxShownPaste-4096, field)
	run("pasteEntry/3MB", 3<<20, field)
}
