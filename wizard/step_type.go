package wizard

import (
	"fmt"
	"strings"
	"time"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard/i18n"
)

// The transport type step: hosted, no-reply or the admin's own server,
// only those the service offers, each with its cost, and a recommendation
// from what discovery found.

// TypeChoice is one transport type the service offers.
type TypeChoice struct {
	Type  transports.Type
	Title string
	Cost  string // what it takes, in one sentence
}

// TypeChoices lists the types p offers, in p's order.
func TypeChoices(tr *i18n.Translator, p *transports.Provider) []TypeChoice {
	var out []TypeChoice
	for _, t := range p.Transports {
		c := TypeChoice{Type: t}
		switch t {
		case transports.Hosted:
			c.Title = tr.X("type.hosted", "From %s's servers, with your domain as sender", p.Name)
			c.Cost = tr.X("type.hosted.cost", "Needs DNS changes: the SPF include and, best, a DKIM key. Mail shows your own address.")
		case transports.NoReply:
			c.Title = tr.X("type.noreply", "From %s's own address", p.Name)
			c.Cost = tr.X("type.noreply.cost", "No DNS changes. Recipients see %s as the sender and cannot simply reply.", orText(p.NoReplyAddress, tr.X("type.noreply.theirs", "the service's address")))
		case transports.SMTP:
			c.Title = tr.X("type.smtp", "Through your own mail server")
			c.Cost = tr.X("type.smtp.cost", "No DNS changes. Needs an account (or the service's addresses allowed) on a server the service can reach from the internet.")
		}
		out = append(out, c)
	}
	return out
}

// Recommendation is the type discovery suggests, with the reason.
type Recommendation struct {
	Type   transports.Type
	Reason string
}

// Recommend suggests a type among those p offers, for the reason the
// admin's answers and discovery give: no DNS access means no-reply (or
// the own server); a DMARC policy that enforces means hosted with DKIM;
// Microsoft 365, whose password SMTP is being switched off, means hosted,
// or a connector with IP allow-listing rather than a password.
func Recommend(tr *i18n.Translator, s *State, p *transports.Provider, d *Discovery) Recommendation {
	offers := func(t transports.Type) bool { return p.Supports(t) }
	switch {
	case s.DNSAccess != nil && !*s.DNSAccess && offers(transports.NoReply):
		return Recommendation{transports.NoReply, tr.X("recommend.no_dns", "You cannot change the DNS of %s: the no-reply address needs no DNS changes.", s.Domain)}
	case s.DNSAccess != nil && !*s.DNSAccess && offers(transports.SMTP):
		return Recommendation{transports.SMTP, tr.X("recommend.no_dns.smtp", "You cannot change the DNS of %s: your own mail server needs no DNS changes.", s.Domain)}
	}
	if d != nil && d.Report != nil {
		pol := ""
		if r := d.Report.Checks.DMARC; r != nil {
			pol = r.Policy
		}
		if (pol == "reject" || pol == "quarantine") && offers(transports.Hosted) && p.DKIM.Mode != "none" {
			return Recommendation{transports.Hosted, tr.X("recommend.dmarc", "%s has DMARC p=%s: mail from %s's servers passes it only with a DKIM signature, which this choice sets up.", s.Domain, pol, p.Name)}
		}
		if d.Report.Checks.MX.Provider == "microsoft365" && offers(transports.Hosted) {
			return Recommendation{transports.Hosted, tr.X("recommend.m365", "%s's mail is at Microsoft 365, which switches sending with a password over SMTP off by default: the service's own servers avoid that. For your own server, use a connector with IP allow-listing.", s.Domain)}
		}
	}
	if offers(transports.Hosted) {
		return Recommendation{transports.Hosted, tr.X("recommend.hosted", "Mail comes from your own address and does not depend on a server of yours.")}
	}
	return Recommendation{p.Transports[0], tr.X("recommend.only", "This is what %s offers.", p.Name)}
}

