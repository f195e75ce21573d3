package gui

import (
	"context"
	"encoding/json"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard"
)

// Discovery (the domain's MX provider, DNS host, current SPF, DKIM and
// DMARC) starts in the background as soon as the domain step is passed,
// without blocking the admin: the steps after it show its result when it
// arrives, through discoveryView.

// discoveryView is a page that shows discovery's result.
type discoveryView interface {
	discovered(*wizard.Discovery)
}

// discoveryTimeout bounds the whole look at the domain.
const discoveryTimeout = 30 * time.Second

// startDiscovery looks at the domain's DNS on a copy of the answers, unless
// a look at the same domain is done or under way.
func (u *ui) startDiscovery() {
	domain, err := transports.NormalizeDomain(u.flow.State.Domain)
	if err != nil || domain == u.discDomain {
		return
	}
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
	env := u.env
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), discoveryTimeout)
		defer cancel()
		d, err := wizard.Discover(ctx, env, &snap)
		u.do(func() {
			if err != nil || u.discDomain != domain {
				return // failed, or the domain changed meanwhile
			}
			u.disc = d
			if v, ok := u.view.(discoveryView); ok {
				v.discovered(d)
				u.relayout()
			}
		})
	}()
}

// discovery is the result for the current domain, or nil while it runs.
func (u *ui) discovery() *wizard.Discovery {
	if d, err := transports.NormalizeDomain(u.flow.State.Domain); err != nil || d != u.discDomain {
		return nil
	}
	return u.disc
}
