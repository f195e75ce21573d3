//go:build linux

// Command spfzones serves, from the project's test DNS server on loopback,
// the zones of a support desk's customers: n domains (cust0001.example …)
// whose SPF records name Microsoft 365's include and the mail service's
// include, each of which names one more level, with MX, DMARC and DKIM
// records of their own (zones.go). bench/spf-vs-pyspf.sh and
// bench/check-many.sh evaluate and check them all.
//
//	go run ./bench/spfzones -n 1000 -listen 127.0.0.1:0 -domains /tmp/domains.txt
//
// It prints "listening HOST:PORT" on stdout once it answers, and serves
// until SIGTERM or SIGINT; then it prints to stderr how many questions it
// received, in all and per domain, and how many were about names of the
// customers' own (their zone, their tenant's DKIM keys, their MX host)
// rather than the shared includes.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"mailwizard/checks/dnsq/dnstest"
)

func main() {
	n := flag.Int("n", 1000, "number of customer domains")
	listen := flag.String("listen", "127.0.0.1:0", "`address` to serve on (UDP and TCP)")
	domainsFile := flag.String("domains", "", "write the domain list to `FILE`, one a line")
	flag.Parse()
	if err := run(*n, *listen, *domainsFile); err != nil {
		fmt.Fprintln(os.Stderr, "spfzones:", err)
		os.Exit(1)
	}
}

func run(n int, listen, domainsFile string) error {
	key, err := dkimTXT()
	if err != nil {
		return err
	}
	srv, err := dnstest.Listen(listen)
	if err != nil {
		return err
	}
	if err := srv.AddZone(sharedZones()); err != nil {
		return fmt.Errorf("shared zones: %w", err)
	}
	domains := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		d, zone := customer(i, key)
		if err := srv.AddZone(zone); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		domains = append(domains, d)
	}
	if domainsFile != "" {
		if err := os.WriteFile(domainsFile, []byte(strings.Join(domains, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("listening %s\n", srv.Addr)
	os.Stdout.Sync()
	<-sig
	srv.Close()
	time.Sleep(50 * time.Millisecond) // answers already being written finish
	return printStats(srv, n)
}

// printStats reports the questions received, once the server is closed
// and quiet.
func printStats(srv *dnstest.Server, n int) error {
	counts := srv.QueryCounts()
	total, own := srv.Total(), 0
	for name, c := range counts {
		if isOwn(name) {
			own += c
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	w := bufio.NewWriter(os.Stderr)
	fmt.Fprintf(w, "queries %d\n", total)
	fmt.Fprintf(w, "queries-per-domain %.2f\n", float64(total)/float64(n))
	fmt.Fprintf(w, "own-queries-per-domain %.2f\n", float64(own)/float64(n))
	fmt.Fprintf(w, "shared-queries %d\n", total-own)
	fmt.Fprintf(w, "names %d\n", len(counts))
	fmt.Fprintf(w, "server-cpu %.3fs\n", cpu.Seconds())
	return w.Flush()
}

// isOwn says whether a question was about a customer's own names rather
// than the includes every customer shares.
func isOwn(name string) bool {
	name = strings.TrimSuffix(name, ".")
	return strings.HasSuffix(name, ".example") && strings.Contains(name, "cust") ||
		strings.HasSuffix(name, ".onmicrosoft.com") ||
		strings.HasSuffix(name, ".mail.protection.outlook.com")
}