// ChooseType makes the transport being edited one of type typ, adding a
// transport when none is being edited, with the defaults the profile
// gives. The settings of the old type are dropped; its name and rule stay.
func (s *State) ChooseType(p *transports.Provider, typ transports.Type, now time.Time) error {
	if !p.Supports(typ) {
		return transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrUnknownValue, texts.T("wizard.type.not-offered", "%s does not offer %s transports", p.Name, typ))}}
	}
	t := s.Current()
	if t == nil {
		s.Transports = append(s.Transports, transports.Transport{Match: transports.Match{Domain: s.Domain}})
		s.Editing = len(s.Transports)
		t = s.Current()
	}
	if t.Type == typ && t.Name != "" {
		return nil
	}
	t.Type, t.Hosted, t.NoReply, t.SMTP = typ, nil, nil, nil
	t.Name = s.uniqueName(defaultName(s, p, typ), s.Editing-1)
	switch typ {
	case transports.Hosted:
		t.Hosted = &transports.HostedSettings{DKIM: defaultDKIM(p, now)}
	case transports.NoReply:
		t.NoReply = &transports.NoReplySettings{}
	case transports.SMTP:
		t.SMTP = &transports.SMTPSettings{Port: 587, Encryption: transports.EncryptSTARTTLS, CertCheck: transports.CertStrict,
			Auth: transports.AuthPassword, Mode: transports.ModeRelay}
	}
	return nil
}

// defaultName names a new transport in the admin's language; the name is
// theirs to change, and the service shows it in its settings.
func defaultName(s *State, p *transports.Provider, typ transports.Type) string {
	tr := i18n.New(s.Lang)
	switch typ {
	case transports.Hosted:
		return tr.X("name.hosted", "%s servers", p.Name)
	case transports.NoReply:
		return tr.X("name.noreply", "%s no-reply address", p.Name)
	}
	return tr.X("name.smtp", "Own mail server")
}

// uniqueName adds a number when another transport has the name already:
// secrets and evidence refer to transports by name.
func (s *State) uniqueName(name string, self int) string {
	candidate := name
	for n := 2; ; n++ {
		taken := false
		for i, t := range s.Transports {
			if i != self && strings.EqualFold(t.Name, candidate) {
				taken = true
			}
		}
		if !taken {
			return candidate
		}
		candidate = fmt.Sprintf("%s %d", name, n)
	}
}

// defaultDKIM is the profile's DKIM mode with a dated selector for a key
// made here, so that the next key gets a new one and both can be live
// while DNS changes.
func defaultDKIM(p *transports.Provider, now time.Time) transports.DKIMSettings {
	switch p.DKIM.Mode {
	case "generate":
		prefix := p.DKIM.DefaultSelector
		if prefix == "" {
			prefix = p.ID
		}
		return transports.DKIMSettings{Mode: transports.DKIMGenerate, Selector: dkimkey.SuggestSelector(prefix, now)}
	case "cname":
		return transports.DKIMSettings{Mode: transports.DKIMCNAME}
	}
	return transports.DKIMSettings{Mode: transports.DKIMNone}
}

func checkTransportType(s *State) error {
	t := s.Current()
	if t == nil || t.Type == "" {
		return transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrEmpty, texts.T("wizard.type.none", "no transport type chosen: choose how the service sends"))}}
	}
	p, err := s.Profile()
	if err != nil {
		return err
	}
	if !p.Supports(t.Type) {
		return transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrUnknownValue, texts.T("wizard.type.not-offered", "%s does not offer %s transports", p.Name, t.Type))}}
	}
	return nil
}

// dmarcPolicy is the policy discovery found, or "".
func (d *Discovery) dmarcPolicy() string {
	if d == nil || d.Report == nil || d.Report.Checks.DMARC == nil {
		return ""
	}
	return d.Report.Checks.DMARC.Policy
}
