// Package spftest serves the openspf RFC 7208 test suite (release
// 2014.04, BSD licence, see README.md) for tests: its scenarios as data,
// and each scenario's zone on a real DNS server on loopback. The SPF
// evaluator's own tests and the command line's both run it, so a case
// that the evaluator passes but the command line refuses shows up.
package spftest

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"gopkg.in/yaml.v3"

	"mailwizard/checks/dnsq/dnstest"
)

//go:embed rfc7208-tests.yml
var suite []byte

// Cases is the number of test cases in the suite.
const Cases = 203

// Scenario is one group of cases sharing a zone.
type Scenario struct {
	Description string                      `yaml:"description"`
	Tests       map[string]Case             `yaml:"tests"`
	ZoneData    map[string][]map[string]any `yaml:"zonedata"`
}

// Case is one evaluation and its expected result.
type Case struct {
	Description string `yaml:"description"`
	Spec        any    `yaml:"spec"`
	Helo        string `yaml:"helo"`
	Host        string `yaml:"host"`
	MailFrom    string `yaml:"mailfrom"`
	Result      any    `yaml:"result"` // a result or a list of acceptable ones
	Explanation string `yaml:"explanation"`
}

// Results are the acceptable results of the case.
func (c Case) Results() []string { return strs(c.Result) }

// Load returns the suite's scenarios.
func Load(t testing.TB) []Scenario {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(suite))
	var out []Scenario
	for {
		var s Scenario
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

// TXTStrings turns one record's text into DNS strings: raw bytes kept,
// backslashes escaped for miekg/dns, longer than 255 split.
func TXTStrings(parts []string) []string {
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

// Serve loads a scenario's zone data into a fresh server. A name with
// only SPF-type records gets TXT copies, as the suite expects of drivers,
// unless it says "TXT: NONE". TIMEOUT leaves the name's empty types
// unanswered.
func Serve(t testing.TB, zone map[string][]map[string]any) *dnstest.Server {
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
			rrs = append(rrs, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: TXTStrings(parts)})
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

// Verdict is what an evaluation of a case gave.
type Verdict struct {
	Result      string
	Explanation string // from exp= on fail
	Problem     string // why, for the failure message
}

// Run evaluates every case of the suite with eval, given the address of
// the DNS server that serves the case's zone, and fails t for each case
// whose result the suite does not allow (or whose explanation differs,
// where the suite names one). It logs the count.
func Run(t *testing.T, eval func(server string, c Case) Verdict) {
	t.Helper()
	total, passed := 0, 0
	for _, sc := range Load(t) {
		srv := Serve(t, sc.ZoneData)
		for name, c := range sc.Tests {
			total++
			v := eval(srv.Addr, c)
			ok := false
			for _, want := range c.Results() {
				ok = ok || v.Result == want
			}
			if ok && c.Explanation != "" && c.Explanation != "DEFAULT" && v.Result == "fail" && v.Explanation != c.Explanation {
				ok = false
			}
			if !ok {
				t.Errorf("%s / %s (spec %v): got %s (%s), explanation %q; want %v, explanation %q\n  %s",
					sc.Description, name, c.Spec, v.Result, v.Problem, v.Explanation, c.Result, c.Explanation, strings.TrimSpace(c.Description))
				continue
			}
			passed++
		}
	}
	t.Logf("openspf RFC 7208 suite: %d of %d cases pass", passed, total)
	if total != Cases {
		t.Errorf("the suite has %d cases, want %d: the file changed", total, Cases)
	}
}
