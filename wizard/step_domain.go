package wizard

import (
	"context"
	"fmt"
	"strings"

	"mailwizard/checks/domaincheck"
	"mailwizard/texts"
	"mailwizard/transports"
)

// The domain step: the domain the service sends for (IDN allowed, stored
// in ASCII) and the addresses it sends as. A sender may be typed as a
// whole address or as a local part of the domain ("facturen").

func checkDomain(s *State) error {
	d, err := transports.NormalizeDomain(s.Domain)
	if err != nil {
		return transports.FieldErrors{{Field: "domain", Err: err}}
	}
	s.Domain = d
	var errs transports.FieldErrors
	seen := map[string]bool{}
	var senders []string
	for i, raw := range s.Senders {
		addr, err := senderAddress(raw, d)
		if err != nil {
			errs = append(errs, &transports.FieldError{Field: fmt.Sprintf("senders[%d]", i), Err: err})
			continue
		}
		if key := strings.ToLower(addr); !seen[key] {
			seen[key] = true
			senders = append(senders, addr)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	s.Senders = senders
	return nil
}

// senderAddress reads a sender as typed: an address of the domain or of a
// subdomain, or a local part of the domain.
func senderAddress(raw, domain string) (string, error) {
	t := strings.TrimSpace(raw)
	if !strings.Contains(t, "@") {
		if err := transports.CheckLocalPart(t); err != nil {
			return "", err
		}
		return t + "@" + domain, nil
	}
	a, err := transports.ParseAddress(t)
	if err != nil {
		return "", err
	}
	if a.Domain != domain && !strings.HasSuffix(a.Domain, "."+domain) {
		return "", texts.Err(transports.ErrConflict, texts.T("wizard.domain.foreign-address", "%s is not an address of %s: the service sends for that domain only", a, domain))
	}
	return a.String(), nil
}

// Discovery is what the domain already has, found when the domain step is
// passed: the mailbox provider, the DNS host, the SPF, DKIM and DMARC
// records and the selectors in use. It feeds the recommendation, the
// hosted step and the DNS step. It is not kept in the draft: a resumed
// wizard looks again, since DNS may have changed meanwhile.
type Discovery struct {
	Report *domaincheck.Report
}

// Discover runs the whole-domain check for the chosen service. Faces call
// it in the background as soon as the domain is known.
func Discover(ctx context.Context, env *Env, s *State) (*Discovery, error) {
	p, err := s.Profile()
	if err != nil {
		return nil, err
	}
	rep := domaincheck.Check(ctx, env.DNS, s.Domain, domaincheck.Options{Provider: p, Selector: s.hostedSelector(p)})
	return &Discovery{Report: rep}, nil
}

// hostedSelector is the selector the hosted transport signs with, or the
// profile's default.
func (s *State) hostedSelector(p *transports.Provider) string {
	for _, t := range s.Transports {
		if t.Hosted != nil && t.Hosted.DKIM.Selector != "" {
			return t.Hosted.DKIM.Selector
		}
	}
	return p.DKIM.DefaultSelector
}
