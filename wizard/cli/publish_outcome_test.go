package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/publish/bindtest"
	"mailwizard/transports/secrets"
)

// The server took the update, and then the keychain would not keep the
// key's secret: the records are published (exit 0, the watch as always)
// and the keychain's failure is a warning, not "not published".
func TestDNSPublishKeychainWillNotKeepTheSecret(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.Unavailable(errors.New("the login keyring is locked")), nil)
	t.Setenv("TSIG_SECRET", o.key.Secret)
	code, out, errOut := o.run(t, "", "dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET", "--yes")
	if code != ExitOK || !strings.Contains(out, "took the update: 4 record(s)") || !strings.Contains(out, "Every authoritative server has every record") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"The records are published, but the key's secret could not be kept in your keychain", "the login keyring is locked", "asked for again next time"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the warning lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(out+errOut, "not published") {
		t.Errorf("a published update called not published:\n%s%s", out, errOut)
	}
}

// The update reaches the primary, which applies it, but its answer is
// lost on the way back (a firewall between: bindtest.Proxy): setup does
// not claim that nothing changed, says the name servers will tell, and
// its wait sees the records arrive.
func TestSetupPublishAnswerLost(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	shortPublishTimeout(t, 2*time.Second)
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	via := bindtest.Proxy(t, o.primary.Addr, bindtest.DropAnswer)
	in := newScript(
		"4",          // SpinOffice: CNAMEs, no key to make
		"example.nl", // the domain
		"facturen",   // its sender
		"",           // yes, DNS access
		"",           // the recommended type: hosted
		"",           // yes, publish them for me
		o.key.Secret, // the key's secret, typed
		"y",          // send the update
		"",           // no other transport
		"",           // write the export
	)
	var stdout, stderr syncBuffer
	args := []string{"setup", "--resolver", o.resolver.Addr, "--out", filepath.Join(dir, "example.json"), "--poll-interval", "50ms", "--poll-timeout", "20s",
		"--tsig-name", "mailwizard", "--tsig-server", via}
	code := run(context.Background(), args, Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil, o.opts...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"no answer came back", "Whether the update arrived shows on the name servers", "ns2.example.nl has every record", "Every record is on every name server"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("setup did not say %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "Nothing was changed") {
		t.Errorf("setup says nothing changed of an update the server applied:\n%s", stdout.String())
	}
}

// dns publish, with the answer to its update lost: the name servers are
// asked all the same, and once they have every record it is done.
func TestDNSPublishAnswerLost(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	shortPublishTimeout(t, 2*time.Second)
	t.Setenv("TSIG_SECRET", o.key.Secret)
	via := bindtest.Proxy(t, o.primary.Addr, bindtest.DropAnswer)
	code, out, errOut := o.run(t, "", "dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET",
		"--server", via, "--yes")
	if code != ExitOK || !strings.Contains(errOut, "publish.unanswered") || !strings.Contains(out, "Whether the update arrived shows on the name servers") ||
		!strings.Contains(out, "Every authoritative server has every record") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// Ctrl+C while the update waits for its answer is a stop, not a network
// fault: no firewall advice, and the words say the name servers will
// show whether it went out.
func TestDNSPublishStopped(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	t.Setenv("TSIG_SECRET", o.key.Secret)
	via := bindtest.Proxy(t, o.primary.Addr, bindtest.DropAnswer)
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if r, err := o.primary.Ask("mrsel1._domainkey.example.nl", dns.TypeCNAME); err == nil && len(r.Answer) > 0 {
				break // on the server; its answer is not coming
			}
		}
		interrupt()
	}()
	var out, errOut syncBuffer
	args := []string{"dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET",
		"--server", via, "--yes", "--resolver", o.resolver.Addr}
	code := run(ctx, args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, nil, o.opts...)
	if code != ExitFindings || !strings.Contains(errOut.String(), "stopped: if the update had already gone out, the name servers will show it") ||
		strings.Contains(out.String()+errOut.String(), "firewall") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

// On a DNS host over SSH there is no keychain: dns publish of a service
// whose records need none (CNAMEs), with the secret from the
// environment, publishes all the same and says the secret will not be
// kept; a service whose DKIM key is read from the keychain says that is
// why it cannot go on.
func TestDNSPublishWithoutAKeychain(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, nil, errors.New("no Secret Service on this D-Bus session"))
	t.Setenv("TSIG_SECRET", o.key.Secret)
	base := []string{"dns", "publish", "example.nl", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET", "--yes"}
	code, out, errOut := o.run(t, "", append(base, "--provider", "spinoffice")...)
	if code != ExitOK || !strings.Contains(out, "took the update") || !strings.Contains(errOut, "The keychain cannot be opened (no Secret Service on this D-Bus session): the TSIG key's secret will not be kept") {
		t.Errorf("a CNAME-only service: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = o.run(t, "", append(base, "--provider", "clockwise")...)
	if code != ExitTemporary || !strings.Contains(errOut, "the DKIM key of selector clockwise is read from the keychain, which cannot be opened: no Secret Service") {
		t.Errorf("a service with a key made here: exit %d\n%s%s", code, out, errOut)
	}
}

// Ctrl+C in setup while the update waits for its answer: setup stops as
// a stop does (answers saved, exit 1), saying the name servers will show
// whether the update went out, and neither blames the network, nor says
// that nothing changed, nor promises to ask the name servers.
func TestSetupPublishStopped(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	via := bindtest.Proxy(t, o.primary.Addr, bindtest.DropAnswer)
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	go func() {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if r, err := o.primary.Ask("mrsel1._domainkey.example.nl", dns.TypeCNAME); err == nil && len(r.Answer) > 0 {
				break
			}
		}
		interrupt()
	}()
	in := newScript("4", "example.nl", "facturen", "", "", "", o.key.Secret, "y", "", "")
	var stdout, stderr syncBuffer
	args := []string{"setup", "--resolver", o.resolver.Addr, "--out", filepath.Join(dir, "example.json"), "--poll-interval", "50ms",
		"--tsig-name", "mailwizard", "--tsig-server", via}
	code := run(ctx, args, Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil, o.opts...)
	said := stdout.String() + stderr.String()
	if code != ExitFindings || !strings.Contains(said, "stopped: if the update had already gone out, the name servers will show it") ||
		!strings.Contains(stderr.String(), "Stopped. Your answers are saved") || strings.Contains(said, "firewall") || strings.Contains(said, "Nothing was changed") || strings.Contains(said, "which setup asks now") {
		t.Errorf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
}
