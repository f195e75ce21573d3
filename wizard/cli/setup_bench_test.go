package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkSetupHosted measures the whole scripted hosted run (ClockWise,
// generated RSA-2048 key, zone fragment published by the "admin" as soon
// as setup writes it, export) and, as noticed-ms, the time from the last
// record being published to setup saying every server has it. The poll
// interval bounds the latter: 5s is setup's default.
func BenchmarkSetupHosted(b *testing.B) {
	for _, interval := range []time.Duration{100 * time.Millisecond, 5 * time.Second} {
		b.Run(fmt.Sprintf("interval=%v", interval), func(b *testing.B) {
			var noticed time.Duration
			for b.Loop() {
				noticed += scriptedHostedRun(b, interval)
			}
			b.ReportMetric(float64(noticed.Milliseconds())/float64(b.N), "noticed-ms")
		})
	}
}

// scriptedHostedRun is one setup run; it returns the time from publishing
// to setup noticing.
func scriptedHostedRun(b *testing.B, interval time.Duration) time.Duration {
	b.Helper()
	addr, srv, _, dir := setupWorld(b)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	published := make(chan time.Time, 1)
	publishZoneFile(b, srv, zone, published)
	in := newScript("1", "example.nl", "facturen", "", "", "", "", "", "")
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"setup", "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", interval.String()},
			Stdio{In: in.r, Out: &stdout, Err: &stderr}, nil)
	}()
	var seen time.Time
	for seen.IsZero() {
		select {
		case code := <-done:
			b.Fatalf("setup ended (exit %d) before noticing the records:\n%s\n%s", code, stdout.String(), stderr.String())
		case <-time.After(2 * time.Millisecond):
			if strings.Contains(stdout.String(), "Every record is on every name server") {
				seen = time.Now()
			}
		}
	}
	if code := <-done; code != ExitOK {
		b.Fatalf("exit %d\n%s", code, stderr.String())
	}
	return seen.Sub(<-published)
}
