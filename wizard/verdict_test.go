package wizard

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"mailwizard/checks/verdict"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// asReceived is the code mail as a Gmail mailbox shows its source: the
// receiver's fields on top of what the own server delivered. The admin's
// server is on Microsoft 365's range, which example.nl's SPF includes.
// The receiver's host names itself receiver in its Received field and its
// results alike, as a receiver's results are believed only then.
func asReceived(data []byte, receiver string) []byte {
	top := "Return-Path: <facturen@example.nl>\r\n" +
		"Received: from mail.example.nl (mail.example.nl. [40.92.1.5])\r\n        by " + receiver + " with ESMTPS id x1; Sun, 29 Nov 2026 02:00:01 -0800 (PST)\r\n" +
		"Authentication-Results: " + receiver + ";\r\n       spf=pass (google.com: domain of facturen@example.nl designates 40.92.1.5 as permitted sender) smtp.mailfrom=facturen@example.nl;\r\n" +
		"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.nl\r\n"
	return append([]byte(top), data...)
}

// The code mail, pasted as received, is judged for the domain and its
// verdict joins the evidence the document carries; a second paste
// replaces the first, and text from the paste cannot break the document.
func TestVerdictJoinsTheEvidence(t *testing.T) {
	w := newWorld(t)
	f := w.verifiedRelay(t)
	s := f.State
	msgs := w.smtp.Messages()
	mail := msgs[len(msgs)-1].Data
	transport := s.Current().Name

	ctx, cancel := context.WithTimeout(context.Background(), VerdictTimeout)
	defer cancel()
	rep, err := JudgeMessage(ctx, w.env, s, asReceived(mail, "mx.google.com"), transport)
	must(t, err)
	var codes []string
	for _, f := range rep.Findings {
		codes = append(codes, f.Code)
	}
	if !rep.Passed || strings.Join(codes, " ") != "verdict.dmarc-pass verdict.no-dkim-signature" || !strings.Contains(rep.Findings[1].Message, "your mail server does not sign") {
		t.Errorf("verdict: passed %v, %v: %+v", rep.Passed, codes, rep.Findings)
	}
	if rep.SPF.Result != "pass" || rep.SPF.IP != "40.92.1.5" || rep.DMARC.Policy != "reject" {
		t.Errorf("re-check: spf %+v, dmarc %+v", rep.SPF, rep.DMARC)
	}
	RecordVerdict(w.env, s, rep, transport)

	// A paste whose receiver names itself with escape sequences: the
	// evidence keeps them visible, and the document stays valid.
	rep2, err := JudgeMessage(ctx, w.env, s, asReceived(mail, "mx.google.com\x1b[2J"), transport)
	must(t, err)
	RecordVerdict(w.env, s, rep2, transport)
	var verdicts []transports.Evidence
	for _, ev := range s.Evidence {
		if ev.Check == CheckVerdict {
			verdicts = append(verdicts, ev)
		}
	}
	if len(verdicts) != 1 || verdicts[0].Server != `mx.google.com\x1b[2j` || !verdicts[0].Passed || verdicts[0].Sender != "facturen@example.nl" ||
		verdicts[0].Detail != "receiver: spf=pass dmarc=pass; re-checked: spf=pass (example.nl) dkim=none dmarc=pass (p=reject)" {
		t.Errorf("verdict evidence: %+v", verdicts)
	}
	must(t, f.Next())
	_, doc := w.export(t, f, "verdict.json", false)
	if ev := evidenceOf(doc, CheckVerdict, transport); ev == nil || !ev.Passed {
		t.Errorf("the export's evidence: %+v", doc.Evidence)
	}
	line := transport + `: mail.verdict passed 2026-11-29 10:02 UTC at mx.google.com\x1b[2j: a message from facturen@example.nl as received; ` + verdicts[0].Detail
	if lines := EvidenceLines(i18n.New(i18n.English), s); !slices.Contains(lines, line) {
		t.Errorf("review lines:\n%s\nwant\n%s", strings.Join(lines, "\n"), line)
	}
}

// A message from another domain than the wizard's is refused on the
// paste, and nothing is recorded; a stopped check records nothing either,
// and an earlier verdict stays.
func TestVerdictRecordsOnlyThisDomainsFinishedVerdict(t *testing.T) {
	w := newWorld(t)
	f := w.verifiedRelay(t)
	s := f.State
	msgs := w.smtp.Messages()
	mail := msgs[len(msgs)-1].Data
	transport := s.Current().Name
	ctx, cancel := context.WithTimeout(context.Background(), VerdictTimeout)
	defer cancel()
	rep, err := JudgeMessage(ctx, w.env, s, asReceived(mail, "mx.google.com"), transport)
	must(t, err)
	RecordVerdict(w.env, s, rep, transport)
	before := append([]transports.Evidence(nil), s.Evidence...)

	gmail := bytes.ReplaceAll(asReceived(mail, "mx.google.com"), []byte("From: "), []byte("From: Anna <anna@gmail.com>\r\nX-Old-From: "))
	_, err = JudgeMessage(ctx, w.env, s, gmail, transport)
	if transports.FirstField(err) != "message" || !errors.Is(err, verdict.ErrOtherDomain) ||
		i18n.New(i18n.English).Error(err) != "message: this message is from gmail.com, not from example.nl: paste a message sent from example.nl" {
		t.Errorf("another domain: %v", err)
	}
	stopped, stop := context.WithCancel(context.Background())
	stop()
	if _, err := JudgeMessage(stopped, w.env, s, asReceived(mail, "mx.google.com"), transport); !errors.Is(err, context.Canceled) || transports.FirstField(err) != "" {
		t.Errorf("stopped: %v", err)
	}
	if !slices.EqualFunc(before, s.Evidence, func(a, b transports.Evidence) bool {
		return a.Check == b.Check && a.Passed == b.Passed && a.Detail == b.Detail
	}) {
		t.Errorf("the evidence changed: %+v", s.Evidence)
	}
}

// What cannot be judged marks the paste, in the admin's language.
func TestVerdictRefusesWhatIsNotMail(t *testing.T) {
	w := newWorld(t)
	s := NewState(i18n.Dutch)
	s.Provider, s.Domain = "clockwise", "example.nl"
	huge := "Received: from a by b; d\nX-Long: x\n" + strings.Repeat("\tfolded\n", verdict.MaxHeader/8+1) + "From: a@example.nl\n"
	for text, sentinel := range map[string]error{"": verdict.ErrEmpty, "Beste Anna,\nhier is de mail.\n": verdict.ErrNotHeader, huge: verdict.ErrHeaderTooLarge} {
		_, err := JudgeMessage(context.Background(), w.env, s, []byte(text), "")
		if transports.FirstField(err) != "message" || !errors.Is(err, sentinel) {
			t.Errorf("%q: %v", text, err)
		}
		if msg := i18n.New(i18n.Dutch).Error(err); !strings.Contains(msg, "message: ") || strings.Contains(msg, "paste") {
			t.Errorf("%q in Dutch: %q", text, msg)
		}
	}
}
