package gui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/checks/publish"
	"mailwizard/wizard"
)

// "Publish for me" on the DNS page: for a DNS server that takes dynamic
// updates (RFC 2136) signed with a TSIG key. The admin gives the key;
// Show the update reads the server and shows the exact update; Send
// sends it, and polling starts again at once. As setup's and dns
// publish's: the same records, the same update, the same words.

// publishTimeout bounds reading the primary or sending the update.
const publishTimeout = time.Minute

// publishForm is the section's widgets and what it found.
type publishForm struct {
	s      *dnsStep
	enable *keyCheck
	form   *fyne.Container // the fields and buttons, shown when enabled
	fields map[string]*field

	name, secret, server *keyEntry
	algorithm            *keySelect
	show, send           *keyButton
	copyLines            *keyButton    // Windows DNS: copies the PowerShell lines
	lines                string        // those lines
	plan                 *widget.Label // the update, as nsupdate input
	result               *widget.Label // what the server said
	lag                  *widget.Label // secondaries behind the primary
	box                  *fyne.Container

	prepared *publish.Plan // the plan shown, sent by Send
	key      publish.Key   // the key it was shown with
	sent     *published    // what the primary took, for the lag lines

	// nameSet and algorithmSet: the admin changed the field in this
	// form; until then a key pasted whole sets it. filling: the form
	// sets them itself.
	nameSet, algorithmSet, filling bool
}

// published is an update the primary took: polling names a secondary
// that does not serve its serial yet.
type published struct {
	plan   *publish.Plan
	serial uint32
}

func (s *dnsStep) newPublishForm() *publishForm {
	u, tr, st := s.u, s.u.tr, s.u.flow.State
	p := &publishForm{s: s, fields: map[string]*field{}}
	p.name, p.secret, p.server = u.newEntry(), u.newPasswordEntry(), u.newEntry()
	p.algorithm = u.newSelect(publish.Algorithms, nil)
	p.algorithm.SetSelected(publish.DefaultAlgorithm)
	if k := st.TSIG; k != nil {
		p.name.SetText(k.Name)
		p.server.SetText(k.Server)
		if k.Algorithm != "" {
			p.algorithm.SetSelected(k.Algorithm)
		}
	}
	p.fields[publish.FieldKeyName] = newField(tr.X("dns.publish.name", "Key name"), tr.X("dns.publish.name.help", "The name the DNS server knows the key by, as in its key statement."), p.name)
	p.fields[publish.FieldAlgorithm] = newField(tr.X("dns.publish.algorithm", "Algorithm"), "", p.algorithm)
	p.fields[publish.FieldSecret] = newField(tr.X("dns.publish.secret", "Secret"),
		tr.X("dns.publish.secret.help", "The key's secret (base64), or the whole key as tsig-keygen printed it. It is kept in your keychain, never in a file."), p.secret)
	p.fields[publish.FieldServer] = newField(tr.X("dns.publish.server", "Server (optional)"),
		tr.X("dns.publish.server.help", "Leave empty to send the update to the primary your zone names (its SOA record); or give HOST or HOST:PORT."), p.server)
	p.show = u.newIconButton(tr.X("dns.publish.show", "Show the update"), theme.VisibilityIcon(), p.prepare)
	p.send = u.newIconButton(tr.X("dns.publish.send", "Send the update"), theme.MailSendIcon(), p.publish)
	p.send.Importance = widget.HighImportance
	p.send.Hide()
	p.copyLines = u.newIconButton(tr.X("dns.publish.copy_lines", "Copy the PowerShell commands"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(p.lines)
		u.setStatus(tr.X("dns.copied", "Copied to the clipboard."), false)
	})
	p.copyLines.Hide()
	p.plan = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.plan.Wrapping = fyne.TextWrapBreak
	p.plan.Hide()
	p.result, p.lag = widget.NewLabel(""), widget.NewLabel("")
	for _, l := range []*widget.Label{p.result, p.lag} {
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
	}
	p.form = container.NewVBox(p.fields[publish.FieldKeyName].box, p.fields[publish.FieldAlgorithm].box, p.fields[publish.FieldSecret].box,
		p.fields[publish.FieldServer].box, container.NewHBox(p.show), p.plan, container.NewHBox(p.send), p.result, container.NewHBox(p.copyLines), p.lag)
	p.form.Hide()
	p.enable = u.newCheck(tr.X("dns.publish.enable", "My DNS server takes updates signed with a TSIG key: publish for me"), p.setEnabled)
	head := newField(tr.X("dns.publish.title", "Publish for me"),
		tr.X("dns.publish.help", "BIND, Knot and PowerDNS take dynamic updates (RFC 2136) signed with a TSIG key. With such a key mailwizard publishes these records itself: you see the update first, and it is sent only when you choose to send it."), p.enable)
	p.box = container.NewVBox(head.box, p.form)
	if st.TSIG != nil {
		// A key published before: its secret is in the keychain.
		p.secret.SetPlaceHolder(tr.X("dns.publish.kept", "kept in your keychain"))
		p.enable.SetChecked(true)
	}
	p.show.Disable() // until the records are worked out (showRecords)
	// An edit after Show makes the update shown another than the fields
	// say: it must be shown again before it can be sent.
	stale := func(string) {
		if p.prepared != nil {
			p.clear()
			u.relayout()
		}
	}
	p.secret.OnChanged, p.server.OnChanged = stale, stale
	p.name.OnChanged = func(s string) {
		p.nameSet = p.nameSet || !p.filling
		stale(s)
	}
	p.algorithm.OnChanged = func(s string) {
		p.algorithmSet = p.algorithmSet || !p.filling
		stale(s)
	}
	return p
}

