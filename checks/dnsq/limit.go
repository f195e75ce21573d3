package dnsq

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"
)

// A run of check --domains against a public resolver must stay a polite
// client: questions are spaced to at most Client.MaxQPS a second, and a
// REFUSED or SERVFAIL answer (how resolvers say "slow down", besides
// "broken") pauses the next question, 50 ms doubling to 2 s, halved again
// by each good answer.

const (
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 2 * time.Second
)

// PublicResolverQPS is the rate used against the big public resolvers:
// two thirds of the 1,500 queries a second per client address that Google
// Public DNS documents; Cloudflare and Quad9 publish no figure, and get
// the same.
const PublicResolverQPS = 1000

// publicResolvers are the addresses of Google Public DNS, Cloudflare and
// Quad9.
var publicResolvers = map[string]bool{
	"8.8.8.8": true, "8.8.4.4": true, "2001:4860:4860::8888": true, "2001:4860:4860::8844": true,
	"1.1.1.1": true, "1.0.0.1": true, "2606:4700:4700::1111": true, "2606:4700:4700::1001": true,
	"9.9.9.9": true, "149.112.112.112": true, "2620:fe::fe": true, "2620:fe::9": true,
}

// IsPublicResolver reports whether server ("host:port" or an address) is
// one of the big public resolvers.
func IsPublicResolver(server string) bool {
	host, _, err := net.SplitHostPort(server)
	if err != nil {
		host = server
	}
	a, err := netip.ParseAddr(host)
	return err == nil && publicResolvers[a.Unmap().String()]
}

type limiter struct {
	mu       sync.Mutex
	interval time.Duration // between two questions
	next     time.Time     // when the next question may go
	backoff  time.Duration // the pause after the last REFUSED or SERVFAIL
}

// wait holds a question until its turn, or until ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answered adjusts the pause to how the server answered.
func (l *limiter) answered(refused bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !refused {
		l.backoff /= 2
		if l.backoff < firstBackoff {
			l.backoff = 0
		}
		return
	}
	l.backoff = min(max(2*l.backoff, firstBackoff), maxBackoff)
	if at := time.Now().Add(l.backoff); at.After(l.next) {
		l.next = at
	}
}

// limit is the client's limiter, nil when MaxQPS is not set.
func (c *Client) limit() *limiter {
	if c.MaxQPS <= 0 {
		return nil
	}
	c.limitOnce.Do(func() { c.limiter = &limiter{interval: time.Duration(float64(time.Second) / c.MaxQPS)} })
	return c.limiter
}
