package verdict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// However the paste came, the same message gets the same verdict: the
// header found, the body's line ends made CRLF again so that the DKIM
// signature still verifies.
func TestPastedShapes(t *testing.T) {
	_, r := corpusDNS(t)
	msg := render(t, "gmail_pass.eml")
	lines := strings.Split(strings.TrimSuffix(string(msg), "\r\n"), "\r\n")
	join := func(ends func(i int) string) []byte {
		var b strings.Builder
		for i, l := range lines {
			b.WriteString(l + ends(i))
		}
		return []byte(b.String())
	}
	indent := func(prefix string) []byte {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(prefix + l + "\n")
		}
		return []byte(b.String())
	}
	for name, text := range map[string][]byte{
		"CRLF":                 msg,
		"LF":                   join(func(int) string { return "\n" }),
		"CR":                   join(func(int) string { return "\r" }),
		"CR CR LF":             join(func(int) string { return "\r\r\n" }),
		"CRLF and LF mixed":    join(func(i int) string { return []string{"\r\n", "\n"}[i%2] }),
		"blank lines first":    append([]byte("\n\r\n  \n"), msg...),
		"every line indented":  indent("    "),
		"tab indented":         indent("\t"),
		"byte order mark":      append([]byte("\xef\xbb\xbf"), msg...),
		"no final line end":    bytes.TrimSuffix(msg, []byte("\r\n")),
		"spaces on blank line": bytes.Replace(msg, []byte("\r\n\r\nBeste"), []byte("\r\n   \r\nBeste"), 1),
	} {
		rep := check(t, r, text, Options{})
		if !rep.Passed || codes(rep) != "verdict.dmarc-pass" || len(rep.DKIM) != 1 || rep.DKIM[0].Result != "pass" {
			t.Errorf("%s: passed %v, dkim %+v%s", name, rep.Passed, rep.DKIM, describe(rep))
		}
	}
}

// A line inside the header that lost its indent in the copy does not cut
// the header: it is read as part of the field above, said so, and the
// fields above and below it all count.
func TestLinesThatLostTheirIndent(t *testing.T) {
	_, r := corpusDNS(t)
	msg := string(render(t, "gmail_pass.eml"))
	test := func(name, from, to string, joinedAt int) {
		t.Helper()
		if !strings.Contains(msg, from) {
			t.Fatalf("%s: the corpus has no %q", name, from)
		}
		rep := check(t, r, []byte(strings.Replace(msg, from, to, 1)), Options{})
		if !rep.Passed || codes(rep) != "verdict.dmarc-pass verdict.lines-joined" || rep.Receiver == nil || rep.Receiver.Name != "Gmail" ||
			rep.SPF.MailFrom != "bounce@example.nl" || rep.SPF.IP != "192.0.2.10" || len(rep.DKIM) != 1 || rep.DKIM[0].Result != "pass" {
			t.Errorf("%s: passed %v, spf %+v, dkim %+v%s", name, rep.Passed, rep.SPF, rep.DKIM, describe(rep))
		}
		if len(rep.Findings) < 2 || !strings.Contains(rep.Findings[1].Message, fmt.Sprintf("line %d inside the header", joinedAt)) {
			t.Errorf("%s: %q", name, rep.Findings[1].Message)
		}
	}
	// The ARC-Seal's second line: Gmail's Received and the Return-Path
	// below it were lost when the header was cut there.
	test("an ARC-Seal line", "\r\n        d=google.com; s=arc-20240605;\r\n        b=QWJj", "\r\nd=google.com; s=arc-20240605;\r\n        b=QWJj", 7)
	// A line of Gmail's Authentication-Results: the From below it was lost.
	test("an Authentication-Results line", "\r\n       spf=pass (google.com: domain of bounce@example.nl designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounce@example.nl;\r\n       dmarc=pass",
		"\r\nspf=pass (google.com: domain of bounce@example.nl designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounce@example.nl;\r\n       dmarc=pass", 15)
}

