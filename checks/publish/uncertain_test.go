package publish_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/publish"
	"mailwizard/checks/publish/bindtest"
)

// An update that went out without a trustworthy answer coming back may
// have been applied, and here BIND did apply it: no answer (a firewall
// that drops it) or an answer without its signature (a DNS proxy that
// strips it) is told as "may have arrived", never as "nothing changed".
// A refusal, and a connection that never opened, are definite.
func TestPublishWithoutATrustedAnswer(t *testing.T) {
	w := newWorld(t)
	test := func(name string, fault bindtest.Fault, code string, words ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		via := bindtest.Proxy(t, w.primary.Addr, fault)
		ch := []publish.Change{{Name: name, Type: dns.TypeCNAME, Value: "target.example.com"}}
		plan, err := publish.Prepare(ctx, w.client, "example.nl", via, ch)
		if err != nil {
			t.Fatal(err)
		}
		_, err = publish.Send(ctx, plan, w.key, nil)
		f := publish.Explain(err)
		if !publish.MayHaveArrived(err) || f.Code != code {
			t.Errorf("%s: may have arrived %v, finding %+v", name, publish.MayHaveArrived(err), f)
		}
		for _, want := range words {
			if !strings.Contains(f.Message+" "+f.Fix, want) {
				t.Errorf("%s: %q %q lacks %q", name, f.Message, f.Fix, want)
			}
		}
		if cname(t, w.primary, name) != "target.example.com." {
			t.Errorf("%s: BIND did not apply the update", name)
		}
	}
	test("dropped.example.nl", bindtest.DropAnswer, "publish.unanswered", "no answer came back", "Whether it arrived shows on the name servers")
	test("stripped.example.nl", bindtest.StripTSIG, "publish.unsigned", "Whether the records arrived shows on the name servers")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkimValue(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Send(ctx, plan, w.narrow, nil); !errors.Is(err, publish.ErrNotPublished) || publish.MayHaveArrived(err) {
		t.Errorf("a refusal: %v, may have arrived %v", err, publish.MayHaveArrived(err))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	plan.Primary.Addr = l.Addr().String()
	l.Close()
	if _, err := publish.Send(ctx, plan, w.key, nil); publish.Explain(err).Code != "publish.unreachable" || publish.MayHaveArrived(err) {
		t.Errorf("a closed port: %v, may have arrived %v", err, publish.MayHaveArrived(err))
	}
}

// Stopped by the admin (Cancel, Ctrl+C) is no network fault: before
// sending, nothing changed; after, the name servers will show whether
// it arrived (here BIND had applied it).
func TestPublishStopped(t *testing.T) {
	w := newWorld(t)
	ch := []publish.Change{{Name: "stopped.example.nl", Type: dns.TypeCNAME, Value: "target.example.com"}}
	stopped, stop := context.WithCancel(context.Background())
	stop()
	_, err := publish.Prepare(stopped, w.client, "example.nl", "", ch)
	if f := publish.Explain(err); f.Code != "publish.stopped" || f.Message != "stopped before the update was sent: nothing was changed" {
		t.Errorf("stopped while reading: %+v", f)
	}

	via := bindtest.Proxy(t, w.primary.Addr, bindtest.DropAnswer)
	plan, err := publish.Prepare(context.Background(), w.client, "example.nl", via, ch)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for deadline := time.Now().Add(10 * time.Second); !applied(w.primary, "stopped.example.nl") && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		cancel() // the update is on the server; its answer is not coming
	}()
	_, err = publish.Send(ctx, plan, w.key, nil)
	f := publish.Explain(err)
	if f.Code != "publish.stopped" || f.Temporary || !strings.Contains(f.Message, "if the update had already gone out, the name servers will show it") ||
		strings.Contains(f.Message+f.Fix, "firewall") {
		t.Errorf("stopped after sending: %+v", f)
	}
}

// applied reports whether s serves a CNAME at name (for a goroutine,
// which may not call t.Fatal).
func applied(s *bindtest.Server, name string) bool {
	r, err := s.Ask(name, dns.TypeCNAME)
	return err == nil && len(r.Answer) > 0
}
