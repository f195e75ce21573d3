package dnsq

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// MaxQPS spaces the questions: twenty at 100 a second take at least
// 190 ms, however fast the server is.
func TestMaxQPSSpacesQuestions(t *testing.T) {
	c, _ := testClient(t)
	c.MaxQPS = 100
	start := time.Now()
	for i := range 20 {
		c.Lookup(context.Background(), fmt.Sprintf("n%d.example.nl", i), dns.TypeTXT)
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("20 questions at 100/s took %v", d)
	}
}

// A resolver that refuses is given room: each REFUSED doubles the pause
// before the next question (50, 100, 200 ms), and a good answer shrinks it.
func TestRefusedBacksOff(t *testing.T) {
	c, srv := testClient(t)
	c.MaxQPS = 10_000
	srv.Rcode("private.example.nl", dns.RcodeRefused)
	start := time.Now()
	for range 4 {
		c.Lookup(context.Background(), "private.example.nl", dns.TypeTXT)
	}
	if d := time.Since(start); d < 350*time.Millisecond {
		t.Errorf("four questions to a refusing server in %v: no back-off", d)
	}
	l := c.limit()
	before := l.backoff
	c.Lookup(context.Background(), "example.nl", dns.TypeTXT)
	if l.backoff >= before {
		t.Errorf("a good answer left the pause at %v (was %v)", l.backoff, before)
	}
}

// A cancelled run does not wait for its turn.
func TestLimiterWaitEndsOnCancel(t *testing.T) {
	l := &limiter{interval: time.Hour}
	l.wait(context.Background()) // the first goes at once
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.wait(ctx); err == nil {
		t.Error("waited an hour's turn without the context ending it")
	}
}

func TestIsPublicResolver(t *testing.T) {
	for s, want := range map[string]bool{"8.8.8.8:53": true, "[2606:4700:4700::1111]:53": true, "9.9.9.9": true,
		"127.0.0.53:53": false, "192.168.1.1:53": false, "resolver.example:53": false} {
		if got := IsPublicResolver(s); got != want {
			t.Errorf("IsPublicResolver(%q) = %v", s, got)
		}
	}
}
