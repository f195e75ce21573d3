package dnsq

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// cachedClient is testClient with a cache whose clock the test moves.
func cachedClient(t *testing.T, size int) (*Client, *Cache, *time.Time, func() int) {
	t.Helper()
	c, srv := testClient(t)
	now := time.Now()
	c.Cache = NewCache(size)
	c.Cache.now = func() time.Time { return now }
	asked := func() int { return srv.Queries("example.nl") }
	return c, c.Cache, &now, asked
}

// The same question in one run goes to the network once, for as long as
// its TTL allows; after that it is asked again.
func TestCacheKeepsAnswersForTheirTTL(t *testing.T) {
	c, cache, now, asked := cachedClient(t, 0)
	ctx := context.Background()
	for i := range 3 {
		r, err := c.Lookup(ctx, "Example.NL", dns.TypeTXT)
		if err != nil || len(r.TXT()) != 1 {
			t.Fatalf("lookup %d: %v, %v", i, r, err)
		}
	}
	if asked() != 1 {
		t.Errorf("three lookups within the TTL asked the server %d times, want 1", asked())
	}
	*now = now.Add(299 * time.Second)
	c.Lookup(ctx, "example.nl", dns.TypeTXT)
	if asked() != 1 {
		t.Error("asked again before the 300 s TTL ran out")
	}
	*now = now.Add(2 * time.Second)
	c.Lookup(ctx, "example.nl", dns.TypeTXT)
	if asked() != 2 {
		t.Errorf("after the TTL: %d questions, want 2", asked())
	}
	if st := cache.Stats(); st.Hits != 3 || st.Misses != 2 {
		t.Errorf("stats %+v, want 3 hits and 2 misses", st)
	}
}

// A missing record is kept for the zone's negative TTL, min(SOA TTL,
// MINIMUM) = 300 s here (RFC 2308 section 5), not for ever and not not at
// all: a desk re-checking after the customer published sees the record
// once that time is up, as any resolver would.
func TestCacheKeepsNegativeAnswersForTheSOAMinimum(t *testing.T) {
	c, srv := testClient(t)
	now := time.Now()
	c.Cache = NewCache(0)
	c.Cache.now = func() time.Time { return now }
	ctx := context.Background()
	for range 2 {
		if r, err := c.Lookup(ctx, "nothere.example.nl", dns.TypeTXT); err != nil || r.Outcome != NXDomain {
			t.Fatalf("nothere: %v, %v", r, err)
		}
	}
	if n := srv.Queries("nothere.example.nl"); n != 1 {
		t.Errorf("NXDOMAIN asked %d times within its negative TTL, want 1", n)
	}
	now = now.Add(301 * time.Second)
	c.Lookup(ctx, "nothere.example.nl", dns.TypeTXT)
	if n := srv.Queries("nothere.example.nl"); n != 2 {
		t.Errorf("after the negative TTL: %d questions, want 2", n)
	}
}

// A failure says nothing about the record: the next domain asks again.
func TestCacheDoesNotKeepFailures(t *testing.T) {
	c, srv := testClient(t)
	c.Cache = NewCache(0)
	srv.Rcode("broken.example.nl", dns.RcodeServerFailure)
	for range 2 {
		if _, err := c.Lookup(context.Background(), "broken.example.nl", dns.TypeTXT); OutcomeOf(err) != ServFail {
			t.Fatalf("broken: %v", err)
		}
	}
	if n := srv.Queries("broken.example.nl"); n != 2 {
		t.Errorf("a SERVFAIL was kept: %d questions, want 2", n)
	}
}

// Fifty checks asking the same slow question at once send it once; a
// waiter that gives up returns at once and the others still get the answer.
func TestCacheCoalescesQuestionsOnTheirWay(t *testing.T) {
	c, srv := testClient(t)
	c.Cache = NewCache(0)
	srv.Delay("example.nl", 300*time.Millisecond)
	ctx := context.Background()
	quitter, quit := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := c.Lookup(ctx, "example.nl", dns.TypeTXT)
			errs <- err
		})
	}
	start := time.Now()
	time.AfterFunc(50*time.Millisecond, quit)
	if _, err := c.Lookup(quitter, "example.nl", dns.TypeTXT); err == nil {
		t.Error("a cancelled waiter got an answer")
	} else if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("a cancelled waiter returned after %v, not at once", d)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a waiter: %v", err)
		}
	}
	if n := srv.Queries("example.nl"); n != 1 {
		t.Errorf("51 simultaneous questions reached the server %d times, want 1", n)
	}
}

// The cache stays within its size: the least recently used answer goes.
func TestCacheIsBounded(t *testing.T) {
	c, cache, _, asked := cachedClient(t, 2)
	ctx := context.Background()
	c.Lookup(ctx, "example.nl", dns.TypeTXT)
	c.Lookup(ctx, "example.nl", dns.TypeMX)
	c.Lookup(ctx, "example.nl", dns.TypeTXT) // TXT is now the most recent
	c.Lookup(ctx, "mail.example.nl", dns.TypeA)
	if st := cache.Stats(); st.Entries != 2 {
		t.Errorf("%d answers kept, want at most 2", st.Entries)
	}
	c.Lookup(ctx, "example.nl", dns.TypeTXT)
	if asked() != 2 {
		t.Errorf("the recently used TXT answer was dropped: %d questions", asked())
	}
	c.Lookup(ctx, "example.nl", dns.TypeMX)
	if asked() != 3 {
		t.Errorf("the least recently used MX answer was kept: %d questions", asked())
	}
}

// Polling must see a record the moment it is published: the
// authoritative questions and the per-resolver ones always go out.
func TestCacheIsBypassedByAuthoritativeQuestions(t *testing.T) {
	c, _, _, asked := cachedClient(t, 0)
	ctx := context.Background()
	c.Lookup(ctx, "example.nl", dns.TypeTXT)
	c.LookupAt(ctx, c.Servers[0], "example.nl", dns.TypeTXT)
	c.LookupVia(ctx, c.Servers[0], "example.nl", dns.TypeTXT)
	if asked() != 3 {
		t.Errorf("%d questions, want 3: LookupAt and LookupVia must not read the cache", asked())
	}
}

// Each domain's questions are counted where they are asked; an answer the
// cache gives counts for nobody.
func TestQueryCountCountsNetworkQuestionsOnly(t *testing.T) {
	c, _, _, _ := cachedClient(t, 0)
	first, q1 := WithQueryCount(context.Background())
	c.Lookup(first, "www.example.nl", dns.TypeA) // answered in one question by the resolver
	c.Lookup(first, "example.nl", dns.TypeTXT)
	second, q2 := WithQueryCount(context.Background())
	c.Lookup(second, "example.nl", dns.TypeTXT)
	c.Lookup(second, "example.nl", dns.TypeMX)
	if q1.Queries() != 2 || q2.Queries() != 1 {
		t.Errorf("queries: first %d (want 2), second %d (want 1)", q1.Queries(), q2.Queries())
	}
}
