package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/spf/spftest"
)

// The openspf RFC 7208 test suite, run as data: each scenario's zone is
// served by a real DNS server on loopback and every case must give the
// expected result (and explanation, where the suite names one).

func TestRFC7208Suite(t *testing.T) {
	total, passed := 0, 0
	for _, sc := range spftest.Load(t) {
		srv := spftest.Serve(t, sc.ZoneData)
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
			for _, want := range tc.Results() {
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
	if total != spftest.Cases {
		t.Errorf("the suite has %d cases, want 203: the file changed", total)
	}
}
