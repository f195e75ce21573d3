package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mailwizard/checks/spf"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard"
)

// The questions of the first steps: the service, the domain and its
// senders, the transport type, and the settings of hosted and no-reply
// transports.

func (r *setupRun) welcome() error {
	s := r.flow.State
	if !r.asking("provider", s.Provider) {
		return r.custom()
	}
	ps, err := transports.BuiltinProviders()
	if err != nil {
		return err
	}
	var names []string
	for _, p := range ps {
		name := p.Name
		if p.ID == "custom" {
			name = r.e.tr.X("setup.custom_service", "Another service, without a profile: you give its details")
		}
		names = append(names, name)
	}
	names = append(names, r.e.tr.X("setup.profile_file", "A profile file from the service's support desk"))
	i, err := r.ask.choose("provider", r.e.tr.X("setup.which_service", "Which service will send mail for your domain?"), names, 0)
	if err != nil {
		return err
	}
	if i < len(ps) {
		s.Provider = ps[i].ID
		return r.custom()
	}
	s.Provider, err = r.ask.ask("provider", r.e.tr.X("setup.profile_path", "Path of the profile file"), "")
	return err
}

// custom asks what the wizard must know of a service without a profile:
// its name, SPF include, sending ranges and no-reply address.
func (r *setupRun) custom() error {
	s := r.flow.State
	if s.Provider != "custom" {
		return nil
	}
	if s.Custom == nil {
		s.Custom = &wizard.CustomFields{}
	}
	c := s.Custom
	questions := []struct {
		field, question string
		value           *string
		required        bool
	}{
		{"custom.name", r.e.tr.X("setup.custom.name", "The service's name"), &c.Name, true},
		{"custom.spf_include", r.e.tr.X("setup.custom.include", "The SPF include its manual gives (such as _spf.example.com; - for none)"), &c.SPFInclude, false},
		{"custom.sending_ranges", r.e.tr.X("setup.custom.ranges", "The IP ranges it sends from, separated by commas (- for none)"), &c.SendingRanges, false},
		{"custom.noreply_address", r.e.tr.X("setup.custom.noreply", "Its own no-reply address, if it offers one (- for none)"), &c.NoReplyAddress, false},
	}
	fresh := c.Name == "" // a preset or draft may have answered them
	for _, q := range questions {
		if !fresh && !r.bad[q.field] {
			continue
		}
		def := *q.value
		if def == "" && !q.required {
			def = "-"
		}
		answer, err := r.ask.ask(q.field, q.question, def)
		if err != nil {
			return err
		}
		if answer == "-" {
			answer = ""
		}
		*q.value = answer
	}
	return nil
}

func (r *setupRun) domain() error {
	s := r.flow.State
	if r.asking("domain", s.Domain) {
		d, err := r.ask.ask("domain", r.e.tr.X("setup.domain", "The domain the service sends for (the part after @)"), s.Domain)
		if err != nil {
			return err
		}
		s.Domain = d
	}
	r.startDiscovery() // while the admin answers the next questions
	if len(s.Senders) == 0 && !r.f.yes || r.badUnder("senders") {
		answer, err := r.ask.ask("senders", r.e.tr.X("setup.senders", "The addresses it sends as, or their part before @, separated by commas (- for none yet)"), "-")
		if err != nil {
			return err
		}
		s.Senders = nil
		if answer != "-" {
			for _, a := range strings.Split(answer, ",") {
				if a = strings.TrimSpace(a); a != "" {
					s.Senders = append(s.Senders, a)
				}
			}
		}
	}
	return nil
}

// background is a discovery running while setup asks on.
type background struct {
	domain string
	done   chan struct{}
	d      *wizard.Discovery
}

// startDiscovery looks at the domain's DNS in the background, on a copy of
// the answers so far, as soon as the domain is known.
func (r *setupRun) startDiscovery() {
	s := r.flow.State
	domain, err := transports.NormalizeDomain(s.Domain)
	if err != nil || r.bg != nil && r.bg.domain == domain {
		return
	}
	snap := *s
	snap.Domain, snap.Transports = domain, slices.Clone(s.Transports)
	bg := &background{domain: domain, done: make(chan struct{})}
	r.bg = bg
	go func() {
		defer close(bg.done)
		ctx, cancel := context.WithTimeout(r.e.ctx, checkTimeout)
		defer cancel()
		if d, err := wizard.Discover(ctx, r.env, &snap); err == nil {
			bg.d = d
		}
	}()
}

