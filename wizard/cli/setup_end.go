package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"mailwizard/checks/poll"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/atomicfile"
	"mailwizard/wizard"
)

// The last steps: the DNS records to publish and the wait until every
// name server has them, the list of transports, and the export.

func (r *setupRun) dns() int {
	s := r.flow.State
	p, err := s.Profile()
	if err != nil {
		return r.ended(err)
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, checkTimeout)
	records, err := wizard.DNSRecords(ctx, r.env, s, r.discover())
	cancel()
	if err != nil {
		return r.ended(err)
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.publish", "Publish these records in the DNS of %s:", s.Domain))
	for _, rec := range records {
		r.printRecord(rec)
	}
	if d := r.discover(); d != nil && d.Report.Hints.DNSHost != nil {
		h := d.Report.Hints.DNSHost
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.where", "Your DNS is at %s; how to add a record there: %s", h.Name, h.HelpURL))
	}
	if r.f.zoneOut != "" {
		frag := wizard.ZoneFragment(records, s.Domain, p.Name)
		if err := atomicfile.Write(r.f.zoneOut, []byte(frag), 0o644); err != nil {
			return r.e.fail("setup", ExitFindings, fmt.Errorf("--zone-out: %w", err))
		}
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.zone_written", "The same records as zone-file lines: %s", r.f.zoneOut))
	}
	for _, rec := range records {
		if rec.Value == "" {
			fmt.Fprintln(r.e.Out, r.e.tr.X("setup.record_unknown", "%s cannot be given yet: %s. Check again later.", rec.Label, rec.Note))
			return ExitTemporary
		}
	}
	if err := r.publishForMe(records); err != nil {
		return r.ended(err)
	}
	return r.wait(records)
}

func (r *setupRun) printRecord(rec wizard.Record) {
	fmt.Fprintf(r.e.Out, "  %-6s %s\n", rec.Type, rec.Name)
	fmt.Fprintln(r.e.Out, "         "+r.e.tr.X("setup.record_name", "name in most DNS panels: %s", rec.Relative))
	fmt.Fprintln(r.e.Out, "         "+r.e.tr.X("setup.record_value", "value: %s", rec.Value))
	if len(rec.Strings) > 1 {
		fmt.Fprintln(r.e.Out, "         "+r.e.tr.X("setup.record_strings", "for panels that take at most 255 characters per value, these %d strings in order:", len(rec.Strings)))
		for i, part := range rec.Strings {
			fmt.Fprintf(r.e.Out, "           %d: %s\n", i+1, part)
		}
	}
	for _, old := range rec.Replaces {
		fmt.Fprintln(r.e.Out, "         "+r.e.tr.X("setup.record_replaces", "in place of: %s", old))
	}
}

// wait polls until every record is on every name server, the poll timeout,
// or Ctrl+C. What was seen is saved after each round, so a second run
// resumes the wait.
func (r *setupRun) wait(records []wizard.Record) int {
	s := r.flow.State
	ctx, cancel := context.WithTimeout(r.e.ctx, r.f.pollTimeout)
	defer cancel()
	events, err := wizard.PollDNS(ctx, r.env, s, records, poll.Options{Interval: r.f.pollInterval})
	if err != nil {
		return r.ended(texts.Err(err, texts.T("cmd.find_zone", "finding the name servers of %s: %v", s.Domain, err)))
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.waiting", "Waiting until every name server has them (every %s; Ctrl+C stops, and setup resumes here):", r.f.pollInterval))
	var last poll.Event
	status := ""
	for ev := range events {
		last = ev
		wizard.RecordPoll(r.env, s, records, ev)
		r.saver()
		if line := r.pollLine(ev); line != status {
			status = line
			fmt.Fprintln(r.e.Out, line)
		}
		if r.published != nil {
			for _, line := range r.published.round(ctx, r.env.DNS, ev, r.e.tr) {
				fmt.Fprintln(r.e.Out, "  "+line)
			}
		}
	}
	switch {
	case last.Done:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.all_seen", "Every record is on every name server (after %s).", last.Elapsed.Round(time.Second)))
		if line := r.cachesLine(last); line != "" {
			fmt.Fprintln(r.e.Out, line)
		}
		return -1
	case errors.Is(r.e.ctx.Err(), context.Canceled):
		return r.ended(context.Canceled)
	}
	later, err := r.ask.confirm("dns", r.e.tr.X("setup.dns_later", "Not every record is seen after %s. Export now and publish the rest later?", r.f.pollTimeout), false)
	if err != nil {
		return r.ended(err)
	}
	if !later {
		fmt.Fprintln(r.e.Err, r.e.tr.X("setup.stopped", "Stopped. Your answers are saved: run mailwizard setup again to continue."))
		return ExitFindings
	}
	s.DNSDeferred = true
	return -1
}

// pollLine sums a round up in one line: each record, on how many of the
// name servers, and which server lacks it or has another value.
func (r *setupRun) pollLine(ev poll.Event) string {
	var parts []string
	for _, rec := range ev.Records {
		seen := 0
		var lacking []string
		for _, a := range rec.Authoritative {
			who := serverName(a)
			switch a.State {
			case poll.Seen:
				seen++
			case poll.Wrong:
				lacking = append(lacking, r.e.tr.X("setup.poll.wrong", "%s has another value", who))
			case poll.Failed:
				lacking = append(lacking, r.e.tr.X("setup.poll.failed", "%s does not answer", who))
			default:
				lacking = append(lacking, r.e.tr.X("setup.poll.not_yet", "%s not yet", who))
			}
		}
		part := fmt.Sprintf("%s %d/%d", rec.Label, seen, len(rec.Authoritative))
		if len(lacking) > 3 {
			lacking = append(lacking[:3], r.e.tr.X("setup.poll.more", "%d more", len(lacking)-3))
		}
		if len(lacking) > 0 {
			part += " (" + strings.Join(lacking, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf("  [%s] %s", ev.Elapsed.Round(time.Second), strings.Join(parts, "; "))
}

// serverName is how a polled server is shown: its NS name, or the
// address asked when there is none (a --dns-server).
func serverName(s poll.ServerStatus) string {
	if s.Nameserver != "" {
		return s.Nameserver
	}
	return s.Server
}

// cachesLine says when resolvers that cached "no such record" before it
// was published will see it (RFC 2308 negative caching), or "".
func (r *setupRun) cachesLine(ev poll.Event) string {
	latest := wizard.CachesSeeBy(ev)
	if latest.IsZero() {
		return ""
	}
	return r.e.tr.X("setup.caches", "Resolvers that asked before you published remember \"no such record\" until %s (the zone's negative TTL); mail checked before then may still fail.", latest.Local().Format("15:04"))
}

func (r *setupRun) review() int {
	s := r.flow.State
	p, err := s.Profile()
	if err != nil {
		return r.ended(err)
	}
	if hosted := wizard.HostedTransport(s); hosted != "" {
		q := r.e.tr.X("setup.verdict.hosted", "Has %s already sent you a message from %s? Paste it as you received it, to see how the receiving server judged SPF, DKIM and DMARC?", p.In(string(s.Lang)).Name, s.Domain)
		if err := r.offerVerdict(hosted, q); err != nil {
			return r.ended(err)
		}
	}
	for _, line := range wizard.EvidenceLines(r.e.tr, s) {
		fmt.Fprintln(r.e.Out, "  "+line)
	}
	out := r.f.out
	if out == "" {
		out = s.Out
	}
	if out == "" {
		out = wizard.DefaultOut(s.Domain)
	}
	ok, err := r.ask.confirm("out", r.e.tr.X("setup.write", "Write the configuration to %s?", out), true)
	if err != nil {
		return r.ended(err)
	}
	if !ok {
		return ExitOK
	}
	res, err := wizard.Export(r.env, s, wizard.ExportOptions{Path: out, Generator: wizard.Generator(), Plaintext: r.f.plaintext})
	if err != nil {
		var fes transports.FieldErrors
		if errors.As(err, &fes) {
			r.refused(err)
			return ExitFindings
		}
		return r.e.fail("setup", ExitFindings, err)
	}
	for _, w := range res.Warnings {
		printWarning(r.e.Out, r.e.tr, r.e.tr.Text(w))
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.written", "Written: %s (check it with: mailwizard export validate %s)", res.Path, res.Path))
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.next", "Next:"))
	for _, step := range wizard.NextSteps(r.e.tr, s, p, res.Path) {
		fmt.Fprintln(r.e.Out, "  - "+step)
	}
	if err := r.sess.Drafts.Discard(); err != nil {
		fmt.Fprintln(r.e.Err, err)
	}
	r.saver = func() {} // the draft is done with
	return ExitOK
}