// setEnabled shows or hides the form.
func (p *publishForm) setEnabled(on bool) {
	setVisible(p.form, on)
	p.s.u.relayout()
}

// prepare reads the primary and shows the update; polling pauses while
// it runs and goes on after.
func (p *publishForm) prepare() {
	name, algorithm, secret, ok := p.readKey()
	if !ok {
		p.s.u.relayout()
		return
	}
	u, st := p.s.u, p.s.u.flow.State
	records, env, domain, server := p.s.records, u.env, st.Domain, strings.TrimSpace(p.server.Text)
	p.clear()
	// What comes back is shown only if the fields still say what it was
	// made from: an edit while the server is read would leave Send
	// offered for another key or server than the fields show.
	made := p.current()
	show := func(apply func()) func() {
		return func() {
			if p.current() != made {
				p.changedMeanwhile()
				return
			}
			apply()
		}
	}
	u.run(u.tr.X("dns.publish.reading", "Reading your DNS server…"), publishTimeout, func(ctx context.Context, post post) error {
		if strings.TrimSpace(secret) == "" {
			kept, err := wizard.TSIGSecret(env.Secrets, domain, name)
			if err != nil {
				post(show(func() { p.noSecret(name) }))
				return nil
			}
			secret = kept
		}
		key, err := publish.NewKey(name, algorithm, secret)
		if err != nil {
			post(show(func() { p.noSecret(name) }))
			return nil
		}
		plan, err := wizard.PreparePublish(ctx, env, domain, records, server)
		post(show(func() { p.showPlan(plan, key, err) }))
		return nil
	}, func(error) { p.s.start() })
}

// noSecret marks the secret field: the keychain holds none for the key.
func (p *publishForm) noSecret(name string) {
	p.fields[publish.FieldSecret].mark(sentence(p.s.u.tr.X("dns.publish.no_secret", "is empty, and your keychain holds no secret for the key %s: type it", name)))
	p.s.u.relayout()
}

// clear forgets the update shown.
func (p *publishForm) clear() {
	p.prepared = nil
	p.send.Hide()
	p.copyLines.Hide()
	setNote(p.plan, "")
	setNote(p.result, "")
}

// showPlan shows the update to send, or why there is none.
func (p *publishForm) showPlan(plan *publish.Plan, key publish.Key, err error) {
	tr := p.s.u.tr
	defer p.s.u.relayout()
	if err != nil {
		p.showProblem(err)
		return
	}
	var lines []string
	for _, l := range wizard.PlanLines(plan) {
		indent := ""
		if l.Detail {
			indent = "    "
		}
		lines = append(lines, indent+tr.Text(l.Text))
	}
	head := tr.X("cmd.publish.plan", "The records for %s, on the primary %s:", strings.TrimSuffix(plan.Zone.Name, "."), plan.Primary)
	if !plan.Pending() {
		setNote(p.result, checks.PrintableText(head+"\n"+strings.Join(lines, "\n")+"\n"+tr.X("cmd.publish.nothing", "Every record is on the primary already: there is nothing to send.")))
		p.result.Importance = widget.SuccessImportance
		return
	}
	text := head + "\n" + strings.Join(lines, "\n")
	p.result.Importance = widget.MediumImportance
	if w := plan.Windows; w != nil {
		// Probably Windows DNS (its zone's records say so, the server
		// does not): the PowerShell lines, and Send all the same.
		msg, fix := tr.Finding(publish.Explain(w))
		text += "\n" + sentence(msg) + "\n" + fix
		p.result.Importance = widget.WarningImportance
		p.lines = strings.Join(w.Lines, "\n")
		p.copyLines.Show()
	}
	setNote(p.result, checks.PrintableText(text+"\n"+tr.X("cmd.publish.update", "The update, as nsupdate input (the secret is not shown):")))
	setNote(p.plan, checks.PrintableText(publish.Nsupdate(plan, key)))
	p.prepared, p.key = plan, key
	p.send.SetText(tr.X("dns.publish.send_to", "Send the update to %s", plan.Primary))
	p.send.Show()
}