func TestReadMessage(t *testing.T) {
	test := func(name, text string, check func(*Message)) {
		t.Helper()
		m, err := ReadMessage([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check(m)
	}
	test("folded and unfolded", "Received: from a\r\n\tby b; date\r\nSubject: one\r\n two\r\n  three\r\nFrom: x@example.nl\r\n\r\nbody\r\n", func(m *Message) {
		s := m.All("subject")
		if len(m.Fields) != 3 || len(s) != 1 || s[0].Value != "one two  three" || s[0].Raw != "Subject: one\r\n two\r\n  three" || s[0].Line != 3 {
			t.Errorf("folded: %+v", m.Fields)
		}
		if string(m.Body) != "body\r\n" {
			t.Errorf("body %q", m.Body)
		}
	})
	test("an mbox From line and a quoted header in the body", "From sender@example.nl Tue Mar  3 11:12:12 2026\nReturn-Path: <a@example.nl>\nFrom: a@example.nl\n\n> From: someone@else.example\n> Received: from x\n", func(m *Message) {
		if m.Skipped != 1 || len(m.Fields) != 2 || !bytes.Contains(m.Body, []byte("someone@else")) {
			t.Errorf("mbox: skipped %d, fields %+v", m.Skipped, m.Fields)
		}
	})
	test("a header cut off by a line that is not one", "Received: from a by b; date\nReceived: from c by d; date\nFrom: a@example.nl\nthis line lost its indent\n", func(m *Message) {
		if m.StoppedAt != 4 || m.HasBody() || len(m.Fields) != 3 {
			t.Errorf("cut: stopped at %d, body %v, %d fields", m.StoppedAt, m.HasBody(), len(m.Fields))
		}
	})
	test("a line without indent between fields", "Received: from a\nby b; date\nFrom: a@example.nl\nSubject: one\ntwo\n\nbody\n", func(m *Message) {
		r, s := m.All("Received"), m.All("Subject")
		if len(m.Fields) != 3 || m.Joined != 2 || m.JoinedAt != 2 || r[0].Value != "from a by b; date" || r[0].Raw != "Received: from a\r\n by b; date" ||
			s[0].Value != "one two" || string(m.Body) != "body\r\n" || m.StoppedAt != 0 {
			t.Errorf("joined: %d joined from %d, fields %+v, body %q", m.Joined, m.JoinedAt, m.Fields, m.Body)
		}
	})
	test("raw UTF-8 and an obsolete space before the colon", "Received: from a by b; date\nSubject : Grüße aus Köln\nFrom: Jörg <jorg@bücher.example>\n", func(m *Message) {
		if s := m.All("Subject"); len(s) != 1 || s[0].Value != "Grüße aus Köln" {
			t.Errorf("utf-8: %+v", m.Fields)
		}
		if a, d, err := FromAddress(m); err != nil || a != "jorg@bücher.example" || d != "xn--bcher-kva.example" {
			t.Errorf("From: %q %q %v", a, d, err)
		}
	})
	test("an encoded word in windows-1252", "Received: from a by b; date\nFrom: =?windows-1252?q?Caf=E9_=93Noord=94?= <info@example.nl>\n", func(m *Message) {
		if a, d, err := FromAddress(m); err != nil || a != "info@example.nl" || d != "example.nl" {
			t.Errorf("From: %q %q %v", a, d, err)
		}
	})
	test("a From net/mail refuses", "Received: from a by b; date\nFrom: \"unclosed <info@example.nl>\n", func(m *Message) {
		if a, d, err := FromAddress(m); err != nil || a != "info@example.nl" || d != "example.nl" {
			t.Errorf("From: %q %q %v", a, d, err)
		}
	})
}

// Bad input is named, and is never a finding about the admin's mail.
func TestNotAMessage(t *testing.T) {
	_, r := corpusDNS(t)
	for text, want := range map[string]error{
		"":                                ErrEmpty,
		" \r\n\t\n":                       ErrEmpty,
		"Dear Anna,\nhere is the mail.\n": ErrNotHeader,
		"Subject: only this\n":            ErrNotHeader,
		"Received: from a by b; d\nTo: x\n\nbody":            ErrNoFrom,
		"Received: from a by b; d\nFrom: Anna\n":             ErrNoFrom,
		"Received: from a by b; d\nFrom: anna@[192.0.2.1]\n": ErrNoFrom,
	} {
		if _, err := Check(t.Context(), r, []byte(text), Options{}); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", text, err, want)
		}
	}
	// A message from another domain than the one expected is no verdict
	// on that domain's mail.
	var other *OtherDomainError
	if _, err := Check(t.Context(), r, render(t, "gmail_pass.eml"), Options{Domain: "example.org"}); !errors.Is(err, ErrOtherDomain) ||
		!errors.As(err, &other) || other.From != "example.nl" || other.Expected != "example.org" {
		t.Errorf("another domain: %v", err)
	}
	if _, err := ReadMessage(make([]byte, MaxMessage+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a huge paste: %v", err)
	}
	// A header of more than a megabyte is no header that travelled; a
	// message of some megabytes with a real header is read.
	if _, err := ReadMessage(foldedHeader(MaxHeader + 1)); !errors.Is(err, ErrHeaderTooLarge) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("a huge header: %v", err)
	}
	big := append([]byte("Received: from a by b; d\r\nFrom: a@example.nl\r\n\r\n"), bytes.Repeat([]byte("body line\r\n"), 300_000)...)
	if m, err := ReadMessage(big); err != nil || len(m.Body) != 3_300_000 {
		t.Errorf("a 3 MB message: %v", err)
	}
}

// foldedHeader is a header of about size bytes, nearly all of it one
// field folded over many lines: the shape that made the reader quadratic.
func foldedHeader(size int) []byte {
	var b bytes.Buffer
	b.WriteString("Received: from a by b; d\r\nX-Long: start\r\n")
	for b.Len() < size {
		b.WriteString("\tfolded line of a long header field\r\n")
	}
	b.WriteString("From: a@example.nl\r\n\r\nbody\r\n")
	return b.Bytes()
}

// A check stopped while its lookups run gives no verdict, only ctx's
// error: a verdict from cancelled lookups would read as DNS failures.
func TestStopped(t *testing.T) {
	srv, r := corpusDNS(t)
	srv.Delay("_dmarc.example.nl", 1500*time.Millisecond)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	rep, err := Check(ctx, r, render(t, "gmail_pass.eml"), Options{})
	if !errors.Is(err, context.Canceled) || rep != nil {
		t.Errorf("stopped: %v, %v", rep, err)
	}
	short, cancel2 := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel2()
	if _, err := Check(short, r, render(t, "gmail_pass.eml"), Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("out of time: %v", err)
	}
}
