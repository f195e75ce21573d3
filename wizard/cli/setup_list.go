package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard"
)

// The transports step on the terminal: the ordered list with its rules
// and routes, and what the admin may do with it: add, change, move or
// remove a transport, rotate a DKIM key, drop a retired one.

// listAction is one entry of the transports step's menu.
type listAction int

const (
	actExport listAction = iota
	actAdd
	actSettings
	actRule
	actMoveUp
	actRemove
	actRotate
	actDropRetired
	actRoute
)

// transportList shows the transports with their rules and asks what next.
// done says the flow was moved (to add, change or rotate).
func (r *setupRun) transportList() (bool, int) {
	s := r.flow.State
	if i := wizard.FirstIncomplete(s); i >= 0 {
		// Transports answered ahead (a preset) are taken one by one.
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.next_transport", "Next: %q (%s) still needs its settings and checks.", s.Transports[i].Name, s.Transports[i].Type))
		if err := wizard.EditTransport(r.flow, i); err != nil {
			return false, r.ended(err)
		}
		return true, -1
	}
	for {
		r.showList()
		act, err := r.askAction()
		if err != nil {
			return false, r.ended(err)
		}
		if act == actExport {
			return false, -1
		}
		moved, err := r.doAction(act)
		if err != nil {
			if code := r.ended(err); code >= 0 {
				return false, code
			}
			continue
		}
		r.saver()
		if moved {
			return true, -1
		}
	}
}

func (r *setupRun) showList() {
	s := r.flow.State
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.list", "The service tries these top to bottom; the first whose rule fits the sender sends:"))
	for i, t := range s.Transports {
		fmt.Fprintf(r.e.Out, "  %d. %s (%s): %s\n", i+1, t.Name, t.Type, t.Match.String())
	}
	for _, w := range wizard.ShadowWarnings(r.e.tr, s) {
		fmt.Fprintln(r.e.Out, "  "+w)
	}
	for _, snd := range s.Senders {
		if i, err := wizard.Route(s, snd, ""); err == nil {
			fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.route", "%s is sent by %q.", snd, s.Transports[i].Name))
		} else {
			fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.route_none", "%s matches no rule: no transport sends it.", snd))
		}
	}
	if len(s.Retiring) > 0 {
		fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.retiring", "Old DKIM keys still in the document while the new ones propagate: %s.", strings.Join(s.Retiring, ", ")))
	}
}

// askAction offers what can be done now; exporting is the default.
func (r *setupRun) askAction() (listAction, error) {
	s := r.flow.State
	acts := []listAction{actExport, actAdd}
	labels := []string{r.e.tr.X("setup.act.export", "Review and export"), r.e.tr.X("setup.act.add", "Add a transport (another sender, subsystem or domain)")}
	if len(s.Transports) > 0 {
		acts = append(acts, actSettings, actRule)
		labels = append(labels, r.e.tr.X("setup.act.settings", "Change a transport's settings"), r.e.tr.X("setup.act.rule", "Change a transport's rule"))
	}
	if len(s.Transports) > 1 {
		acts = append(acts, actMoveUp)
		labels = append(labels, r.e.tr.X("setup.act.move", "Move a transport up"))
	}
	if len(s.Transports) > 0 {
		acts = append(acts, actRemove)
		labels = append(labels, r.e.tr.X("setup.act.remove", "Remove a transport"))
	}
	if len(wizard.Rotatable(s)) > 0 {
		acts = append(acts, actRotate)
		labels = append(labels, r.e.tr.X("setup.act.rotate", "Rotate a DKIM key: a new key under a new selector, the old one kept until it may go"))
	}
	if len(s.Retiring) > 0 {
		acts = append(acts, actDropRetired)
		labels = append(labels, r.e.tr.X("setup.act.drop", "Drop the old DKIM keys (%s): the service has signed with the new ones for a week", strings.Join(s.Retiring, ", ")))
	}
	if len(s.Transports) > 0 {
		acts = append(acts, actRoute)
		labels = append(labels, r.e.tr.X("setup.act.route", "Which transport sends for an address?"))
	}
	i, err := r.ask.choose("transports", r.e.tr.X("setup.what_next", "What next?"), labels, 0)
	if err != nil {
		return actExport, err
	}
	return acts[i], nil
}

