package spf

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
)

// BenchmarkCheckHostThousand evaluates the SPF records of a support desk's
// thousand customers (bench/spfzones serves them; bench/spf-vs-pyspf.sh
// sets the two variables and compares with pyspf), W evaluations at a time.
// cache=off asks the server afresh for every evaluation, as pyspf does;
// cache=on shares one dnsq.Cache across the run, as check --domains does,
// so the includes every customer names are asked once.
//
//	SPF_BENCH_DOMAINS=/tmp/domains.txt SPF_BENCH_SERVER=127.0.0.1:5300 \
//	  go test ./checks/spf -run '^$' -bench CheckHostThousand
func BenchmarkCheckHostThousand(b *testing.B) {
	domainsFile, server := os.Getenv("SPF_BENCH_DOMAINS"), os.Getenv("SPF_BENCH_SERVER")
	if domainsFile == "" || server == "" {
		b.Skip("set SPF_BENCH_DOMAINS (a domain list) and SPF_BENCH_SERVER (host:port serving them): bench/spf-vs-pyspf.sh starts bench/spfzones and sets both")
	}
	domains := readBenchDomains(b, domainsFile)
	ip := netip.MustParseAddr(benchClientIP)
	for _, cache := range []bool{false, true} {
		for _, workers := range []int{1, 2, 4, 8, 16, 32, 64} {
			name := fmt.Sprintf("cache=%s/workers=%d", map[bool]string{false: "off", true: "on"}[cache], workers)
			b.Run(name, func(b *testing.B) {
				var evals int
				var elapsed time.Duration
				var counts map[Result]int
				for b.Loop() {
					c := &dnsq.Client{Pinned: server, Timeout: 2 * time.Second}
					if cache {
						c.Cache = dnsq.NewCache(0) // fresh for each run: no run starts warm
					}
					ev := &Evaluator{Resolver: c}
					start := time.Now()
					counts = evaluateAll(ev, ip, domains, workers)
					elapsed += time.Since(start)
					evals += len(domains)
				}
				if counts[TempError]+counts[PermError] > 0 {
					b.Fatalf("errors in the run: %v", counts)
				}
				b.ReportMetric(float64(evals)/elapsed.Seconds(), "evals/s")
				b.ReportMetric(float64(counts[Pass]), "pass")
				b.ReportMetric(float64(counts[Fail]), "fail")
			})
		}
	}
}

// benchClientIP is one of the service's relays (bench/spfzones): it passes
// for one customer in sixteen and fails for the others; pyspf_eval.py uses
// the same.
const benchClientIP = "192.0.2.7"

// evaluateAll evaluates every domain once, workers at a time, and counts
// the results.
func evaluateAll(ev *Evaluator, ip netip.Addr, domains []string, workers int) map[Result]int {
	var next atomic.Int64
	var mu sync.Mutex
	counts := map[Result]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			local := map[Result]int{}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(domains) {
					break
				}
				d := domains[i]
				local[ev.CheckHost(context.Background(), ip, "postmaster@"+d, d).Result]++
			}
			mu.Lock()
			for r, n := range local {
				counts[r] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts
}

func readBenchDomains(b *testing.B, path string) []string {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var domains []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if d := strings.TrimSpace(sc.Text()); d != "" && !strings.HasPrefix(d, "#") {
			domains = append(domains, d)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if len(domains) == 0 {
		b.Fatalf("%s lists no domain", path)
	}
	return domains
}
