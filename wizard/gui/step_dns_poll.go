package gui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/checks/poll"
	"mailwizard/texts"
	"mailwizard/wizard"
)

// Polling: every authoritative server of the domain's zone is asked each
// round until it has every record, for as long as the admin waits
// (Cancel or Escape stops it; leaving the page too, and coming back goes
// on). Each round is kept in the State and the draft, as setup's wait.

// dnsPollInterval is the time between rounds (setup's --poll-interval
// default); tests shorten it.
var dnsPollInterval = 5 * time.Second

// dnsPollLimit is no real deadline: publishing can take hours, and the
// admin stops the wait with Cancel.
const dnsPollLimit = 48 * time.Hour

// dnsRecordsTimeout bounds working out the records (the SPF lookups).
const dnsRecordsTimeout = time.Minute

// start works out the records, if not yet known, and polls for them
// unless the admin chose to publish later or a value is not known yet.
func (s *dnsStep) start() {
	u, st := s.u, s.u.flow.State
	s.again.Hide()
	s.caches.Hide()
	setNote(s.other, "")
	if s.records != nil && st.DNSDeferred {
		return
	}
	snap, err := st.Clone()
	if err != nil {
		setNote(s.other, sentence(u.tr.Error(err)))
		return
	}
	known, disc, env, interval, deferred, sent := s.records, u.discovery(), u.env, dnsPollInterval, st.DNSDeferred, s.publish.sent
	if !valuesKnown(known) {
		// A value could not be worked out: look again, not at what
		// discovery saw before.
		known, disc = nil, nil
	}
	started := env.Time()
	u.run(u.tr.X("dns.polling", "Asking your domain's name servers…"), dnsPollLimit, func(ctx context.Context, post post) error {
		records := known
		if records == nil {
			rctx, cancel := context.WithTimeout(ctx, dnsRecordsTimeout)
			r, err := wizard.DNSRecords(rctx, env, snap, disc)
			cancel()
			if err != nil {
				return err
			}
			records = r
			post(func() {
				s.showRecords(r)
				u.relayout()
			})
		}
		if deferred || !valuesKnown(records) {
			return nil
		}
		events, err := wizard.PollDNS(ctx, env, snap, records, poll.Options{Interval: interval})
		if err != nil {
			return texts.Err(err, texts.T("cmd.find_zone", "finding the name servers of %s: %v", snap.Domain, err))
		}
		for ev := range events {
			post(func() { s.round(records, started, ev) })
			if sent != nil {
				// After "Publish for me": name the servers behind the primary.
				var lag []checks.Text
				if !ev.Done {
					lag = sent.lagging(ctx, env)
				}
				post(func() { s.publish.showLag(lag) })
			}
		}
		return ctx.Err()
	}, s.stopped)
}

// valuesKnown reports whether every record has a value to look for: an
// SPF record that cannot be worked out yet cannot be waited for.
func valuesKnown(records []wizard.Record) bool {
	for _, r := range records {
		if r.Value == "" {
			return false
		}
	}
	return true
}

// stopped is the end of a wait that did not see everything: Cancel, the
// name servers not found, or a record without a value yet.
func (s *dnsStep) stopped(err error) {
	tr := s.u.tr
	switch {
	case err == nil:
		if !valuesKnown(s.records) {
			s.again.Show()
		}
	case errors.Is(err, context.Canceled):
		s.progress.SetText(tr.X("dns.stopped", "Stopped. What was seen is kept: Check again goes on waiting."))
		s.again.Show()
	default:
		setNote(s.other, sentence(tr.Error(err)))
		s.again.Show()
	}
	s.u.relayout()
}

