package gui

import (
	"context"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailwizard/transports"
	"mailwizard/wizard"
)

// Discovery (the domain's MX provider, DNS host, current SPF, DKIM and
// DMARC) starts in the background as soon as the domain step is passed,
// without blocking the admin: Next and Back stay free, and a page's own
// checks run beside it. The steps after it show its result when it
// arrives, through discoveryView; while it runs, a page that waits for
// it says so in a discoveryNote, with Stop. It is stopped when the domain
// changes, when the admin stops it (the steps then go by the answers
// alone, until Look again), and when the window closes. It is not a
// footer task: a task belongs to one page and blocks Next, and the
// hosted and DNS steps run their own tasks meanwhile.

// discoveryView is a page that shows discovery's result.
type discoveryView interface {
	discovered(*wizard.Discovery)
}

// discoveryWaiter is a page that says, in its note, that discovery runs.
type discoveryWaiter interface {
	discoveryNote() *discoveryNote
}

// discoveryTimeout bounds the whole look at the domain: what was found by
// then is shown, the lookups that did not answer are findings.
const discoveryTimeout = 30 * time.Second

// discover is the look itself; tests put one in that waits for the cancel.
var discover = wizard.Discover

// startDiscovery looks at the domain's DNS on a copy of the answers, unless
// a look at the same domain is done or under way, or was stopped by the
// admin. A look at another domain is stopped first.
func (u *ui) startDiscovery() {
	domain, err := transports.NormalizeDomain(u.flow.State.Domain)
	if err != nil || domain == u.discDomain {
		return
	}
	u.stopDiscovery()
	raw, err := json.Marshal(u.flow.State)
	if err != nil {
		return
	}
	var snap wizard.State
	if json.Unmarshal(raw, &snap) != nil {
		return
	}
	snap.Domain = domain
	u.discDomain, u.disc = domain, nil
	env, look := u.env, discover
	ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
	// stopped is read and written on the UI goroutine only: the
	// goroutine below calls cancel, never u.discCancel.
	stopped := false
	u.discCancel = func() { stopped = true; cancel() }
	go func() {
		defer cancel()
		d, err := look(ctx, env, &snap)
		u.do(func() {
			if stopped || u.discDomain != domain {
				return // stopped, or replaced: whoever did it said so
			}
			u.discCancel = nil
			if err != nil {
				u.discDomain = "" // the next page looks again
				u.discoveryEnded(err)
				return
			}
			u.disc = d
			if v, ok := u.view.(discoveryView); ok {
				v.discovered(d)
			}
			u.discoveryEnded(nil)
		})
	}()
}

// stopDiscovery stops the look under way, if any; its result is dropped.
// The domain stays looked at, so the next page does not start it again.
func (u *ui) stopDiscovery() {
	if u.discCancel != nil {
		u.discCancel()
		u.discCancel = nil
	}
}

// forgetDiscovery stops discovery and drops what it found: the next page
// looks again (a document opened on the welcome step names another
// service).
func (u *ui) forgetDiscovery() {
	u.stopDiscovery()
	u.disc, u.discDomain = nil, ""
}

// discoveryRunning reports whether a look at the current domain is under way.
func (u *ui) discoveryRunning() bool {
	d, err := transports.NormalizeDomain(u.flow.State.Domain)
	return err == nil && d == u.discDomain && u.discCancel != nil
}

// discoveryEnded updates the page's note: the look ended with err (nil
// when it found what there is, or was stopped).
func (u *ui) discoveryEnded(err error) {
	if w, ok := u.view.(discoveryWaiter); ok && w.discoveryNote() != nil {
		w.discoveryNote().show(err)
	}
	u.relayout()
}

// discovery is the result for the current domain, or nil while it runs.
func (u *ui) discovery() *wizard.Discovery {
	if d, err := transports.NormalizeDomain(u.flow.State.Domain); err != nil || d != u.discDomain {
		return nil
	}
	return u.disc
}

// discoveryNote is a page's line about discovery: while it runs, what it
// looks for (the page's words), a spinner and Stop; once stopped or
// failed, that the steps go by the answers alone, and Look again; nothing
// once it found what there is.
type discoveryNote struct {
	u       *ui
	running string // the page's words while discovery runs
	box     *fyne.Container
	text    *widget.Label
	spinner *widget.Activity
	stop    *keyButton
	again   *keyButton
}

// newDiscoveryNote makes the note for a page that waits for discovery;
// running says what the page waits for ("Looking at the DNS of %s…").
func (u *ui) newDiscoveryNote(running string) *discoveryNote {
	tr := u.tr
	n := &discoveryNote{u: u, running: running, text: wrapped(""), spinner: widget.NewActivity()}
	n.stop = u.newButton(tr.X("discovery.stop", "Stop"), n.stopped)
	n.again = u.newButton(tr.X("discovery.again", "Look again"), n.lookAgain)
	// The spinner and buttons keep their own size, at the top of the
	// line, however many lines the text wraps to.
	n.box = container.NewBorder(nil, nil, container.NewVBox(n.spinner), container.NewVBox(container.NewHBox(n.stop, n.again)), n.text)
	n.show(nil)
	return n
}

// show lays the note out for discovery's state; err is how the last look
// failed, if it did.
func (n *discoveryNote) show(err error) {
	u, tr := n.u, n.u.tr
	switch {
	case u.discovery() != nil:
		n.spinner.Stop()
		n.box.Hide()
		return
	case u.discoveryRunning():
		n.text.SetText(n.running)
		n.spinner.Show()
		n.spinner.Start()
		n.stop.Show()
		n.again.Hide()
	default:
		if err != nil {
			n.text.SetText(tr.X("discovery.failed", "The DNS of %s could not be looked at: %s. The steps go by your answers alone.", u.flow.State.Domain, tr.Error(err)))
		} else {
			n.text.SetText(tr.X("discovery.stopped", "The DNS of %s was not looked at: the steps go by your answers alone.", u.flow.State.Domain))
		}
		n.spinner.Stop()
		n.spinner.Hide()
		n.stop.Hide()
		n.again.Show()
	}
	n.box.Show()
}

// stopped is Stop: discovery ends, and the page goes on without it.
func (n *discoveryNote) stopped() {
	n.u.stopDiscovery()
	n.show(nil)
	n.u.relayout()
}

// lookAgain is Look again: discovery starts anew for the domain.
func (n *discoveryNote) lookAgain() {
	n.u.forgetDiscovery()
	n.u.startDiscovery()
	n.show(nil)
	n.u.relayout()
}
