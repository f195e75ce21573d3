package poll

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
)

// State of a record on one server.
type State string

const (
	Seen   State = "seen"    // the right record is there
	NotYet State = "not-yet" // nothing there yet
	Wrong  State = "wrong"   // a record is there, but not the right one
	Failed State = "error"   // the server did not answer
)

// ServerStatus is what one server says about one record.
type ServerStatus struct {
	Server     string `json:"server"`               // host:port asked
	Nameserver string `json:"nameserver,omitempty"` // NS name, for authoritative servers
	State      State  `json:"state"`
	Value      string `json:"value,omitempty"`  // the wrong value, when Wrong
	Error      string `json:"error,omitempty"`  // why it failed, in words
	Detail     string `json:"detail,omitempty"` // the network error itself
	// ErrorText is Error for the faces to translate.
	ErrorText checks.Text `json:"-"`
	// VisibleBy is when a resolver that cached "no such record" will ask
	// again: now plus the remaining negative TTL it reported (RFC 2308).
	VisibleBy time.Time `json:"visible_by,omitzero"`
}

// RecordStatus is one wanted record on every server.
type RecordStatus struct {
	Label         string         `json:"label"`
	Name          string         `json:"name"`
	Authoritative []ServerStatus `json:"authoritative"`
	Resolvers     []ServerStatus `json:"resolvers"`
	// Done: right on every authoritative server.
	Done bool `json:"done"`
	// SeenAfter is how long after the start it was first right everywhere.
	SeenAfter time.Duration `json:"-"`
}

// Event is the state after one round.
type Event struct {
	Round   int            `json:"round"`
	Elapsed time.Duration  `json:"-"`
	Records []RecordStatus `json:"records"`
	Done    bool           `json:"done"`
	// Next is the wait before the next round.
	Next time.Duration `json:"-"`
}

// In JSON, durations are seconds ("elapsed": 12.5): what scripts and
// people read, where Go's default is nanoseconds.

func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

// MarshalJSON writes the durations in seconds.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		plain
		Elapsed float64 `json:"elapsed"`
		Next    float64 `json:"next,omitempty"`
	}{plain(e), seconds(e.Elapsed), seconds(e.Next)})
}

// MarshalJSON writes SeenAfter in seconds.
func (r RecordStatus) MarshalJSON() ([]byte, error) {
	type plain RecordStatus
	return json.Marshal(struct {
		plain
		SeenAfter float64 `json:"seen_after,omitempty"`
	}{plain(r), seconds(r.SeenAfter)})
}

// Options tune the rhythm: every Interval (5 s), and every MaxInterval
// (60 s) once SlowAfter (10 minutes) has passed, because by then the admin
// has gone for coffee and a minute more does not matter.
type Options struct {
	Interval    time.Duration
	MaxInterval time.Duration
	SlowAfter   time.Duration
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 60 * time.Second
	}
	if o.MaxInterval < o.Interval {
		o.MaxInterval = o.Interval
	}
	if o.SlowAfter <= 0 {
		o.SlowAfter = 10 * time.Minute
	}
	return o
}

// Poll asks every round until every record is right on every
// authoritative server of zone, or ctx ends. Each round's state comes on
// the channel; the last event has Done set when all were seen. The channel
// is closed when polling stops.
func Poll(ctx context.Context, c *dnsq.Client, zone *dnsq.Zone, wants []Want, opts Options) <-chan Event {
	opts = opts.withDefaults()
	events := make(chan Event, 1)
	go func() {
		defer close(events)
		start := time.Now()
		seenAfter := make([]time.Duration, len(wants))
		for round := 1; ; round++ {
			ev := Event{Round: round, Records: make([]RecordStatus, len(wants))}
			var wg sync.WaitGroup
			for i, w := range wants {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ev.Records[i] = check(ctx, c, zone, w)
				}()
			}
			wg.Wait()
			if ctx.Err() != nil {
				return // the answers of a cancelled round mean nothing
			}
			ev.Elapsed = time.Since(start)
			ev.Done = true
			for i := range ev.Records {
				if ev.Records[i].Done && seenAfter[i] == 0 {
					seenAfter[i] = ev.Elapsed
				}
				ev.Records[i].SeenAfter = seenAfter[i]
				ev.Done = ev.Done && ev.Records[i].Done
			}
			if !ev.Done {
				ev.Next = opts.Interval
				if ev.Elapsed > opts.SlowAfter {
					ev.Next = opts.MaxInterval
				}
			}
			select {
			case events <- ev:
			case <-ctx.Done():
				return
			}
			if ev.Done {
				return
			}
			t := time.NewTimer(ev.Next)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}()
	return events
}

// check asks all authoritative servers and all resolvers about one record.
func check(ctx context.Context, c *dnsq.Client, zone *dnsq.Zone, w Want) RecordStatus {
	rs := RecordStatus{Label: w.Label, Name: w.Name}
	for _, a := range c.AskAuthoritative(ctx, zone, w.Name, w.Type) {
		st := judge(ctx, w, a.Result, a.Err)
		st.Server, st.Nameserver = a.Addr, a.Nameserver
		rs.Authoritative = append(rs.Authoritative, st)
	}
	rs.Done = len(rs.Authoritative) > 0
	for _, st := range rs.Authoritative {
		rs.Done = rs.Done && st.State == Seen
	}
	resolvers := c.Resolvers()
	rs.Resolvers = make([]ServerStatus, len(resolvers))
	var wg sync.WaitGroup
	for i, server := range resolvers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.LookupVia(ctx, server, w.Name, w.Type)
			st := judge(ctx, w, res, err)
			st.Server = server
			if st.State == NotYet && res != nil && res.NegativeTTL > 0 {
				st.VisibleBy = time.Now().Add(time.Duration(res.NegativeTTL) * time.Second)
			}
			rs.Resolvers[i] = st
		}()
	}
	wg.Wait()
	return rs
}

func judge(ctx context.Context, w Want, res *dnsq.Result, err error) ServerStatus {
	switch {
	case err != nil:
		why := dnsq.DescribeText(err)
		return ServerStatus{State: Failed, Error: why.String(), ErrorText: why, Detail: dnsq.Detail(err)}
	case res.Outcome != dnsq.Answer:
		return ServerStatus{State: NotYet}
	}
	ok, wrong := w.Judge(ctx, values(res))
	if ok {
		return ServerStatus{State: Seen}
	}
	return ServerStatus{State: Wrong, Value: wrong}
}