// doAction carries out one menu choice; moved says the flow went to
// another step.
func (r *setupRun) doAction(act listAction) (bool, error) {
	s := r.flow.State
	switch act {
	case actAdd:
		wizard.AddTransport(r.flow)
		p, err := s.Profile()
		if err != nil {
			return false, err
		}
		rule, err := r.askRule(p, transports.Match{Domain: s.Domain})
		if err != nil {
			return false, err
		}
		r.pendingRule = &rule
		return true, nil
	case actSettings:
		i, err := r.whichTransport(nil)
		if err != nil {
			return false, err
		}
		// Ask every setting again, with the current values as defaults.
		for _, f := range []string{"smtp.host", "smtp.auth"} {
			r.bad[f] = true
		}
		r.changing = true
		return true, wizard.EditTransport(r.flow, i)
	case actRule:
		i, err := r.whichTransport(nil)
		if err != nil {
			return false, err
		}
		p, err := s.Profile()
		if err != nil {
			return false, err
		}
		rule, err := r.askRule(p, s.Transports[i].Match)
		if err != nil {
			return false, err
		}
		return false, wizard.SetRule(s, i, rule)
	case actMoveUp:
		i, err := r.whichTransport(func(i int) bool { return i > 0 })
		if err == nil {
			wizard.MoveTransport(s, i, -1)
		}
		return false, err
	case actRemove:
		i, err := r.whichTransport(nil)
		if err != nil {
			return false, err
		}
		ok, err := r.ask.confirm("transports", r.e.tr.X("setup.remove_sure", "Remove %q? Its password and key stay in the keychain (mailwizard secrets forget removes them).", s.Transports[i].Name), false)
		if err == nil && ok {
			wizard.RemoveTransport(s, i)
		}
		return false, err
	case actRotate:
		return r.rotate()
	case actRoute:
		return false, r.route()
	case actDropRetired:
		dropped := wizard.DropRetired(s)
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.dropped", "Dropped %s from the document. Delete their records from the DNS too: %s.", strings.Join(dropped, ", "), retiredNames(dropped, s.Domain)))
	}
	return false, nil
}

// route answers "which transport sends for this address?" as the service
// will, with the subsystem when the service has them.
func (r *setupRun) route() error {
	s := r.flow.State
	addr, err := r.ask.ask("route.address", r.e.tr.X("setup.route_address", "Sender address"), "")
	if err != nil {
		return err
	}
	sub := ""
	if p, err := s.Profile(); err == nil && len(p.Subsystems) > 0 {
		if sub, err = r.ask.ask("route.subsystem", r.e.tr.X("setup.route_subsystem", "Part of the service (%s; - for none)", strings.Join(p.Subsystems, ", ")), "-"); err != nil {
			return err
		}
		if sub == "-" {
			sub = ""
		}
	}
	i, err := wizard.Route(s, addr, sub)
	switch {
	case err == nil:
		fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.route", "%s is sent by %q.", addr, s.Transports[i].Name))
	case errors.Is(err, transports.ErrNoTransport):
		fmt.Fprintln(r.e.Out, "  "+r.e.tr.X("setup.route_none", "%s matches no rule: no transport sends it.", addr))
	default:
		fmt.Fprintln(r.e.Err, r.e.tr.Error(err))
	}
	return nil
}

func retiredNames(selectors []string, domain string) string {
	names := wizard.RetiredRecordNames(selectors, domain)
	for i, n := range names {
		names[i] = "TXT " + n
	}
	return strings.Join(names, ", ")
}

