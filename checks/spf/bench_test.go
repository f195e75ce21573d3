package spf

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

// BenchmarkCheckHost measures whole SPF evaluations per second on loopback:
// a record with an include, a, mx and ip4 terms, each evaluation asking the
// DNS server afresh (no cache), as a receiver without a cache would.
func BenchmarkCheckHost(b *testing.B) {
	srv := dnstest.Start(b, "127.0.0.1:0")
	srv.MustAddZone(b, analysisZone)
	srv.Add(`bench.test. 300 IN TXT "v=spf1 a:mail.plain.test mx:plain.test ip4:192.0.2.0/24 include:_spf.clockwise.info.test -all"`)
	ev := &Evaluator{Resolver: &dnsq.Client{Servers: []string{srv.Addr}, Timeout: time.Second}}
	ip := netip.MustParseAddr("217.115.198.70") // passes through the include, the last term
	start := time.Now()
	n := 0
	for b.Loop() {
		if v := ev.CheckHost(context.Background(), ip, "invoice@bench.test", "mail.bench.test"); v.Result != Pass {
			b.Fatalf("%+v", v)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "evals/s")
}
