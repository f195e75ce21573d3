package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/poll"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

func buildPoll(fs *flag.FlagSet, e *env) func([]string) int {
	providerFlag := fs.String("provider", "", "provider profile `P`")
	selector := fs.String("selector", "", "DKIM `selector` to wait for")
	expect := fs.String("expect-dkim", "", "the DKIM TXT `value` that must appear")
	interval := fs.Duration("interval", 5*time.Second, "time between rounds (60s after 10 minutes)")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long (exit 1)")
	asJSON := fs.Bool("json", false, "print one JSON event a line")
	return func(args []string) int {
		err := firstError(argCount(args, 1, "DOMAIN"), required("provider", *providerFlag), noControl("expect-dkim", *expect),
			positiveDuration("interval", *interval, time.Hour), positiveDuration("timeout", *timeout, 48*time.Hour))
		var domain, sel string
		var provider *transports.Provider
		if err == nil {
			domain, err = transports.NormalizeDomain(args[0])
			err = named("DOMAIN", err)
		}
		if err == nil && *selector != "" {
			sel, err = transports.NormalizeSelector(*selector)
			err = named("--selector", err)
		}
		if err == nil {
			provider, err = transports.LoadProvider(*providerFlag)
			err = named("--provider", err)
		}
		if err != nil {
			return e.usage("poll", err)
		}
		records := wizard.Records(provider, domain, dnsq.OrgDomain(domain), wizard.SPFRecord{}, keysToPoll(provider, sel, *expect))
		if len(records) == 0 {
			return e.usage("poll", fmt.Errorf("%s asks for no DNS records; give --selector for a DKIM key", provider.Name))
		}
		c, err := e.resolver()
		if err != nil {
			return e.fail("poll", ExitTemporary, err)
		}
		wants := wizard.Wants(c, records)
		ctx, cancel := context.WithTimeout(e.ctx, *timeout)
		defer cancel()
		zone, err := c.FindZone(ctx, domain)
		if err != nil {
			return e.fail("poll", ExitTemporary, err)
		}
		if !*asJSON {
			where := e.tr.X("cmd.poll.where", "the %d name server(s) of %s", len(zone.Nameservers), strings.TrimSuffix(zone.Name, "."))
			if c.Pinned != "" {
				where = e.tr.X("cmd.poll.where_pinned", "the server given with --dns-server, %s", c.Pinned)
			}
			fmt.Fprintln(e.Out, e.tr.X("cmd.poll.waiting", "Waiting for %d record(s) on %s (every %s; Ctrl+C stops):", len(wants), where, *interval))
		}
		var last poll.Event
		for ev := range poll.Poll(ctx, c, zone, wants, poll.Options{Interval: *interval}) {
			last = ev
			if *asJSON {
				line, _ := json.Marshal(ev)
				fmt.Fprintln(e.json, string(line))
			} else {
				printRound(e.Out, e.tr, ev)
			}
		}
		if last.Done {
			if !*asJSON {
				fmt.Fprintln(e.Out, e.tr.X("cmd.poll.done", "All records are published on every authoritative server, after %s.", last.Elapsed.Round(time.Second)))
			}
			return ExitOK
		}
		fmt.Fprintf(e.Err, "mailwizard poll: %s\n", e.tr.X("cmd.poll.timeout", "stopped after %s before every record was seen (%v)", *timeout, context.Cause(ctx)))
		return ExitFindings
	}
}

// keysToPoll is the DKIM key to wait for in generate mode: the selector
// (or the profile's default) with the value given, or any valid key.
func keysToPoll(p *transports.Provider, selector, expect string) []wizard.KeyRecord {
	if selector == "" {
		selector = p.DKIM.DefaultSelector
	}
	if p.DKIM.Mode != "generate" || selector == "" {
		return nil
	}
	return []wizard.KeyRecord{{Selector: selector, Value: expect}}
}

func printRound(w io.Writer, tr *i18n.Translator, ev poll.Event) {
	fmt.Fprintf(w, "[%s] %s\n", ev.Elapsed.Round(time.Second), tr.X("cmd.poll.round", "round %d", ev.Round))
	for _, r := range ev.Records {
		seen := 0
		for _, s := range r.Authoritative {
			if s.State == poll.Seen {
				seen++
			}
		}
		fmt.Fprintf(w, "  %-16s %s  %s\n", r.Label, tr.X("cmd.poll.name_servers", "%d/%d name servers", seen, len(r.Authoritative)), r.Name)
		for _, s := range r.Authoritative {
			who := serverName(s)
			switch s.State {
			case poll.Wrong:
				fmt.Fprintf(w, "      %s\n", tr.X("cmd.poll.wrong", "%s has a different value: %s", who, s.Value))
			case poll.Failed:
				fmt.Fprintf(w, "      %s\n", tr.X("cmd.poll.failed", "%s did not answer: %s", who, tr.TextOr(s.ErrorText, s.Error)))
			}
		}
		for _, s := range r.Resolvers {
			if s.State == poll.NotYet && !s.VisibleBy.IsZero() && r.Done {
				fmt.Fprintf(w, "      %s\n", tr.X("cmd.poll.cached", "resolver %s still remembers \"no such record\"; it will see the record by %s (the zone's negative TTL)",
					s.Server, s.VisibleBy.Format("15:04:05")))
			}
		}
	}
}