// whichTransport asks for one transport of those ok allows (nil: all).
func (r *setupRun) whichTransport(ok func(int) bool) (int, error) {
	s := r.flow.State
	var idx []int
	var names []string
	for i, t := range s.Transports {
		if ok == nil || ok(i) {
			idx = append(idx, i)
			names = append(names, fmt.Sprintf("%s (%s): %s", t.Name, t.Type, t.Match.String()))
		}
	}
	if len(idx) == 1 {
		return idx[0], nil
	}
	i, err := r.ask.choose("transports", r.e.tr.X("setup.which_transport", "Which transport?"), names, 0)
	if err != nil {
		return 0, err
	}
	return idx[i], nil
}

// rotate makes a new key for a hosted transport under a new dated
// selector; the DNS step then asks for its record.
func (r *setupRun) rotate() (bool, error) {
	s := r.flow.State
	p, err := s.Profile()
	if err != nil {
		return false, err
	}
	rot := wizard.Rotatable(s)
	i := rot[0]
	if len(rot) > 1 {
		if i, err = r.whichTransport(func(i int) bool { return s.Transports[i].Hosted != nil && contains(rot, i) }); err != nil {
			return false, err
		}
	}
	algos := wizard.KeyAlgorithms(p)
	names := make([]string, len(algos))
	for i, a := range algos {
		names[i] = string(a)
	}
	a, err := r.ask.choose("dkim.algorithm", r.e.tr.X("setup.algorithm", "Key type (RSA-2048 is what every receiver verifies)"), names, 0)
	if err != nil {
		return false, err
	}
	old := s.Transports[i].Hosted.DKIM.Selector
	ctx, cancel := context.WithTimeout(r.e.ctx, time.Minute)
	defer cancel()
	k, err := wizard.RotateKey(ctx, r.env, s, i, algos[a])
	if err != nil {
		return false, err
	}
	fmt.Fprintln(r.e.Out, r.e.tr.X("setup.rotated", "New key under selector %s (%s, fingerprint %s). The old key (%s) stays in the document and its record in the DNS: mail signed with it keeps verifying while the new record propagates.",
		k.Selector, k.Algorithm, k.Fingerprint, old))
	r.flow.GoTo(wizard.StepDNS)
	return true, nil
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// askRule asks which mail a transport takes, starting from m.
func (r *setupRun) askRule(p *transports.Provider, m transports.Match) (transports.Match, error) {
	s := r.flow.State
	dom := m.Domain
	if dom == "" {
		dom = "-"
	}
	answer, err := r.ask.ask("match.domain", r.e.tr.X("setup.rule_domain", "For which domain (%s; .%s also takes its subdomains; - for any)", s.Domain, s.Domain), dom)
	if err != nil {
		return m, err
	}
	m.Domain = ""
	if answer != "-" {
		m.Domain = answer
	}
	local := m.LocalPart
	if local == "" {
		local = "-"
	}
	if local, err = r.ask.ask("match.local_part", r.e.tr.X("setup.rule_local", "Only for the sender with this part before @ (- for every sender)"), local); err != nil {
		return m, err
	}
	m.LocalPart = ""
	if local != "-" {
		m.LocalPart = local
	}
	if len(p.Subsystems) > 0 {
		if note := p.In(string(r.e.tr.Lang())).SubsystemsNote; note != "" {
			fmt.Fprintln(r.e.Out, note)
		}
		sub := m.Subsystem
		if sub == "" {
			sub = "-"
		}
		if sub, err = r.ask.ask("match.subsystem", r.e.tr.X("setup.rule_subsystem", "Only for this part of the service (%s; - for all)", strings.Join(p.Subsystems, ", ")), sub); err != nil {
			return m, err
		}
		m.Subsystem = ""
		if sub != "-" {
			m.Subsystem = sub
		}
	}
	return m, nil
}
