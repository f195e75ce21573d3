package publish_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/poll"
	"mailwizard/checks/publish"
)

// BenchmarkPublishUntilEveryServer is issue 13's figure: the time from
// "Publish" (the signed update leaving) to every authoritative server
// answering with the new record, on a BIND 9 primary and the secondary
// it notifies (NOTIFY, then IXFR), both on loopback. The servers are
// asked every 5 ms, so the figure is how long the servers take, not how
// often the wizard asks (every second after publishing on the command
// line). Each round publishes a new DKIM key of an RSA-2048 record's
// size under its own selector.
//
// Metrics: ms-send is the update's round trip (signed, journalled,
// answered); ms-primary and ms-all are from the send until the primary,
// and then both servers, answer with the record.
func BenchmarkPublishUntilEveryServer(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	zone, err := w.client.FindZone(ctx, "example.nl")
	if err != nil {
		b.Fatal(err)
	}
	var send, primary, all time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		value := dkimValue(b)
		name := fmt.Sprintf("b%d._domainkey.example.nl", n)
		plan, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: name, Type: dns.TypeTXT, Value: value}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := publish.Send(ctx, plan, w.key, nil); err != nil {
			b.Fatal(err)
		}
		send += time.Since(start)
		p, a := arrival(ctx, b, w, zone, name, value, start)
		primary, all = primary+p, all+a
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(n) }
	b.ReportMetric(ms(send), "ms-send")
	b.ReportMetric(ms(primary), "ms-primary")
	b.ReportMetric(ms(all), "ms-all")
}

// arrival polls every authoritative server until each answers with the
// record, and returns when the primary did and when the last one did.
func arrival(ctx context.Context, b *testing.B, w *world, zone *dnsq.Zone, name, value string, start time.Time) (primary, all time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	want := poll.Want{Label: "DKIM", Name: name, Type: dns.TypeTXT, Judge: func(_ context.Context, vs []string) (bool, string) {
		return slices.Contains(vs, value), ""
	}}
	seen := map[string]bool{}
	for ev := range poll.Poll(ctx, w.client, zone, []poll.Want{want}, poll.Options{Interval: 5 * time.Millisecond}) {
		at := time.Since(start)
		for _, s := range ev.Records[0].Authoritative {
			if s.State == poll.Seen && !seen[s.Server] {
				seen[s.Server] = true
				if s.Server == w.primary.Addr {
					primary = at
				}
			}
		}
		if ev.Done {
			return primary, at
		}
	}
	b.Fatalf("%s did not reach every server", name)
	return 0, 0
}
