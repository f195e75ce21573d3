package spf

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/spf/spftest"
)

// The openspf RFC 7208 test suite, run as data: each scenario's zone is
// served by a real DNS server on loopback and every case must give the
// expected result (and explanation, where the suite names one).
func TestRFC7208Suite(t *testing.T) {
	spftest.Run(t, func(server string, c spftest.Case) spftest.Verdict {
		ip, err := netip.ParseAddr(c.Host)
		if err != nil {
			return spftest.Verdict{Problem: "bad host " + c.Host}
		}
		ev := &Evaluator{Resolver: &dnsq.Client{Servers: []string{server}, Timeout: 100 * time.Millisecond}}
		v := ev.CheckHost(context.Background(), ip, c.MailFrom, c.Helo)
		return spftest.Verdict{Result: string(v.Result), Explanation: v.Explanation, Problem: v.Problem}
	})
}
