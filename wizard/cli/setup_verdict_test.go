package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard"
)

// A person on a terminal is offered to paste the code mail once it is
// confirmed; the first paste is not a message and is said so, the second
// is judged and its verdict joins the export's evidence.
func TestSetupOffersTheVerdict(t *testing.T) {
	addr, _, _, dir := setupWorld(t)
	srv, _ := smtpServer(t)
	out := filepath.Join(dir, "example.json")
	pasted := func() string {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if msgs := srv.Messages(); len(msgs) >= 1 {
				data := strings.ReplaceAll(string(msgs[0].Data), "\r\n", "\n")
				return fmt.Sprintf("Return-Path: <%s>\n", msgs[0].From) +
					"Received: from mail.example.nl (mail.example.nl. [40.92.1.5])\n        by mx.google.com with ESMTPS id x1; Sun, 29 Nov 2026 02:00:01 -0800 (PST)\n" +
					"Authentication-Results: mx.google.com;\n       spf=pass smtp.mailfrom=" + msgs[0].From + ";\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.nl\n" +
					data + "\n."
			}
		}
		return "NO-MAIL"
	}
	in := newScript(
		"2",                    // PerfectView: own server only
		"example.nl",           // the domain
		"facturen, relay",      // its senders
		"",                     // the only type: own server
		"n",                    // do not look for the server
		"127.0.0.1",            // the host
		"",                     // STARTTLS
		strconv.Itoa(srv.Port), // the port
		"",                     // a username and password
		"relay@example.nl",     // the username
		"",                     // a relay account
		"it@example.org",       // where the codes go
		codeFrom(srv, 1),       // the code
		"y",                    // paste the code mail
		"Dear Anna,",           // the text as read, not its source
		".",                    //
		"y",                    // again
		pasted,                 // the source
		"",                     // no other transport
		"",                     // write the export
	)
	terminal := func(e *env) { e.terminal = true }
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"setup", "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD"},
		Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil, terminal)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "message: this is not a mail header") {
		t.Errorf("the text as read was not refused:\n%s", stderr.String())
	}
	for _, want := range []string{"The message passes DMARC for example.nl.", "Received by Gmail (mx.google.com), from ", "verdict.no-dkim-signature"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout.String())
		}
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, ev := range doc.Evidence {
		found = found || ev.Check == wizard.CheckVerdict && ev.Passed && ev.Transport == doc.Transports[0].Name && ev.Server == "Gmail (mx.google.com)"
	}
	if !found {
		t.Errorf("no verdict in the evidence: %+v", doc.Evidence)
	}
}

// Ctrl-C while the pasted message is being checked stops setup: no
// verdict from the cut-short lookups is shown or kept.
func TestSetupCtrlCDuringTheVerdict(t *testing.T) {
	addr, dnsSrv, _, dir := setupWorld(t)
	srv, _ := smtpServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pasted := func() string {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if msgs := srv.Messages(); len(msgs) >= 1 {
				dnsSrv.Delay("_dmarc.example.nl", 3*time.Second)
				time.AfterFunc(300*time.Millisecond, cancel) // Ctrl-C while the policy is looked up
				data := strings.ReplaceAll(string(msgs[0].Data), "\r\n", "\n")
				return fmt.Sprintf("Return-Path: <%s>\n", msgs[0].From) +
					"Received: from mail.example.nl (mail.example.nl. [40.92.1.5])\n        by mx.google.com with ESMTPS id x1; Sun, 29 Nov 2026 02:00:01 -0800 (PST)\n" +
					"Authentication-Results: mx.google.com;\n       spf=pass smtp.mailfrom=" + msgs[0].From + ";\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.nl\n" +
					data + "\n."
			}
		}
		return "NO-MAIL"
	}
	in := newScript("2", "example.nl", "facturen, relay", "", "n", "127.0.0.1", "", strconv.Itoa(srv.Port), "",
		"relay@example.nl", "", "it@example.org", codeFrom(srv, 1), "y", pasted, "", "")
	var stdout, stderr syncBuffer
	code := run(ctx, []string{"setup", "--dns-server", addr, "--out", filepath.Join(dir, "example.json"), "--password-env", "MW_SMTP_PASSWORD"},
		Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil, func(e *env) { e.terminal = true })
	if code != ExitFindings || !strings.Contains(stderr.String(), "Stopped. Your answers are saved") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String(), "DMARC for example.nl") || strings.Contains(stdout.String(), "verdict.") {
		t.Errorf("a verdict from cut-short lookups was shown:\n%s", stdout.String())
	}
}
