//go:build linux

// Command polllatency measures how soon mailwizard's poll sees a newly
// published record, against how soon a caching resolver that already
// answered "no such record" does.
//
// It serves a zone from a dnstest server on 127.0.0.8, starts Debian's
// unbound on loopback with that zone as a stub zone, asks unbound for a
// record that does not exist yet (unbound caches the NXDOMAIN for the
// zone's negative TTL), starts the poll, publishes the record just after
// the poll's first round (the worst moment: a whole interval to wait), and
// then times (a) the poll, which asks the authoritative server directly,
// and (b) asking unbound every 100 ms, until each sees it. Run by
// bench/run.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dkim"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/poll"
)

func main() {
	interval := flag.Duration("interval", 5*time.Second, "poll interval (the wizard's default is 5s)")
	negTTL := flag.Int("negative-ttl", 60, "the zone's negative TTL in seconds (SOA minimum)")
	flag.Parse()
	if err := run(*interval, *negTTL); err != nil {
		fmt.Fprintln(os.Stderr, "polllatency:", err)
		os.Exit(1)
	}
}

func run(interval time.Duration, negTTL int) error {
	auth, err := dnstest.Listen("127.0.0.8:0")
	if err != nil {
		return err
	}
	defer auth.Close()
	_, authPort, _ := splitPort(auth.Addr)
	zone := fmt.Sprintf(`
$ORIGIN latency.mailwizard-bench.
@   3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 %d
@   3600 IN NS ns1
ns1 3600 IN A 127.0.0.8
`, negTTL)
	if err := auth.AddZone(zone); err != nil {
		return err
	}
	unboundAddr, stop, err := startUnbound(auth.Addr)
	if err != nil {
		return err
	}
	defer stop()

	name := "clockwise._domainkey.latency.mailwizard-bench"
	value := "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	c := &dnsq.Client{Servers: []string{unboundAddr}, AuthPort: authPort, Timeout: 5 * time.Second}
	ctx := context.Background()
	// Warm unbound's negative cache, as the admin's first check would.
	if r, err := c.Lookup(ctx, name, dns.TypeTXT); err != nil || r.Outcome != dnsq.NXDomain {
		return fmt.Errorf("unbound should answer NXDOMAIN first: %v %v", r, err)
	}
	zoneInfo, err := c.FindZone(ctx, "latency.mailwizard-bench")
	if err != nil {
		return err
	}
	var published time.Time
	resolverSeen := make(chan time.Duration, 1)
	watchResolver := func() {
		for {
			r, err := c.LookupVia(ctx, unboundAddr, name, dns.TypeTXT)
			if err == nil && r.Outcome == dnsq.Answer {
				resolverSeen <- time.Since(published)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	var pollLatency time.Duration
	want := []poll.Want{{Label: "DKIM", Name: name, Type: dns.TypeTXT, Judge: poll.DKIMKey(dkim.Expect{Selector: "bench", Value: value})}}
	pctx, cancel := context.WithTimeout(ctx, time.Duration(negTTL)*time.Second+time.Minute)
	defer cancel()
	for ev := range poll.Poll(pctx, c, zoneInfo, want, poll.Options{Interval: interval}) {
		if ev.Round == 1 {
			if ev.Done {
				return fmt.Errorf("the record was there before it was published")
			}
			published = time.Now()
			if err := auth.Add(fmt.Sprintf(`%s. 300 IN TXT "%s"`, name, value)); err != nil {
				return err
			}
			go watchResolver()
		}
		if ev.Done {
			pollLatency = time.Since(published)
		}
	}
	if pollLatency == 0 {
		return fmt.Errorf("the poll never saw the record")
	}
	resolverLatency := <-resolverSeen
	fmt.Printf("| poll interval | negative TTL | poll sees it after | unbound sees it after | poll is sooner by |\n")
	fmt.Printf("|---|---|---|---|---|\n")
	fmt.Printf("| %s | %ds | %s | %s | %.0f× |\n", interval, negTTL, pollLatency.Round(time.Millisecond),
		resolverLatency.Round(time.Millisecond), resolverLatency.Seconds()/pollLatency.Seconds())
	return nil
}

func splitPort(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no port in %s", addr)
}

// startUnbound runs unbound in the foreground on 127.0.0.1:5399 with the
// test zone as a stub zone pointing at the authoritative server.
func startUnbound(authAddr string) (string, func(), error) {
	bin, err := exec.LookPath("unbound")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/unbound"); statErr != nil {
			return "", nil, fmt.Errorf("unbound is not installed (bench/run.sh installs it): %w", err)
		}
		bin = "/usr/sbin/unbound"
	}
	dir, err := os.MkdirTemp("", "polllatency")
	if err != nil {
		return "", nil, err
	}
	host, port, _ := splitPort(authAddr)
	free, err := net.ListenPacket("udp", "127.0.0.1:0") // a free port for unbound
	if err != nil {
		return "", nil, err
	}
	addr := free.LocalAddr().String()
	free.Close()
	_, ubPort, _ := splitPort(addr)
	conf := fmt.Sprintf(`server:
	interface: 127.0.0.1@%s
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	do-daemonize: no
	chroot: ""
	username: ""
	directory: %q
	pidfile: ""
	use-syslog: no
	logfile: ""
	verbosity: 0
	module-config: "iterator"
	# No SO_REUSEPORT: a leftover unbound on the same port would otherwise
	# silently receive half the queries; now the port conflict is an error.
	num-threads: 1
	so-reuseport: no
	harden-referral-path: no
	qname-minimisation: no
	# test. is one of unbound's built-in local zones (RFC 6761); let it be
	# resolved through the stub like any other zone.
	local-zone: "test." nodefault
stub-zone:
	name: "latency.mailwizard-bench"
	stub-addr: %s@%s
`, ubPort, dir, host, port)
	cfgPath := filepath.Join(dir, "unbound.conf")
	if err := os.WriteFile(cfgPath, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(context.Background(), bin, "-d", "-c", cfgPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive us
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	// Wait until it answers.
	c := &dnsq.Client{Servers: []string{addr}, Timeout: 200 * time.Millisecond}
	for range 50 {
		if _, err := c.Lookup(context.Background(), "ns1.latency.mailwizard-bench", dns.TypeA); err == nil {
			return addr, stop, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("unbound did not start answering on %s", addr)
}
