package smtp

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/smtp/smtptest"
	"mailwizard/transports"
)

// TestDetect serves a domain whose SRV record names smtp.example.nl:587,
// with implicit TLS on 465 as well, and a mail.example.nl that accepts
// connections but never greets. Real ports need root; elsewhere it skips.
func TestDetect(t *testing.T) {
	ca := smtptest.NewCA(t)
	cert := ca.Valid(t, "smtp.example.nl")
	bad := smtptest.Issue(t, nil, []string{"mail.example.nl"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	for _, s := range []struct {
		addr string
		opts smtptest.Options
	}{
		{"127.0.0.10:465", smtptest.Options{Cert: &cert, Implicit: true, Users: users}},
		{"127.0.0.10:587", smtptest.Options{Cert: &cert, Users: users}},
		{"127.0.0.11:2525", smtptest.Options{Cert: &bad, Users: users}},
	} {
		srv, err := smtptest.Listen(s.addr, s.opts)
		if err != nil {
			t.Skipf("cannot bind %s (needs root): %v", s.addr, err)
		}
		t.Cleanup(srv.Close)
	}
	if _, err := smtptest.ScriptedAt(t, "127.0.0.11:587", func(p *smtptest.Peer) { p.Line() }); err != nil {
		t.Skip(err)
	}
	dnsSrv := dnstest.Start(t, "127.0.0.1:0")
	dnsSrv.MustAddZone(t, `
$ORIGIN example.nl.
@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
_submission._tcp 300 IN SRV 0 1 587 smtp.example.nl.
_submissions._tcp 300 IN SRV 0 1 0 .
smtp 300 IN A 127.0.0.10
mail 300 IN A 127.0.0.11
`)
	r := &dnsq.Client{Servers: []string{dnsSrv.Addr}, Timeout: time.Second}
	d := &ResolvingDialer{Resolver: r}
	start := time.Now()
	det := Detect(context.Background(), d, r, "example.nl", 700*time.Millisecond, ca.Pool)
	took := time.Since(start)
	if det.Best == nil || det.Best.Host != "smtp.example.nl" || det.Best.Port != 587 || !det.Best.CertValid || det.Best.Source != "SRV _submission._tcp.example.nl" {
		t.Fatalf("best %+v\n%+v", det.Best, det.Probes)
	}
	if p := det.Probes[1]; p.Port != 465 || !p.Encrypted || !p.CertValid {
		t.Errorf("second %+v", p)
	}
	byAddr := map[string]Probe{}
	for _, p := range det.Probes {
		byAddr[net.JoinHostPort(p.Host, strconv.Itoa(p.Port))] = p
	}
	if p := byAddr["mail.example.nl:2525"]; !p.Works || !p.Encrypted || p.CertValid {
		t.Errorf("a self-signed server should work but not verify: %+v", p)
	}
	if p := byAddr["mail.example.nl:587"]; p.Works || p.Code != "smtp.greeting-timeout" {
		t.Errorf("a silent server: %+v", p)
	}
	// All probes run at once: the whole is about the slowest one (the
	// silent server's 700 ms), far below the sum of the timeouts.
	if took > 3*time.Second {
		t.Errorf("detection took %v", took)
	}
	if len(det.Probes) != 8 { // smtp. and mail. on 465, 587, 25, 2525
		t.Errorf("%d probes: %+v", len(det.Probes), det.Probes)
	}
}

// BenchmarkDetectThreePorts probes two working servers and a silent one:
// the total is about the silent probe's timeout, not the sum.
func BenchmarkDetectThreePorts(b *testing.B) {
	ca := smtptest.NewCA(b)
	cert := ca.Valid(b, "127.0.0.1")
	a := smtptest.Start(b, smtptest.Options{Cert: &cert, Implicit: true})
	c := smtptest.Start(b, smtptest.Options{Cert: &cert})
	silent := smtptest.Scripted(b, func(p *smtptest.Peer) { p.Line() })
	cands := []Candidate{}
	for _, x := range []struct {
		addr string
		enc  transports.Encryption
	}{{a.Addr, transports.EncryptTLS}, {c.Addr, transports.EncryptSTARTTLS}, {silent, transports.EncryptSTARTTLS}} {
		host, port, _ := net.SplitHostPort(x.addr)
		p, _ := strconv.Atoi(port)
		cands = append(cands, Candidate{Host: host, Port: p, Encryption: x.enc})
	}
	for b.Loop() {
		probes := ProbeAll(context.Background(), &net.Dialer{}, cands, 500*time.Millisecond, ca.Pool)
		if !probes[0].Works || probes[2].Works {
			b.Fatalf("%+v", probes)
		}
	}
}
