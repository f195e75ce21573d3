package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/transports/secrets"
)

// shortPublishTimeout makes each network part of publishing short, so
// that an admin who reads the update for longer than that is quick to
// play.
func shortPublishTimeout(t *testing.T, d time.Duration) {
	t.Helper()
	old := publishTimeout
	publishTimeout = d
	t.Cleanup(func() { publishTimeout = old })
}

// answerLate plays an admin who reads the update before answering: once
// question is asked on stderr, they take longer than publishTimeout,
// then say yes.
func answerLate(stderr *syncBuffer, question string) func() string {
	return func() string {
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), question) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(publishTimeout + 500*time.Millisecond)
		return "y"
	}
}

// runIn runs the command with in as standard input and stderr the test
// can read while it runs.
func (o *ownDNS) runIn(t *testing.T, in io.Reader, stderr *syncBuffer, args ...string) (int, string) {
	t.Helper()
	var out syncBuffer
	args = append(args, "--resolver", o.resolver.Addr)
	code := run(context.Background(), args, Stdio{In: in, Out: &out, Err: stderr}, nil, o.opts...)
	return code, out.String()
}

// The time an admin takes to read the update before saying yes is not
// taken from the time the update has to reach the server: sending gets
// a deadline of its own after the yes.
func TestDNSPublishAnsweredAfterTheDeadline(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	shortPublishTimeout(t, 2*time.Second)
	t.Setenv("TSIG_SECRET", o.key.Secret)
	var stderr syncBuffer
	in := newScript(answerLate(&stderr, "Send this update to"))
	code, out := o.runIn(t, in.r, &stderr, "dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET")
	if code != ExitOK || !strings.Contains(out, "took the update") {
		t.Fatalf("answered after %v: exit %d\n%s\n%s", publishTimeout, code, out, stderr.String())
	}
	if r, err := o.primary.Ask("mrsel1._domainkey.example.nl", dns.TypeCNAME); err != nil || len(r.Answer) != 1 {
		t.Errorf("the CNAME on the primary: %v, %v", r, err)
	}
}