// discover is what the domain's DNS shows, for the steps after the domain:
// the background look's result, waited for if it is still running.
func (r *setupRun) discover() *wizard.Discovery {
	if r.disc != nil {
		return r.disc
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.looking", "Looking at the DNS of %s...", r.flow.State.Domain))
	r.startDiscovery()
	if r.bg == nil {
		return nil
	}
	select {
	case <-r.bg.done:
	case <-r.e.ctx.Done():
		return nil
	}
	d := r.bg.d
	if d == nil {
		return nil
	}
	r.disc = d
	rep := d.Report
	if rep.Checks.MX.Name != "" {
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.mailbox", "Mailboxes: %s.", rep.Checks.MX.Name))
	}
	if h := rep.Hints.DNSHost; h != nil {
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.dnshost", "DNS hosted at %s (adding a record: %s).", h.Name, h.HelpURL))
	}
	return d
}

func (r *setupRun) transportType() error {
	s := r.flow.State
	p, err := s.Profile()
	if err != nil {
		return err
	}
	if t := s.Current(); t != nil && t.Type != "" && !r.bad["type"] {
		if len(s.Transports) > 1 {
			fmt.Fprintln(r.e.Out, r.e.tr.X("setup.transport_n", "Transport %d of %d: %q (%s), for %s.", s.Editing, len(s.Transports), t.Name, t.Type, t.Match.String()))
		}
		return nil
	}
	if s.DNSAccess == nil && p.Supports(transports.Hosted) && len(p.Transports) > 1 {
		access, err := r.ask.confirm("dns_access", r.e.tr.X("setup.dns_access", "Can you add records to the DNS of %s?", s.Domain), true)
		if err != nil {
			return err
		}
		s.DNSAccess = &access
	}
	rec := wizard.Recommend(r.e.tr, s, p, r.discover())
	choices := wizard.TypeChoices(r.e.tr, p)
	var options []string
	def := 0
	for i, c := range choices {
		options = append(options, c.Title+"\n      "+c.Cost)
		if c.Type == rec.Type {
			def = i
		}
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.recommend", "Recommended: %s. %s", choices[def].Title, rec.Reason))
	i, err := r.ask.choose("type", r.e.tr.X("setup.which_type", "How should %s send?", p.Name), options, def)
	if err != nil {
		return err
	}
	if err := s.ChooseType(p, choices[i].Type, r.env.Time()); err != nil {
		return err
	}
	if r.pendingRule != nil {
		rule := *r.pendingRule
		r.pendingRule = nil
		return wizard.SetRule(s, s.Editing-1, rule)
	}
	return nil
}

func (r *setupRun) hosted() error {
	s := r.flow.State
	r.changing = false // a hosted transport's key changes by rotation
	p, err := s.Profile()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, checkTimeout)
	defer cancel()
	plan, err := wizard.PlanHosted(ctx, r.env, s, r.discover())
	if err != nil {
		return err
	}
	r.printSPF(plan)
	r.printFindings(plan.DMARC)
	if req := p.In(string(r.e.tr.Lang())).DKIM.Requires; req != "" {
		fmt.Fprintln(r.e.Out, r.e.tr.X("provider.dkim.requires", "DKIM signing is available only with %s.", req))
	}
	t := s.Current()
	switch t.Hosted.DKIM.Mode {
	case transports.DKIMCNAME:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.cnames", "%s hosts the DKIM keys; you publish these CNAME records (the DNS step checks them):", p.Name))
		for _, c := range plan.CNAMEs {
			fmt.Fprintf(r.e.Out, "  CNAME %s -> %s\n", c.Relative, c.Value)
		}
		return nil
	case transports.DKIMNone:
		return nil
	}
	if s.Key(t.Hosted.DKIM.Selector) != nil && !r.bad["dkim.key"] {
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.key_kept", "DKIM key for selector %s: kept in the keychain.", t.Hosted.DKIM.Selector))
		return nil
	}
	return r.makeKey(p, t)
}

// makeKey generates a key, or imports one where the service takes them.
// A preset may have answered how, for this selector.
func (r *setupRun) makeKey(p *transports.Provider, t *transports.Transport) error {
	s := r.flow.State
	plan := s.KeyPlan(t.Hosted.DKIM.Selector)
	switch {
	case r.bad["dkim.key"] || r.bad["dkim.algorithm"]:
		// the planned choice was refused: ask
	case plan != nil && plan.KeyFile != "":
		return r.importFile(t, plan.KeyFile, t.Hosted.DKIM.Selector)
	case plan != nil && plan.Algorithm != "":
		return r.generate(dkimkey.Algorithm(plan.Algorithm))
	}
	if p.DKIM.Import || p.ID == "custom" {
		imp, err := r.ask.confirm("dkim.import", r.e.tr.X("setup.import", "Import an existing private key instead of making a new one?"), false)
		if err != nil || imp {
			if err != nil {
				return err
			}
			return r.importKey(t)
		}
	}
	algos := wizard.KeyAlgorithms(p)
	names := make([]string, len(algos))
	for i, a := range algos {
		names[i] = string(a)
	}
	i, err := r.ask.choose("dkim.algorithm", r.e.tr.X("setup.algorithm", "Key type (RSA-2048 is what every receiver verifies)"), names, 0)
	if err != nil {
		return err
	}
	sel, err := r.ask.ask("dkim.selector", r.e.tr.X("setup.selector", "Selector (a dated one lets the next key get a new name)"), t.Hosted.DKIM.Selector)
	if err != nil {
		return err
	}
	t.Hosted.DKIM.Selector = strings.ToLower(sel)
	return r.generate(algos[i])
}

func (r *setupRun) generate(algo dkimkey.Algorithm) error {
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.generating", "Making the key..."))
	ctx, cancel := context.WithTimeout(r.e.ctx, time.Minute)
	defer cancel()
	k, err := wizard.GenerateKey(ctx, r.env, r.flow.State, algo)
	if err != nil {
		return err
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.key_made", "Made the key (%s, fingerprint %s) and kept it in the keychain. The DNS step shows its record.", k.Algorithm, k.Fingerprint))
	return nil
}

func (r *setupRun) importKey(t *transports.Transport) error {
	path, err := r.ask.ask("dkim.key", r.e.tr.X("setup.key_file", "Path of the private key (PEM)"), "")
	if err != nil {
		return err
	}
	sel, err := r.ask.ask("dkim.selector", r.e.tr.X("setup.selector", "Selector (a dated one lets the next key get a new name)"), t.Hosted.DKIM.Selector)
	if err != nil {
		return err
	}
	return r.importFile(t, path, sel)
}

// importFile reads a PEM key into the keychain; the file itself is left
// as it is (it is the admin's).
func (r *setupRun) importFile(t *transports.Transport, path, sel string) error {
	data, err := transports.ReadSmallFile(path, maxKeyFile)
	if err != nil {
		return transports.FieldErrors{{Field: "dkim.key", Err: err}}
	}
	defer clear(data)
	k, warns, err := wizard.ImportKey(r.env, r.flow.State, data, func() ([]byte, error) {
		return r.e.readPassword(r.e.tr.X("setup.key_password", "Password of the encrypted key") + ": ")
	}, sel)
	if err != nil {
		return err
	}
	for _, w := range warns {
		printWarning(r.e.Out, r.e.tr, w)
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.key_imported", "Imported the key (%s, fingerprint %s) into the keychain.", k.Algorithm, k.Fingerprint))
	return nil
}

// printSPF shows the SPF record to publish with each term's change.
func (r *setupRun) printSPF(plan *wizard.HostedPlan) {
	a, sug := plan.SPF.Analysis, plan.SPF.Suggestion
	if a.Record != "" {
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.spf_now", "SPF now (%s): %s", r.e.tr.Text(spf.LookupCountText(a.Lookups)), a.Record))
	}
	r.printFindings(a.Findings)
	switch {
	case plan.SPF.Err != nil:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.spf_none", "No SPF record to publish: %s", wizard.SPFRefusal(r.e.tr, plan.SPF.Err)))
	case sug.Unchanged:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.spf_ok", "The SPF record already allows the service."))
	default:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.spf_new", "SPF to publish (%s): %s", r.e.tr.Text(spf.LookupCountText(sug.Lookups)), sug.Record))
		for _, c := range plan.Changes {
			switch c.Change {
			case "added":
				fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.spf_added", "added:   %s", c.Term))
			case "removed":
				fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.spf_removed", "removed: %s", c.Term))
			}
		}
		fmt.Fprintln(r.e.Out, "  "+r.e.tr.TextOr(sug.ReasonText, sug.Reason))
	}
}

func (r *setupRun) noReply() error {
	s := r.flow.State
	p, err := s.Profile()
	if err != nil {
		return err
	}
	fmt.Fprintln(r.e.Out, wizard.ReplyToAdvice(r.e.tr, s, p, r.discover()))
	on, err := r.ask.confirm("noreply.reply_to_from", r.e.tr.X("setup.replyto", "Copy the sender into Reply-To?"), s.Current().NoReply.ReplyToFrom)
	if err != nil {
		return err
	}
	return wizard.SetReplyToFrom(s, on)
}
