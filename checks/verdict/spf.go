package verdict

import (
	"context"
	"net/netip"
	"strings"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/spf"
)

// SPFCheck is SPF as the receiver saw it and as we evaluate it now, for
// the same connecting address, MAIL FROM and HELO.
type SPFCheck struct {
	IP string `json:"ip"` // the connecting address; "" when the header does not say
	// IPFrom says where the address was read: "received-spf",
	// "authentication-results" or "received".
	IPFrom   string `json:"ip_from,omitempty"`
	HELO     string `json:"helo,omitempty"`
	MailFrom string `json:"mail_from"` // "" for the null sender
	// Domain is the domain SPF is about: MAIL FROM's, or HELO's for the
	// null sender (RFC 7208 section 2.4).
	Domain string `json:"domain"`
	// Receiver is the receiver's result; "" when it gave none.
	Receiver string `json:"receiver"`
	// Result is ours, evaluated now; "" when it could not be (no address,
	// or one inside the receiver's network).
	Result  string    `json:"result"`
	Problem string    `json:"problem,omitempty"`
	Matched string    `json:"matched,omitempty"`
	Aligned Alignment `json:"aligned"`
	// Guessed says the address is only a guess at where the message
	// entered: no results of the receiver were believed, so the topmost
	// hop from outside stands in for its own Received field. A failure for
	// it proves nothing (it may be a hop inside the receiver, or one
	// before a forwarder); a pass is the domain's own server.
	Guessed bool `json:"guessed,omitempty"`
	// internal: the address is not a public one, so the header does not
	// show where the message entered.
	internal bool
}

// checkSPF finds the connecting address, MAIL FROM and HELO the receiver
// had, and evaluates SPF for them with our evaluator, against DNS as it
// is now.
func checkSPF(ctx context.Context, r dnsq.Resolver, t *trace, from string) SPFCheck {
	var c SPFCheck
	recv, haveRecv := t.receiver.first("spf")
	if haveRecv {
		c.Receiver = recv.Result
	}
	ip := c.findIP(t, recv)
	c.findSender(t, recv)
	c.Domain = c.HELO
	if c.MailFrom != "" {
		_, c.Domain, _ = strings.Cut(c.MailFrom, "@")
	}
	c.Domain = strings.ToLower(strings.TrimSuffix(c.Domain, "."))
	c.Aligned = alignment(c.Domain, from)
	if !ip.IsValid() {
		return c
	}
	c.IP, c.Guessed = ip.String(), t.guessed
	if !dnsq.IsPublic(ip) {
		c.internal = true
		return c
	}
	if c.Domain == "" {
		return c
	}
	v := (&spf.Evaluator{Resolver: r}).CheckHost(ctx, ip, c.MailFrom, c.HELO)
	c.Result, c.Problem, c.Matched = string(v.Result), v.Problem, v.Matched
	return c
}

// findIP takes the connecting address from the receiver's Received-SPF,
// else from its SPF result (Microsoft: "(sender IP is 192.0.2.1)",
// Gmail: "designates 192.0.2.1 as permitted sender"), else from the
// Received field where the message entered.
func (c *SPFCheck) findIP(t *trace, recv MethodResult) netip.Addr {
	if t.spf != nil && t.spf.ClientIP.IsValid() {
		c.IPFrom = "received-spf"
		return t.spf.ClientIP
	}
	for _, text := range recv.Comments {
		if ip, ok := lastAddress(text); ok {
			c.IPFrom = "authentication-results"
			return ip
		}
	}
	for _, m := range t.receiver.methods("iprev") {
		if ip, ok := addressLiteral(m.Prop("policy.iprev")); ok {
			c.IPFrom = "authentication-results"
			return ip
		}
	}
	if t.boundary != nil && t.boundary.IP.IsValid() {
		c.IPFrom = "received"
		return t.boundary.IP
	}
	return netip.Addr{}
}

// findSender takes MAIL FROM from the topmost Return-Path (written at
// delivery), else the receiver's Received-SPF or SPF result; HELO from
// the same, else the Received field where the message entered.
func (c *SPFCheck) findSender(t *trace, recv MethodResult) {
	switch {
	case t.hasRP:
		c.MailFrom = t.mailFrom
	case t.spf != nil && t.spf.EnvelopeFrom != "":
		c.MailFrom = t.spf.EnvelopeFrom
	case recv.Prop("smtp.mailfrom") != "":
		c.MailFrom = recv.Prop("smtp.mailfrom")
		if !strings.Contains(c.MailFrom, "@") {
			// Microsoft names only the domain; the local part matters
			// only to records with %{l} macros.
			c.MailFrom = "postmaster@" + c.MailFrom
		}
	}
	switch {
	case t.spf != nil && t.spf.HELO != "":
		c.HELO = t.spf.HELO
	case recv.Prop("smtp.helo") != "":
		c.HELO = recv.Prop("smtp.helo")
	case t.boundary != nil:
		c.HELO = t.boundary.HELO
	}
}

// outcome says whether SPF's result is known, and whether it passed: by
// our evaluation, else by the receiver's word when we could not evaluate
// (no address, or a temporary error now). What the receiver said about a
// hop inside its own network says nothing about the sender, and a
// failure for a guessed address proves nothing.
func (c SPFCheck) outcome() (known, pass bool) {
	switch {
	case c.Result != "" && c.Result != string(spf.TempError):
		pass = c.Result == string(spf.Pass)
		return pass || !c.Guessed, pass
	case c.internal || c.Receiver == "":
		return false, false
	}
	return true, c.Receiver == "pass"
}
