package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/transports/secrets"
)

// Enter pressed at the secret's prompt is no secret: bad input naming
// where a secret goes (exit 2), not an update signed with an empty key
// that the server refuses as BADSIG, with advice for the server.
func TestDNSPublishEmptySecretAtTheTerminal(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	keyboard, terminal := openPTY(t)
	var out, stderr syncBuffer
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if strings.Contains(stderr.String(), "Secret of the TSIG key mailwizard") {
				keyboard.Write([]byte("\n"))
				return
			}
		}
	}()
	args := []string{"dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--yes", "--resolver", o.resolver.Addr}
	code := run(context.Background(), args, Stdio{In: terminal, Out: &out, Err: &stderr}, nil, o.opts...)
	if code != ExitUsage || !strings.Contains(stderr.String(), "--tsig-secret-env: no secret was typed for the key mailwizard") || strings.Contains(stderr.String(), "BADSIG") {
		t.Errorf("exit %d\n%s%s", code, out.String(), stderr.String())
	}
	if r, err := o.primary.Ask("mrsel1._domainkey.example.nl", dns.TypeCNAME); err != nil || len(r.Answer) != 0 {
		t.Errorf("something was published: %v %v", r, err)
	}
}
