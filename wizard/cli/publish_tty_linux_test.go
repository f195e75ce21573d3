package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sys/unix"

	"mailwizard/transports/secrets"
)

// openPTY opens a pseudo-terminal: the terminal end for the command's
// standard input (so that it asks without echo, as at a real terminal),
// and the other end for the test to type on.
func openPTY(t *testing.T) (terminal, keyboard *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlocking the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("numbering the pseudo-terminal: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, m
}

// Enter pressed at the secret's prompt is no secret: bad input naming
// where a secret goes (exit 2), not an update signed with an empty key
// that the server refuses as BADSIG, with advice for the server.
func TestDNSPublishEmptySecretAtTheTerminal(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	terminal, keyboard := openPTY(t)
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