// showProblem words why nothing was published, with what to change.
func (p *publishForm) showProblem(err error) {
	f := publish.Explain(err)
	msg, fix := p.s.u.tr.Finding(f)
	text := sentence(msg)
	if fix != "" {
		text += "\n" + fix
	}
	setNote(p.result, checks.PrintableText(text))
	p.result.Importance = widget.DangerImportance
	if f.Code == publish.CodeStopped {
		p.result.Importance = widget.MediumImportance // Cancel: the admin's own doing, no fault
	}
	p.result.Refresh()
	var w *publish.WindowsDNS
	var refused *publish.Error
	if errors.As(err, &refused) && refused.Windows != nil {
		w = refused.Windows // refused where Windows DNS was likely
	}
	if w != nil || errors.As(err, &w) {
		p.lines = strings.Join(w.Lines, "\n")
		p.copyLines.Show()
	}
}

// publish sends the update shown; then polling starts again at once.
func (p *publishForm) publish() {
	plan, key := p.prepared, p.key
	if plan == nil {
		return
	}
	u, st := p.s.u, p.s.u.flow.State
	env, domain, server := u.env, st.Domain, strings.TrimSpace(p.server.Text)
	p.send.Hide()
	u.run(u.tr.X("dns.publish.sending", "Sending the update…"), publishTimeout, func(ctx context.Context, post post) error {
		res, err := wizard.Publish(ctx, env, nil, domain, plan, key, server)
		post(func() { p.published(plan, key, server, res, err) })
		return nil
	}, func(error) { p.s.start() })
}

// published shows what the primary said; an accepted update goes into
// the draft (the key's name, never its secret) and the form forgets the
// secret, which the keychain now holds (a keychain that would not keep
// it is said, and the field keeps it for this session).
func (p *publishForm) published(plan *publish.Plan, key publish.Key, server string, res *wizard.Published, err error) {
	u, tr := p.s.u, p.s.u.tr
	p.prepared = nil
	setNote(p.plan, "")
	if err != nil {
		p.showProblem(err)
		u.relayout()
		return
	}
	u.flow.State.TSIG = &wizard.TSIGKey{Name: strings.TrimSuffix(key.Name, "."), Algorithm: key.AlgorithmName(), Server: server}
	u.changed()
	p.sent = &published{plan: plan, serial: res.Serial}
	words := tr.X("cmd.publish.sent", "%s took the update: %d record(s), in %s (zone serial %d). Now every name server is asked for them.",
		res.Primary, res.Sent, res.Took.Round(time.Millisecond), res.Serial)
	p.result.Importance = widget.SuccessImportance
	if w := res.Warning(); !w.IsZero() {
		words += "\n" + tr.Text(w)
		p.result.Importance = widget.WarningImportance
	} else {
		p.secret.SetText("")
		p.secret.SetPlaceHolder(tr.X("dns.publish.kept", "kept in your keychain"))
	}
	setNote(p.result, checks.PrintableText(words))
	u.relayout()
}

// lagging is the work polling does after each round once an update was
// sent: the secondaries behind the primary, in words (off the UI
// goroutine: it asks every name server).
func (p *published) lagging(ctx context.Context, env *wizard.Env) []checks.Text {
	var out []checks.Text
	for _, l := range publish.Lagging(ctx, env.DNS, p.plan.Zone, p.serial) {
		out = append(out, l.Text())
	}
	return out
}

// showLag sets the lag lines polling found.
func (p *publishForm) showLag(lines []checks.Text) {
	var words []string
	for _, l := range lines {
		words = append(words, sentence(p.s.u.tr.Text(l)))
	}
	setNote(p.lag, checks.PrintableText(strings.Join(words, "\n")))
}
