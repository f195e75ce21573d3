package wizard

import (
	"strings"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// ProviderFacts describes a service's profile for the admin, one line per
// fact, in tr's language: what the welcome step shows under the choice and
// what `mailwizard providers` prints. Both faces call this, so they say
// the same. The profile's own texts (description, notes) are the
// service's words: shown in tr's language where the profile has them in
// it, else as written.
func ProviderFacts(tr *i18n.Translator, p *transports.Provider) []string {
	p = p.In(string(tr.Lang()))
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	if p.Description != "" {
		add(p.Description)
	}
	var ways []string
	for _, t := range p.Transports {
		switch t {
		case transports.Hosted:
			ways = append(ways, tr.X("provider.way.hosted", "from the service's servers with your domain as sender"))
		case transports.NoReply:
			if p.NoReplyAddress != "" {
				ways = append(ways, tr.X("provider.way.noreply.address", "from the service's own address (%s)", p.NoReplyAddress))
			} else {
				ways = append(ways, tr.X("provider.way.noreply", "from the service's own no-reply address"))
			}
		case transports.SMTP:
			ways = append(ways, tr.X("provider.way.smtp", "through your own mail server"))
		}
	}
	if len(ways) > 0 {
		add(tr.X("provider.ways", "Sends: %s.", strings.Join(ways, "; ")))
	}
	switch {
	case p.SPFInclude != "" && len(p.SPFFallback) > 0:
		add(tr.X("provider.spf.fallback", "SPF: add include:%s to your domain's SPF record, or %s if the include would take the record past 10 DNS lookups.",
			p.SPFInclude, strings.Join(p.SPFFallback, " ")))
	case p.SPFInclude != "":
		add(tr.X("provider.spf", "SPF: add include:%s to your domain's SPF record.", p.SPFInclude))
	}
	lines = append(lines, dkimFacts(tr, p)...)
	if r := p.AllowlistRanges(); len(r) > 0 {
		shown := make([]string, len(r))
		for i, a := range r {
			shown[i] = tr.Text(a.DisplayText())
		}
		add(tr.X("provider.allowlist", "Own mail server: allow the service's addresses %s.", strings.Join(shown, ", ")))
	}
	if len(p.Subsystems) > 0 {
		add(tr.X("provider.subsystems", "Rules can match these parts of the service: %s.", strings.Join(p.Subsystems, ", ")))
		if p.SubsystemsNote != "" {
			add(p.SubsystemsNote)
		}
	}
	if c := supportContact(p.Support); c != "" {
		add(tr.X("provider.support", "Support: %s.", c))
	}
	return append(lines, p.Notes...)
}

// ProviderName is how the faces call a service: its name, except the
// fallback profile, whose name says what it is in the admin's language.
func ProviderName(tr *i18n.Translator, p *transports.Provider) string {
	if p.ID == "custom" && p.Name == "Other service" {
		return tr.X("provider.custom.name", "Other service")
	}
	return p.Name
}

func dkimFacts(tr *i18n.Translator, p *transports.Provider) []string {
	var lines []string
	d := p.DKIM
	switch d.Mode {
	case "generate":
		lines = append(lines, tr.X("provider.dkim.generate", "DKIM: this wizard makes a key pair; you publish the public key as a TXT record."))
		if len(d.Algorithms) > 0 {
			lines = append(lines, tr.X("provider.dkim.algorithms", "DKIM keys the service signs with: %s.", strings.Join(d.Algorithms, ", ")))
		}
		if d.Import {
			lines = append(lines, tr.X("provider.dkim.import", "DKIM: an existing private key (PEM) can be imported instead."))
		}
	case "cname":
		names := make([]string, len(d.CNAMEs))
		for i, c := range d.CNAMEs {
			names[i] = c.Name
		}
		lines = append(lines, tr.X("provider.dkim.cname", "DKIM: you publish %d CNAME records that point to the service's keys: %s.", len(d.CNAMEs), strings.Join(names, ", ")))
	}
	if d.Requires != "" && d.Mode != "none" {
		lines = append(lines, tr.X("provider.dkim.requires", "DKIM signing is available only with %s.", d.Requires))
	}
	return lines
}

func supportContact(s transports.Support) string {
	var parts []string
	for _, v := range []string{s.Email, s.Phone, s.URL} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}
