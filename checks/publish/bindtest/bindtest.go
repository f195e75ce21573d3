// Package bindtest runs BIND 9 (Debian's bind9) for tests: a real
// primary that takes dynamic updates (RFC 2136) signed with TSIG keys
// (RFC 8945) under an update-policy, and secondaries that it notifies
// (RFC 1996) and that transfer the zone from it (IXFR, RFC 1995), all on
// 127.0.0.1 with free ports. BIND listens only on the addresses of
// interfaces, so every server uses 127.0.0.1 and its own port, not
// 127.0.0.2 and up as checks/dnsq/dnstest does.
//
// notify-delay is 0: a primary sends a NOTIFY when it loads the zone and
// then holds back the next for notify-delay (5 s by default); a real
// server loaded its zone long before the admin publishes, a test's
// publishes within a second, and would measure that timer instead.
//
// named runs in the foreground (-g) in a test's temporary directory and
// is stopped when the test ends; a test on a machine without BIND is
// skipped with what to install.
package bindtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Key is a TSIG key as named.conf declares it.
type Key struct {
	Name      string // "mailwizard"
	Algorithm string // "hmac-sha256"
	Secret    string // base64
}

// NewKey makes a key with a random 32-byte secret, as tsig-keygen does.
func NewKey(name, algorithm string) Key {
	b := make([]byte, 32)
	rand.Read(b)
	return Key{Name: name, Algorithm: algorithm, Secret: base64.StdEncoding.EncodeToString(b)}
}

// Zone is one zone a server serves.
type Zone struct {
	Name string // "example.nl"
	// Text is the zone file of a primary ($ORIGIN and relative names work).
	Text string
	// Policy are the update-policy rules of a primary, each ending in a
	// semicolon: "grant mailwizard zonesub ANY;". None: no updates.
	Policy []string
	// Notify are the secondaries a primary notifies: "127.0.0.1 port 5301".
	Notify []string
	// Primary makes the zone a secondary of this server ("127.0.0.1 port 5300").
	Primary string
}

// Config is one named instance.
type Config struct {
	Port  string // "" for a free one
	Keys  []Key
	Zones []Zone
}

// Server is a running named.
type Server struct {
	Addr string // 127.0.0.1:port, UDP and TCP
	Port string
	Dir  string

	cmd  *exec.Cmd
	done chan struct{}
	log  *lockedBuffer
}

// Named is the path of named, or an error saying what to install.
func Named() (string, error) {
	for _, p := range []string{"named", "/usr/sbin/named"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", errors.New("BIND 9 (named) is not installed: apt-get install bind9 (scripts/deps.sh test installs it)")
}

// Start runs named with cfg until the test ends, and waits until it
// serves every zone (a secondary: until it has transferred it). Without
// named the test is skipped.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	named, err := Named()
	if err != nil {
		t.Skip(err)
	}
	if cfg.Port == "" {
		cfg.Port = FreePort(t)
	}
	s := &Server{Port: cfg.Port, Addr: net.JoinHostPort("127.0.0.1", cfg.Port), Dir: t.TempDir(),
		done: make(chan struct{}), log: &lockedBuffer{}}
	conf, err := s.writeConfig(cfg)
	if err != nil {
		t.Fatalf("bindtest: %v", err)
	}
	// -g: foreground, log to standard error; no -u, so the files of the
	// temporary directory stay readable (as root named keeps root's rights).
	s.cmd = exec.Command(named, "-g", "-c", conf)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("bindtest: starting named: %v", err)
	}
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("named on %s logged, at the end:\n%s", s.Addr, s.tail(25))
		}
	})
	for _, z := range cfg.Zones {
		if err := s.waitFor(z.Name, 15*time.Second); err != nil {
			t.Fatalf("bindtest: %v\nnamed logged, at the end:\n%s", err, s.tail(25))
		}
	}
	return s
}

// Pair starts a primary of zone, with keys, that notifies a secondary
// it starts too: the two authoritative servers of a customer's zone.
func Pair(t testing.TB, keys []Key, zone Zone) (primary, secondary *Server) {
	t.Helper()
	port := FreePort(t)
	zone.Notify = append(zone.Notify, "127.0.0.1 port "+port)
	primary = Start(t, Config{Keys: keys, Zones: []Zone{zone}})
	secondary = Start(t, Config{Port: port, Zones: []Zone{{Name: zone.Name, Primary: "127.0.0.1 port " + primary.Port}}})
	return primary, secondary
}

