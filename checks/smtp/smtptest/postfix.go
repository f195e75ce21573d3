package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Postfix is a private instance of Debian's Postfix on loopback, for the
// tests where a real relay's replies matter: most customers' own servers
// run it, and its words ("454 4.7.0 TLS not available due to local
// problem", "554 5.7.1 Relay access denied") are what the explanations
// must read right. It runs as root with its own configuration, queue and
// log in a temporary directory, and never touches /etc/postfix.
type Postfix struct {
	Dir   string
	Ports map[string]int // service name -> port on 127.0.0.1
}

// PostfixService is one smtpd listener with its -o overrides of main.cf.
type PostfixService struct {
	Name    string
	Options map[string]string
}

// PostfixCert writes cert and key for smtpd_tls_chain_files.
func PostfixCert(t testing.TB, dir string, cert tls.Certificate) string {
	t.Helper()
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})
	for _, der := range cert.Certificate {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	path := filepath.Join(dir, "chain-"+strconv.Itoa(len(cert.Certificate[0]))+".pem")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// StartPostfix starts Postfix with main (main.cf settings added to a
// minimal relay that accepts nothing for delivery) and one smtpd per
// service, and stops it when the test ends. Without root it skips; when
// Postfix is missing it fails (make test installs it).
func StartPostfix(t testing.TB, main map[string]string, services ...PostfixService) *Postfix {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("Postfix runs as root; run make test as root")
	}
	if _, err := exec.LookPath("postfix"); err != nil {
		if _, err := os.Stat("/usr/sbin/sendmail"); err == nil {
			// scripts/deps.sh does not replace a machine's own mail server.
			t.Skip("postfix is not installed because this machine has another mail server; the Postfix tests run where there is none (CI, scripts/fresh-machine.sh)")
		}
		t.Fatal("postfix is not installed: run scripts/deps.sh test (Debian's postfix package)")
	}
	pfUser, err := user.Lookup("postfix")
	if err != nil {
		t.Fatalf("no postfix user: %v", err)
	}
	uid, _ := strconv.Atoi(pfUser.Uid)
	// Postfix's daemons run as the postfix user and must reach the queue:
	// a directory of our own, not t.TempDir (mode 0700).
	dir, err := os.MkdirTemp("", "mailwizard-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	p := &Postfix{Dir: dir, Ports: map[string]int{}}
	for _, sub := range []string{"conf", "queue", "data"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	os.Chown(filepath.Join(dir, "data"), uid, -1)

	cf := map[string]string{
		"compatibility_level":   "3.6",
		"queue_directory":       filepath.Join(dir, "queue"),
		"data_directory":        filepath.Join(dir, "data"),
		"maillog_file":          filepath.Join(dir, "maillog"),
		"maillog_file_prefixes": dir,
		"myhostname":            "mx.postfix.test",
		"mydestination":         "",
		"alias_maps":            "",
		"alias_database":        "",
		"inet_protocols":        "ipv4",
		"inet_interfaces":       "loopback-only",
		"mynetworks":            "192.0.2.0/24", // not us: relaying is refused
	}
	for k, v := range main {
		cf[k] = v
	}
	var mainCF strings.Builder
	for k, v := range cf {
		fmt.Fprintf(&mainCF, "%s = %s\n", k, v)
	}
	var masterCF strings.Builder
	for _, s := range services {
		port := freePort(t)
		p.Ports[s.Name] = port
		fmt.Fprintf(&masterCF, "127.0.0.1:%d inet n - n - - smtpd\n", port)
		for k, v := range s.Options {
			fmt.Fprintf(&masterCF, "  -o %s=%s\n", k, v)
		}
	}
	masterCF.WriteString(postfixDaemons)
	os.WriteFile(filepath.Join(dir, "conf", "main.cf"), []byte(mainCF.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "conf", "master.cf"), []byte(masterCF.String()), 0o644)

	conf := filepath.Join(dir, "conf")
	t.Cleanup(func() {
		exec.Command("postfix", "-c", conf, "stop").Run()
		for range 50 {
			if exec.Command("postfix", "-c", conf, "status").Run() != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		os.RemoveAll(dir)
	})
	if out, err := exec.Command("postfix", "-c", conf, "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "maillog"))
		t.Fatalf("starting Postfix: %v %s\n%s", err, out, log)
	}
	for _, port := range p.Ports {
		waitListening(t, port, filepath.Join(dir, "maillog"))
	}
	return p
}

// Log is what Postfix logged, for failure messages.
func (p *Postfix) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "maillog"))
	return string(b)
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t testing.TB, port int, logFile string) {
	t.Helper()
	for range 100 {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logFile)
	t.Fatalf("Postfix does not listen on port %d:\n%s", port, log)
}

// postfixDaemons are the internal services an smtpd needs (Debian's
// master.cf, without chroot, and postlogd for maillog_file).
const postfixDaemons = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`
