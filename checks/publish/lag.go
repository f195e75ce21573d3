package publish

import (
	"context"
	"strings"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
)

// Lag is an authoritative server that does not serve the update yet:
// the primary has it at once, a secondary after the primary's NOTIFY
// (RFC 1996) and its zone transfer (IXFR, RFC 1995), or, when the NOTIFY
// does not reach it, after the SOA's refresh interval.
type Lag struct {
	Nameserver string // NS name
	Addr       string // host:port asked
	Serial     uint32 // the serial it serves
	Want       uint32 // the primary's serial after the update
	Refresh    time.Duration
	Err        error // it did not answer
}

// Lagging asks every authoritative server of the zone for its SOA at
// once and returns those behind serial (compared as RFC 1982 serial
// numbers), or that do not answer.
func Lagging(ctx context.Context, c *dnsq.Client, z *dnsq.Zone, serial uint32) []Lag {
	var refresh time.Duration
	if z.SOA != nil {
		refresh = time.Duration(z.SOA.Refresh) * time.Second
	}
	var out []Lag
	for _, a := range c.AskAuthoritative(ctx, z, z.Name, dns.TypeSOA) {
		l := Lag{Nameserver: strings.TrimSuffix(a.Nameserver, "."), Addr: a.Addr, Want: serial, Refresh: refresh, Err: a.Err}
		if a.Err == nil && a.Result != nil {
			for _, rr := range a.Result.Records {
				if soa, ok := rr.(*dns.SOA); ok {
					l.Serial = soa.Serial
				}
			}
			if !serialBefore(l.Serial, serial) {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// serialBefore is RFC 1982 section 3.2's "s1 < s2" for 32-bit serials.
func serialBefore(s1, s2 uint32) bool {
	return s1 != s2 && int32(s2-s1) > 0
}

// Text words a lagging server for people.
func (l Lag) Text() checks.Text {
	who := l.Nameserver
	if who == "" {
		who = l.Addr
	}
	if l.Err != nil {
		return checks.T("publish.lag.silent", "%s did not answer for its serial: %s", who, dnsq.DescribeText(l.Err))
	}
	return checks.T("publish.lag", "%s still serves serial %d, the primary %d: the primary's NOTIFY and the zone transfer (IXFR) have not reached it yet; without a NOTIFY it asks again within the SOA refresh time of %s",
		who, l.Serial, l.Want, l.Refresh.String())
}
