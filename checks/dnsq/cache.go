package dnsq

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Cache keeps the recursive answers of one run, shared by every check in
// it: a support desk's thousand customers all name the service's include,
// and each include names Microsoft's, so the same questions come again and
// again. Answers are kept for their TTL (the smallest of the records'),
// NODATA and NXDOMAIN for the negative TTL the zone's SOA gives (RFC 2308
// section 5); failures (timeouts, SERVFAIL) are not kept, so the next
// domain asks again. Questions asked while the same one is on its way wait
// for its answer instead of asking too. The number of answers is bounded;
// the least recently used go first.
//
// Only Client.Lookup uses it. LookupAt, the authoritative questions poll
// asks to see a record the moment it is published, and LookupVia, which
// watches one resolver, always ask.
type Cache struct {
	max int
	now func() time.Time

	mu       sync.Mutex
	entries  map[cacheKey]*list.Element // of *cacheEntry
	lru      *list.List                 // front: most recently used
	inflight map[cacheKey]*cacheCall

	hits, misses, shared atomic.Int64
}

type cacheKey struct {
	name  string
	qtype uint16
}

type cacheEntry struct {
	key     cacheKey
	res     *Result
	expires time.Time
}

// cacheCall is a question on its way; its waiters read res and err once
// done is closed.
type cacheCall struct {
	done chan struct{}
	res  *Result
	err  error
}

// DefaultCacheSize bounds a run's cache: about 200 bytes an answer plus the
// records, some tens of MB at most, for far more questions than a run of
// ten thousand domains asks.
const DefaultCacheSize = 100_000

// NewCache returns a cache of at most size answers (DefaultCacheSize when
// size ≤ 0).
func NewCache(size int) *Cache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &Cache{max: size, now: time.Now, entries: map[cacheKey]*list.Element{}, lru: list.New(), inflight: map[cacheKey]*cacheCall{}}
}

// CacheStats counts what the cache did: answers it gave (Hits), questions
// it let through to the network (Misses), and questions that waited for
// the same one already on its way (Shared).
type CacheStats struct {
	Hits, Misses, Shared int64
	Entries              int
}

// Stats reports the counts so far.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	n := c.lru.Len()
	c.mu.Unlock()
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Shared: c.shared.Load(), Entries: n}
}

// lookup answers from the cache, or joins the same question on its way,
// or asks through ask and keeps the answer. ask runs on a context that the
// caller's cancel does not end (its own deadlines bound it), since others
// may be waiting for it; the caller itself returns at once on cancel.
func (c *Cache) lookup(ctx context.Context, fqdn string, qtype uint16, ask func(context.Context) (*Result, error)) (*Result, error) {
	key := cacheKey{strings.ToLower(fqdn), qtype} // names are case-blind (RFC 4343)
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*cacheEntry)
		if c.now().Before(e.expires) {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			c.hits.Add(1)
			return copyResult(e.res), nil
		}
		c.lru.Remove(el)
		delete(c.entries, key)
	}
	call, waiting := c.inflight[key]
	if !waiting {
		call = &cacheCall{done: make(chan struct{})}
		c.inflight[key] = call
	}
	c.mu.Unlock()

	if waiting {
		c.shared.Add(1)
	} else {
		c.misses.Add(1)
		go func() {
			res, err := ask(context.WithoutCancel(ctx))
			c.keep(key, res, err)
			call.res, call.err = res, err
			c.mu.Lock()
			delete(c.inflight, key)
			c.mu.Unlock()
			close(call.done)
		}()
	}
	select {
	case <-call.done:
		return copyResult(call.res), call.err
	case <-ctx.Done():
		return &Result{Name: fqdn, Type: qtype}, &Error{Name: fqdn, Type: qtype, Outcome: classify(ctx, ctx, ctx.Err()), Err: ctx.Err()}
	}
}

// keep stores an answer for as long as it may be kept.
func (c *Cache) keep(key cacheKey, res *Result, err error) {
	ttl, ok := cacheTTL(res, err)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.lru.Remove(el)
	}
	c.entries[key] = c.lru.PushFront(&cacheEntry{key: key, res: res, expires: c.now().Add(ttl)})
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry).key)
	}
}

// cacheTTL is how long an answer may be kept: the smallest TTL of its
// records, or a negative answer's TTL. Failures and answers with a TTL of
// 0 are not kept (RFC 1035 section 3.2.1: 0 means use once).
func cacheTTL(res *Result, err error) (time.Duration, bool) {
	if err != nil || res == nil {
		return 0, false
	}
	var ttl uint32
	switch res.Outcome {
	case Answer:
		ttl = ^uint32(0)
		for _, rr := range res.Records {
			ttl = min(ttl, rr.Header().Ttl)
		}
	case NoData, NXDomain:
		ttl = res.NegativeTTL
	default:
		return 0, false
	}
	if ttl == 0 {
		return 0, false
	}
	return time.Duration(ttl) * time.Second, true
}

// copyResult gives each caller its own Result and slices, so none can
// change what another reads.
func copyResult(r *Result) *Result {
	if r == nil {
		return nil
	}
	out := *r
	out.Records = append([]dns.RR(nil), r.Records...)
	out.CNAMEs = append([]string(nil), r.CNAMEs...)
	return &out
}

// QueryCount counts the questions sent over the network for one piece of
// work (one domain of check --domains), answers from the cache not
// included; a question others waited for counts for the one who asked.
type QueryCount struct{ n atomic.Int64 }

// Queries is the count so far.
func (q *QueryCount) Queries() int64 { return q.n.Load() }

type queryCountKey struct{}

// WithQueryCount returns a context whose questions are counted in the
// returned QueryCount.
func WithQueryCount(ctx context.Context) (context.Context, *QueryCount) {
	q := &QueryCount{}
	return context.WithValue(ctx, queryCountKey{}, q), q
}

func countQuery(ctx context.Context) {
	if q, ok := ctx.Value(queryCountKey{}).(*QueryCount); ok {
		q.n.Add(1)
	}
}
