package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/poll"
	"mailwizard/checks/publish"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// publishPollInterval is the rhythm of the watch after publishing: a
// secondary has the update within a second or two of its NOTIFY.
var publishPollInterval = time.Second

// printPlan shows what the update does to each record, then the update
// itself as nsupdate input, the secret left out.
func (e *env) printPlan(plan *publish.Plan, key publish.Key) {
	fmt.Fprintln(e.Out, e.tr.X("cmd.publish.plan", "The records for %s, on the primary %s:", strings.TrimSuffix(plan.Zone.Name, "."), plan.Primary))
	for _, l := range wizard.PlanLines(plan) {
		indent := "  "
		if l.Detail {
			indent = "    "
		}
		fmt.Fprintln(e.Out, indent+e.tr.Text(l.Text))
	}
	if !plan.Pending() {
		fmt.Fprintln(e.Out, e.tr.X("cmd.publish.nothing", "Every record is on the primary already: there is nothing to send."))
		return
	}
	fmt.Fprintln(e.Out, e.tr.X("cmd.publish.update", "The update, as nsupdate input (the secret is not shown):"))
	for _, line := range strings.Split(strings.TrimSuffix(publish.Nsupdate(plan, key), "\n"), "\n") {
		fmt.Fprintln(e.Out, "  "+line)
	}
}

// printPublished says the primary took the update.
func (e *env) printPublished(res *publish.Result) {
	if res.Sent == 0 {
		return
	}
	fmt.Fprintln(e.Out, e.tr.X("cmd.publish.sent", "%s took the update: %d record(s), in %s (zone serial %d). Now every name server is asked for them.",
		res.Primary, res.Sent, res.Took.Round(time.Millisecond), res.Serial))
}

// watchPublished polls every authoritative server at once after the
// update, says when each has every record, and names a secondary that
// lags with the serials of both. It reports whether every server had
// every record in the end.
func (e *env) watchPublished(ctx context.Context, env *wizard.Env, plan *publish.Plan, res *publish.Result, records []wizard.Record) bool {
	w := newArrivals(plan, res)
	var last poll.Event
	for ev := range poll.Poll(ctx, env.DNS, plan.Zone, wizard.Wants(env.DNS, records), poll.Options{Interval: publishPollInterval}) {
		last = ev
		for _, line := range w.round(ctx, env.DNS, ev, e.tr) {
			fmt.Fprintln(e.Out, "  "+line)
		}
	}
	if last.Done {
		fmt.Fprintln(e.Out, e.tr.X("cmd.publish.everywhere", "Every authoritative server has every record, %s after publishing.", last.Elapsed.Round(10*time.Millisecond)))
		if by := wizard.CachesSeeBy(last); !by.IsZero() {
			fmt.Fprintln(e.Out, e.tr.X("setup.caches", "Resolvers that asked before you published remember \"no such record\" until %s (the zone's negative TTL); mail checked before then may still fail.", by.Local().Format("15:04")))
		}
		return true
	}
	fmt.Fprintln(e.Out, e.tr.X("cmd.publish.not_everywhere", "Not every name server had every record after %s; mailwizard poll waits longer.", publishWait))
	return false
}

// arrivals follows, round by round, which authoritative server has every
// record and which lags behind the primary.
type arrivals struct {
	zone   *dnsq.Zone
	serial uint32
	seen   map[string]bool   // server address -> has every record
	lag    map[string]string // server address -> the lag last said
}

func newArrivals(plan *publish.Plan, res *publish.Result) *arrivals {
	return &arrivals{zone: plan.Zone, serial: res.Serial, seen: map[string]bool{}, lag: map[string]string{}}
}

// round returns the lines this round adds: a server that now has every
// record (with the time since publishing), and a server behind the
// primary's serial, said once for each serial it is at.
func (a *arrivals) round(ctx context.Context, c *dnsq.Client, ev poll.Event, tr *i18n.Translator) []string {
	all := map[string]bool{}
	names := map[string]string{}
	var order []string
	for _, rec := range ev.Records {
		for _, s := range rec.Authoritative {
			if _, ok := all[s.Server]; !ok {
				all[s.Server] = true
				order = append(order, s.Server)
				names[s.Server] = strings.TrimSuffix(serverName(s), ".")
			}
			if s.State != poll.Seen {
				all[s.Server] = false
			}
		}
	}
	var lines []string
	behind := false
	for _, srv := range order {
		if all[srv] && !a.seen[srv] {
			a.seen[srv] = true
			lines = append(lines, tr.X("cmd.publish.arrived", "%s has every record, %s after publishing", names[srv], ev.Elapsed.Round(10*time.Millisecond)))
		}
		behind = behind || !all[srv]
	}
	if !behind || a.serial == 0 {
		return lines
	}
	for _, l := range publish.Lagging(ctx, c, a.zone, a.serial) {
		said := tr.Text(l.Text())
		if a.lag[l.Addr] != said {
			a.lag[l.Addr] = said
			lines = append(lines, said)
		}
	}
	return lines
}
