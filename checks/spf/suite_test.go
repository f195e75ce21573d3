package spf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"gopkg.in/yaml.v3"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

// The openspf RFC 7208 test suite, run as data: each scenario's zone is
// served by a real DNS server on loopback and every case must give the
// expected result (and explanation, where the suite names one).

type suiteScenario struct {
	Description string                      `yaml:"description"`
	Tests       map[string]suiteCase        `yaml:"tests"`
	ZoneData    map[string][]map[string]any `yaml:"zonedata"`
}

type suiteCase struct {
	Description string `yaml:"description"`
	Spec        any    `yaml:"spec"`
	Helo        string `yaml:"helo"`
	Host        string `yaml:"host"`
	MailFrom    string `yaml:"mailfrom"`
	Result      any    `yaml:"result"` // a result or a list of acceptable ones
	Explanation string `yaml:"explanation"`
}

func loadSuite(t *testing.T) []suiteScenario {
	t.Helper()
	f, err := os.Open("testdata/rfc7208-tests.yml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var out []suiteScenario
	for {
		var s suiteScenario
		err := dec.Decode(&s)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
}

// escapeOwner writes a zone-data name in DNS presentation form, as the
// server sees query names (spaces and a few others are escaped).
func escapeOwner(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if strings.IndexByte(" '@;()\"\\", name[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	return dns.Fqdn(b.String())
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// txtStrings turns one record's text into DNS strings: raw bytes kept,
// backslashes escaped for miekg/dns, longer than 255 split.
func txtStrings(parts []string) []string {
	var out []string
	for _, p := range parts {
		p = strings.ReplaceAll(p, `\`, `\\`)
		for len(p) > 255 {
			out = append(out, p[:255])
			p = p[255:]
		}
		out = append(out, p)
	}
	return out
}

// serveZone loads a scenario's zone data into a fresh server. A name with
// only SPF-type records gets TXT copies, as the suite expects of drivers,
// unless it says "TXT: NONE". TIMEOUT leaves the name's empty types
// unanswered.
func serveZone(t *testing.T, zone map[string][]map[string]any) *dnstest.Server {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, ". 3600 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400")
	for name, records := range zone {
		owner := escapeOwner(name)
		hdr := func(rrtype uint16) dns.RR_Header {
			return dns.RR_Header{Name: owner, Rrtype: rrtype, Class: dns.ClassINET, Ttl: 300}
		}
		var txt, spf [][]string
		noTXT, timeout := false, false
		types := map[uint16]bool{}
		var rrs []dns.RR
		for _, rec := range records {
			for typ, val := range rec {
				switch typ {
				case "SPF":
					spf = append(spf, strs(val))
				case "TXT":
					if val == "NONE" {
						noTXT = true
					} else {
						txt = append(txt, strs(val))
					}
				case "TIMEOUT":
					timeout = true
				case "A":
					for _, a := range strs(val) {
						rrs = append(rrs, &dns.A{Hdr: hdr(dns.TypeA), A: net.ParseIP(a).To4()})
					}
				case "AAAA":
					for _, a := range strs(val) {
						rrs = append(rrs, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.ParseIP(a)})
					}
				case "MX":
					mx := strs(val)
					var pref uint16
					fmt.Sscan(mx[0], &pref)
					rrs = append(rrs, &dns.MX{Hdr: hdr(dns.TypeMX), Preference: pref, Mx: dns.Fqdn(mx[1])})
				case "PTR":
					rrs = append(rrs, &dns.PTR{Hdr: hdr(dns.TypePTR), Ptr: dns.Fqdn(fmt.Sprint(val))})
				case "CNAME":
					rrs = append(rrs, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: dns.Fqdn(fmt.Sprint(val))})
				default:
					t.Fatalf("zone data type %s not understood", typ)
				}
			}
		}
		if len(txt) == 0 && !noTXT {
			txt = spf
		}
		for _, parts := range txt {
			rrs = append(rrs, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: txtStrings(parts)})
		}
		for _, rr := range rrs {
			types[rr.Header().Rrtype] = true
			if err := srv.Add(rr.String()); err != nil {
				// Names with odd bytes do not survive the text form; add the
				// record itself.
				srv.AddRR(rr)
			}
		}
		if timeout {
			for _, qt := range []uint16{dns.TypeTXT, dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypePTR, dns.TypeCNAME} {
				if !types[qt] {
					srv.DropType(owner, qt)
				}
			}
		}
	}
	return srv
}

func TestRFC7208Suite(t *testing.T) {
	total, passed := 0, 0
	for _, sc := range loadSuite(t) {
		srv := serveZone(t, sc.ZoneData)
		ev := &Evaluator{
			Resolver: &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 100 * time.Millisecond},
			Receiver: "",
		}
		for name, tc := range sc.Tests {
			total++
			ip, err := netip.ParseAddr(tc.Host)
			if err != nil {
				t.Errorf("%s: bad host %q", name, tc.Host)
				continue
			}
			v := ev.CheckHost(context.Background(), ip, tc.MailFrom, tc.Helo)
			ok := false
			for _, want := range strs(tc.Result) {
				if string(v.Result) == want {
					ok = true
				}
			}
			if ok && tc.Explanation != "" && tc.Explanation != "DEFAULT" && v.Result == Fail && v.Explanation != tc.Explanation {
				ok = false
			}
			if !ok {
				t.Errorf("%s / %s (spec %v): got %s (%s), explanation %q; want %v, explanation %q\n  %s",
					sc.Description, name, tc.Spec, v.Result, v.Problem, v.Explanation, tc.Result, tc.Explanation, strings.TrimSpace(tc.Description))
				continue
			}
			passed++
		}
	}
	t.Logf("openspf RFC 7208 suite: %d of %d cases pass", passed, total)
	if total != 203 {
		t.Errorf("the suite has %d cases, want 203: the file changed", total)
	}
}