// round applies one polling round: into the State and the draft, then the
// table; when every record is everywhere, when caches follow, and a
// notification if the admin is in another window.
func (s *dnsStep) round(records []wizard.Record, started time.Time, ev poll.Event) {
	u, tr := s.u, s.u.tr
	wizard.RecordPoll(u.env, u.flow.State, records, ev)
	u.changed()
	var rows []serverRow
	done := 0
	for _, rec := range ev.Records {
		if rec.Done {
			done++
		}
		for _, a := range rec.Authoritative {
			rows = append(rows, serverRow{record: rec.Label, server: orServer(a), seen: a.State == poll.Seen, status: a})
		}
	}
	s.fillTable(rows)
	elapsed := u.env.Time().Sub(started).Round(time.Second)
	if !ev.Done {
		s.progress.SetText(tr.X("dns.waiting", "Waiting for %s: %d of %d records are on every name server. They are asked again every few seconds.", elapsed, done, len(ev.Records)))
		u.relayout()
		return
	}
	s.progress.SetText(tr.X("setup.all_seen", "Every record is on every name server (after %s).", elapsed))
	if by := wizard.CachesSeeBy(ev); !by.IsZero() {
		setNote(s.caches, tr.X("setup.caches", "Resolvers that asked before you published remember \"no such record\" until %s (the zone's negative TTL); mail checked before then may still fail.", by.Local().Format("15:04")))
	}
	if s.focus.away {
		if a := fyne.CurrentApp(); a != nil {
			a.SendNotification(fyne.NewNotification(tr.X("dns.notify.title", "DNS records published"),
				tr.X("dns.notify.body", "Every record for %s is on every name server: the wizard can go on.", u.flow.State.Domain)))
		}
	}
	u.relayout()
}

// orServer names a server as the State's facts do: its NS name without
// the root dot, or the address asked when there is none.
func orServer(a poll.ServerStatus) string {
	if a.Nameserver != "" {
		return strings.TrimSuffix(a.Nameserver, ".")
	}
	return a.Server
}

// serverRow is one line of the table: a record on one name server.
type serverRow struct {
	record, server string
	seen           bool
	kept           bool              // from the draft: what the last visit saw
	status         poll.ServerStatus // this round's answer
}

// fillTable shows the rows under a heading, each state in words and in
// the theme's colour for good, pending, wrong and failed.
func (s *dnsStep) fillTable(rows []serverRow) {
	tr := s.u.tr
	s.table.Objects = nil
	if len(rows) == 0 {
		s.table.Refresh()
		return
	}
	bold := fyne.TextStyle{Bold: true}
	s.table.Add(widget.NewLabelWithStyle(tr.X("dns.col.record", "Record"), fyne.TextAlignLeading, bold))
	s.table.Add(widget.NewLabelWithStyle(tr.X("dns.col.server", "Name server"), fyne.TextAlignLeading, bold))
	s.table.Add(widget.NewLabelWithStyle(tr.X("dns.col.state", "State"), fyne.TextAlignLeading, bold))
	for _, r := range rows {
		word, imp := s.stateWords(r)
		state := widget.NewLabel(word)
		state.Wrapping = fyne.TextWrapBreak
		state.Importance = imp
		server := widget.NewLabel(checks.Printable(r.server))
		server.Wrapping = fyne.TextWrapBreak
		s.table.Add(widget.NewLabel(r.record))
		s.table.Add(server)
		s.table.Add(state)
	}
	s.table.Refresh()
}

func (s *dnsStep) stateWords(r serverRow) (string, widget.Importance) {
	tr := s.u.tr
	switch {
	case r.kept && r.seen:
		return tr.X("dns.state.seen_before", "seen at the last check"), widget.SuccessImportance
	case r.kept:
		return tr.X("dns.state.missing_before", "not seen at the last check"), widget.MediumImportance
	}
	switch r.status.State {
	case poll.Seen:
		return tr.X("dns.state.seen", "seen"), widget.SuccessImportance
	case poll.Wrong:
		return tr.X("dns.state.wrong", "another value: %s", checks.Printable(r.status.Value)), widget.WarningImportance
	case poll.Failed:
		return tr.X("dns.state.failed", "no answer: %s", tr.TextOr(r.status.ErrorText, r.status.Error)), widget.DangerImportance
	}
	return tr.X("dns.state.not_yet", "not yet"), widget.MediumImportance
}

// focusWatch says whether the admin is in another window. Fyne 2.8 has no
// "is this window focused" query; its desktop driver calls the app's
// lifecycle hooks instead: OnExitedForeground when the app's focused
// window loses the focus to another application, OnEnteredForeground when
// one of its windows gains it (on the UI goroutine). The page assumes the
// focus when it opens: the admin just pressed Next or clicked to get here.
type focusWatch struct{ away bool }

func watchFocus() *focusWatch {
	f := &focusWatch{}
	if a := fyne.CurrentApp(); a != nil {
		lc := a.Lifecycle()
		lc.SetOnExitedForeground(func() { f.away = true })
		lc.SetOnEnteredForeground(func() { f.away = false })
	}
	return f
}
