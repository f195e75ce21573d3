// Package smtptest runs real SMTP servers on loopback for tests: a
// go-smtp server with STARTTLS or implicit TLS and AUTH PLAIN and LOGIN,
// certificates from a test CA made in the test (valid, expired, for
// another name, self-signed), and a scripted peer for faults a real
// server will not show on demand (no greeting, a hang, a dropped DATA).
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// CA is a certificate authority made for one test run.
type CA struct {
	Pool *x509.CertPool
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA makes a CA whose certificate is in Pool.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailwizard test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{Pool: pool, cert: cert, key: key}
}

// Issue makes a server certificate for names (host names or IPs), valid
// from notBefore to notAfter. Self-signed when ca is nil.
func Issue(t testing.TB, ca *CA, names []string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Valid is a certificate for names valid for a day around now.
func (ca *CA) Valid(t testing.TB, names ...string) tls.Certificate {
	return Issue(t, ca, names, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
}

// Expired is a certificate for names that expired yesterday.
func (ca *CA) Expired(t testing.TB, names ...string) tls.Certificate {
	return Issue(t, ca, names, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
}

// NotACA treats a server certificate as an issuer, which it may not be:
// certificates it issues make the chain fault Go reports as "parent
// certificate cannot sign this kind of certificate".
func NotACA(t testing.TB, server tls.Certificate) *CA {
	t.Helper()
	leaf, err := x509.ParseCertificate(server.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return &CA{cert: leaf, key: server.PrivateKey.(*ecdsa.PrivateKey)}
}
