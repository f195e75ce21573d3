package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/resources"
	"mailwizard/transports/dkimkey"
)

// corpus is checks/verdict's corpus of received messages; the files used
// here carry no markers (no signature to make).
func corpus(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join("..", "..", "checks", "verdict", "testdata", "corpus", name)
}

// verdictDNS serves example.nl as the corpus expects it, with a key at
// selector mw that the test made, and a selector whose server is silent.
func verdictDNS(t *testing.T) (addr, keyValue string) {
	t.Helper()
	key, err := dkimkey.Generate(context.Background(), dkimkey.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := dkimkey.NewRecord(key, "example.nl", "mw")
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("example.nl", 300)+`
example.nl.        300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
_dmarc.example.nl. 300 IN TXT "v=DMARC1; p=reject"
`+rec.ZoneLine+"\n"+dnstest.SOA("nopolicy.nl", 300)+`
nopolicy.nl.       300 IN TXT "v=spf1 ip4:192.0.2.0/25 -all"
`+dnstest.SOA("service.test", 300)+`
bounces.service.test. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	srv.Drop("slow._domainkey.example.nl")
	return srv.Addr, rec.Value
}

// runVerdict runs the verdict command with in on standard input.
func runVerdict(t *testing.T, in string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"verdict"}, args...), Stdio{In: strings.NewReader(in), Out: &out, Err: &errOut}, nil)
	return code, out.String(), errOut.String()
}

// The exit code follows DMARC and the findings (0 passes, 1 an error
// finding, 2 not a message, 3 DNS did not answer), and --json always has
// the shape of resources/schema/verdict.schema.json.
func TestVerdictCommand(t *testing.T) {
	addr, key := verdictDNS(t)
	schema := compileSchema(t, "verdict.schema.json", resources.VerdictSchema)
	outlook, err := os.ReadFile(corpus(t, "outlook_headers.txt"))
	if err != nil {
		t.Fatal(err)
	}
	slow := "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.nl; s=slow; h=from:to:subject; bh=AAAA; b=AAAA\r\n" +
		"From: a@example.nl\r\nTo: b@example.org\r\nSubject: x\r\n\r\nbody\r\n"

	test := func(name, stdin string, code int, says string, args ...string) {
		t.Helper()
		args = append(args, "--dns-server", addr, "--dns-timeout", "300ms")
		got, out, errOut := runVerdict(t, stdin, args...)
		if got != code || !strings.Contains(out+errOut, says) {
			t.Errorf("%s: exit %d, want %d saying %q\n%s%s", name, got, code, says, out, errOut)
		}
		if got == ExitUsage {
			return
		}
		got, out, errOut = runVerdict(t, stdin, append(args, "--json")...)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Errorf("%s --json: exit %d, not JSON: %v\n%s%s", name, got, err, out, errOut)
			return
		}
		if err := schema.Validate(v); err != nil || got != code {
			t.Errorf("%s --json: exit %d, schema: %v\n%s", name, got, err, out)
		}
	}
	test("headers only, the wizard's key", "", ExitOK, "The message passes DMARC for example.nl.", corpus(t, "outlook_headers.txt"), "--expect-dkim", key)
	test("headers only, from standard input", string(outlook), ExitOK, "Received by Microsoft 365, from facturen@example.nl.", "-")
	test("headers only, another key", string(outlook), ExitFindings, "dkim.key-mismatch", "--expect-dkim", "v=DKIM1; k=rsa; p=AAAA")
	test("forged results", "", ExitFindings, "verdict.dmarc-would-reject", corpus(t, "postfix_forged.eml"))
	test("hosted without DKIM", "", ExitFindings, "verdict.no-dkim-signature", corpus(t, "hosted_unsigned.eml"), "--domain", "Example.NL")
	test("the key's server is silent", slow, ExitTemporary, "verdict.dmarc-unknown")
	test("in Dutch", "", ExitFindings, "Het bericht komt niet door DMARC voor example.nl.", corpus(t, "postfix_forged.eml"), "--lang", "nl")

	// A new domain without a DMARC policy: nothing fails, so exit 0, and
	// what is aligned is said (opendmarc's dmarc=none).
	noPolicy := "Received: from mail.nopolicy.nl (mail.nopolicy.nl [192.0.2.10]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n" +
		"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=nopolicy.nl\n" +
		"Authentication-Results: mx.example.org; dmarc=none (p=none dis=none) header.from=nopolicy.nl\n" +
		"Return-Path: <bounce@nopolicy.nl>\nFrom: a@nopolicy.nl\n\nTekst.\n"
	test("no DMARC policy yet", noPolicy, ExitOK, "The message would pass DMARC for nopolicy.nl, but no DMARC policy applies to the domain yet.")
	test("no DMARC policy yet, the advice", noPolicy, ExitOK, "dmarc.missing")
	// Only the header of a message whose aligned signature cannot be
	// checked, and SPF fails: unknown, a warning, not exit 1.
	unknown := "Received: from x.example (x.example [203.0.113.9]) by mx.example.org (Postfix); Tue, 3 Mar 2026\n" +
		"Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.nl\n" +
		"Return-Path: <a@example.nl>\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.nl; s=mw; h=from:to:subject; bh=AAAA; b=AbCdEfGh\nFrom: a@example.nl\n"
	test("unknown without the body", unknown, ExitOK, "Whether the message passes DMARC for example.nl is unknown.")

	test("nothing on standard input", "", ExitUsage, "-: nothing was pasted")
	test("not a message", "Dear Anna,\nhere is the mail.\n", ExitUsage, "-: this is not a mail header")
	test("no such file", "", ExitUsage, "FILE: open", filepath.Join(t.TempDir(), "nope.eml"))
	test("a bad domain", "", ExitUsage, "--domain", corpus(t, "postfix_forged.eml"), "--domain", "exa mple.nl")
	test("two files", "", ExitUsage, "unexpected argument", "a.eml", "b.eml")
	test("from another domain than --domain", "", ExitUsage, "this message is from example.nl, not from example.org: paste a message sent from example.org",
		corpus(t, "postfix_forged.eml"), "--domain", "example.org")

	// Stopped (Ctrl-C) before the lookups finished: no verdict, exit 3.
	stopped, stop := context.WithCancel(context.Background())
	stop()
	var out, errOut bytes.Buffer
	code := run(stopped, []string{"verdict", corpus(t, "postfix_forged.eml"), "--dns-server", addr}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, nil)
	if code != ExitTemporary || out.Len() != 0 || !strings.Contains(errOut.String(), "the check was stopped before it finished") {
		t.Errorf("stopped: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

func compileSchema(t *testing.T, name string, raw []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///"+name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