// Stop ends named: SIGTERM, then SIGKILL if it has not exited in 5 s.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// Log is what named wrote so far.
func (s *Server) Log() string { return s.log.String() }

// tail is the last n lines of the log: the part after its banner.
func (s *Server) tail(n int) string {
	lines := strings.Split(strings.TrimRight(s.Log(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (s *Server) writeConfig(cfg Config) (string, error) {
	var b strings.Builder
	for _, k := range cfg.Keys {
		fmt.Fprintf(&b, "key %q {\n\talgorithm %s;\n\tsecret %q;\n};\n", k.Name, k.Algorithm, k.Secret)
	}
	fmt.Fprintf(&b, `options {
	directory %[1]q;
	pid-file %[2]q;
	session-keyfile %[3]q;
	managed-keys-directory %[1]q;
	listen-on port %[4]s { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify explicit;
	notify-delay 0;
	allow-notify { 127.0.0.1; };
	allow-transfer { 127.0.0.1; };
};
controls { };
`, s.Dir, filepath.Join(s.Dir, "named.pid"), filepath.Join(s.Dir, "session.key"), cfg.Port)
	for i, z := range cfg.Zones {
		file := filepath.Join(s.Dir, fmt.Sprintf("zone%d.db", i))
		fmt.Fprintf(&b, "zone %q {\n", z.Name)
		if z.Primary != "" {
			fmt.Fprintf(&b, "\ttype secondary;\n\tprimaries { %s; };\n\tfile %q;\n", z.Primary, file)
		} else {
			if err := os.WriteFile(file, []byte(z.Text), 0o644); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "\ttype primary;\n\tfile %q;\n", file)
			if len(z.Policy) > 0 {
				fmt.Fprintf(&b, "\tupdate-policy {\n\t\t%s\n\t};\n", strings.Join(z.Policy, "\n\t\t"))
			}
			if len(z.Notify) > 0 {
				fmt.Fprintf(&b, "\talso-notify { %s; };\n", strings.Join(z.Notify, "; "))
			}
		}
		b.WriteString("};\n")
	}
	conf := filepath.Join(s.Dir, "named.conf")
	return conf, os.WriteFile(conf, []byte(b.String()), 0o644)
}

// waitFor asks for the zone's SOA until named answers it with authority.
func (s *Server) waitFor(zone string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("named exited before serving %s", zone)
		default:
		}
		if r, err := s.Ask(zone, dns.TypeSOA); err == nil && r.Rcode == dns.RcodeSuccess && r.Authoritative && len(r.Answer) > 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("named did not serve %s within %v", zone, limit)
}

// Ask asks named one question over TCP, recursion off, as the tests
// read back what an update did.
func (s *Server) Ask(name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = false
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r, _, err := (&dns.Client{Net: "tcp", Timeout: 2 * time.Second}).ExchangeContext(ctx, m, s.Addr)
	return r, err
}

// TXT returns the TXT records at name, each as its strings, exactly as
// served.
func (s *Server) TXT(t testing.TB, name string) [][]string {
	t.Helper()
	r, err := s.Ask(name, dns.TypeTXT)
	if err != nil {
		t.Fatalf("bindtest: asking %s TXT: %v", name, err)
	}
	var out [][]string
	for _, rr := range r.Answer {
		if txt, ok := rr.(*dns.TXT); ok {
			out = append(out, txt.Txt)
		}
	}
	return out
}

// Serial is the zone's SOA serial as named serves it now.
func (s *Server) Serial(t testing.TB, zone string) uint32 {
	t.Helper()
	r, err := s.Ask(zone, dns.TypeSOA)
	if err != nil || len(r.Answer) == 0 {
		t.Fatalf("bindtest: asking %s SOA: %v", zone, err)
	}
	return r.Answer[0].(*dns.SOA).Serial
}

// FreePort returns a port free on 127.0.0.1 for both UDP and TCP, for a
// server whose port must be known before it starts (a secondary that a
// primary notifies).
func FreePort(t testing.TB) string {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		pc, err := net.ListenPacket("udp", addr)
		l.Close()
		if err != nil {
			continue
		}
		pc.Close()
		_, port, _ := net.SplitHostPort(addr)
		return port
	}
	t.Fatal("bindtest: no free port on 127.0.0.1")
	return ""
}

// lockedBuffer collects named's output while a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
