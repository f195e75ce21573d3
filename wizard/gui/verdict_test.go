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
