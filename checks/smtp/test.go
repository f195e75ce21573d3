package smtp

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/transports"
)

// TestOptions say what else to check besides the connection.
type TestOptions struct {
	Auth     transports.AuthMode // password, or none-ip-allowlist
	From     string              // an address of the domain to try as sender
	Resolver dnsq.Resolver       // for the host's addresses (reachability)
	// Provider and AllowList name the service and its IP ranges, for the
	// words about IP allow-listing.
	Provider  string
	AllowList []string
}

// Report is everything a test found, for people and for --json.
type Report struct {
	Server     string           `json:"server"`
	Addresses  []string         `json:"addresses,omitempty"`
	Connected  bool             `json:"connected"`
	Greeting   string           `json:"greeting,omitempty"`
	Extensions []string         `json:"extensions,omitempty"`
	TLS        *TLSInfo         `json:"tls,omitempty"`
	Auth       *AuthResult      `json:"auth,omitempty"`
	MailFrom   *MailFromResult  `json:"mail_from,omitempty"`
	Findings   []checks.Finding `json:"findings"`
	Transcript []Line           `json:"transcript"`
}

// AuthResult is the outcome of logging in.
type AuthResult struct {
	Mechanism string `json:"mechanism,omitempty"`
	OK        bool   `json:"ok"`
}

// MailFromResult is whether the server accepts a sender of the domain at
// MAIL FROM. It is not proof of a send-as right: Exchange and Microsoft 365
// check that only once the message is sent (5.7.60 after DATA).
type MailFromResult struct {
	Address string `json:"address"`
	OK      bool   `json:"ok"`
	// SendAsProven is always false here; only a delivered message
	// (Verify) proves that the login may send as this address.
	SendAsProven bool `json:"send_as_proven"`
}

// OK reports whether nothing failed.
func (r *Report) OK() bool { return r.Connected && checks.Worst(r.Findings) != checks.Error }

func (r *Report) add(sev checks.Severity, code string, msg, fix checks.Text) {
	r.Findings = append(r.Findings, checks.Finding{Check: "smtp", Severity: sev, Code: code}.Say(msg, fix))
}

// Test connects, checks TLS and the certificate, logs in (only over TLS),
// and tries a sender address at MAIL FROM, reporting each step. It is a
// test from the admin's desk: it proves the server, its TLS and the login;
// it does not prove that the service's servers can reach the host, nor a
// send-as right (only a delivered message does, see Verify), and it says so.
func Test(ctx context.Context, d Dialer, s Settings, to Timeouts, opts TestOptions) *Report {
	r := &Report{Server: fmt.Sprintf("%s:%d", s.Host, s.Port), Findings: []checks.Finding{}}
	r.checkReachable(ctx, s, opts)
	sess, err := Connect(ctx, d, s, to)
	if err != nil {
		var tlsInfo *TLSInfo
		if sess != nil {
			tlsInfo, r.TLS, r.Transcript = sess.TLS, sess.TLS, sess.Transcript.Lines()
		}
		r.Findings = append(r.Findings, Explain(err, s, tlsInfo))
		return r
	}
	r.Connected, r.Greeting, r.Extensions, r.TLS = true, sess.Greeting(), sess.Extensions(), sess.TLS
	r.judgeTransport(s, opts)
	if opts.Auth == transports.AuthPassword {
		r.Auth = &AuthResult{}
		if !sess.Encrypted() {
			r.Findings = append(r.Findings, Explain(&Failure{PhaseAuth, errAuthWithoutTLS}, s, sess.TLS))
		} else if mech, err := sess.Authenticate(s.Username, s.Password); err != nil {
			r.Auth.Mechanism = mech
			r.Findings = append(r.Findings, Explain(stopped(ctx, err), s, sess.TLS))
		} else {
			r.Auth.Mechanism, r.Auth.OK = mech, true
		}
	}
	if opts.From != "" && (r.Auth == nil || r.Auth.OK) {
		r.MailFrom = &MailFromResult{Address: opts.From}
		if err := sess.TryMailFrom(opts.From); err != nil {
			r.Findings = append(r.Findings, Explain(stopped(ctx, err), s, sess.TLS))
		} else {
			r.MailFrom.OK = true
			if opts.Auth == transports.AuthPassword && !strings.EqualFold(opts.From, s.Username) {
				r.add(checks.Info, "smtp.send-as-unproven",
					checks.T("smtp.send-as-unproven", "the server accepted %s as the sender at MAIL FROM, which does not prove that the login may send as that address: Microsoft 365 and Exchange check the send-as right only after the message itself", opts.From),
					checks.T("smtp.send-as-unproven.fix", "Prove it by sending a verification code as %s (smtp verify) to a mailbox you can read.", opts.From))
			}
		}
	}
	r.add(checks.Info, "smtp.desk-test", checks.T("smtp.desk-test", "this test ran from your computer: it proves the server, its TLS and the login, not that the service's servers can reach the host (their network and firewall rules differ)"),
		allowListFix(opts))
	sess.Close() // before reading the transcript, so it ends with QUIT
	r.Transcript = sess.Transcript.Lines()
	return r
}

// stopped says why a step failed when the whole test was cancelled or ran
// out of time meanwhile: the closed connection is our doing, not the
// server's.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	return &Failure{failedPhase(err), fmt.Errorf("%w (%v)", context.Cause(ctx), err)}
}

// judgeTransport adds what the settings themselves call for.
func (r *Report) judgeTransport(s Settings, opts TestOptions) {
	switch {
	case r.TLS == nil:
		r.add(checks.Warning, "smtp.unencrypted", checks.T("smtp.unencrypted", "the connection is not encrypted: mail crosses the network readable by anyone on the path"),
			checks.T("smtp.unencrypted.fix", "Choose 'starttls' or 'tls' if the server offers them."))
	case s.CertCheck == transports.CertSkip && !r.TLS.Verified:
		r.add(checks.Warning, "smtp.cert-not-checked",
			checks.T("smtp.cert-not-checked", "the certificate does not verify (%s), and checking is switched off: the service cannot tell this server from an impostor", r.TLS.VerifyProblemText),
			checks.T("smtp.cert-not-checked.fix", "Fix the certificate and set certificate checking to 'strict'."))
	}
	if isMicrosoft365(s.Host) && opts.Auth == transports.AuthPassword {
		r.add(checks.Warning, "smtp.m365-basic-auth-ending",
			checks.T("smtp.m365-basic-auth-ending", "Microsoft switches SMTP AUTH with a username and password off by default for existing tenants at the end of December 2026; this transport would then stop working"),
			checks.T("smtp.m365-basic-auth-ending.fix", "Prefer a connector: Exchange admin center > Mail flow > Connectors > Add a connector; from 'Partner organization' to 'Office 365'; identify the partner by IP address and add the service's IP ranges"+
				"%s; save. Then set authentication here to 'IP allow-list'.", rangesSuffix(opts)))
	}
	if opts.Auth == transports.AuthIPAllowlist {
		r.add(checks.Info, "smtp.allowlist-unproven",
			checks.T("smtp.allowlist-unproven", "with IP allow-listing no login is tried: whether the server relays for the service can only be proven from the service's own addresses"), allowListFix(opts))
	}
}

func rangesSuffix(opts TestOptions) string {
	if len(opts.AllowList) == 0 {
		return ""
	}
	return " (" + strings.Join(opts.AllowList, ", ") + ")"
}

func allowListFix(opts TestOptions) checks.Text {
	if len(opts.AllowList) == 0 {
		return checks.Text{}
	}
	if opts.Provider == "" {
		return checks.T("smtp.allowlist.fix.service", "Make sure the mail server and its firewall accept connections and relaying from the service's addresses: %s.", strings.Join(opts.AllowList, ", "))
	}
	return checks.T("smtp.allowlist.fix", "Make sure the mail server and its firewall accept connections and relaying from %s's addresses: %s.", opts.Provider, strings.Join(opts.AllowList, ", "))
}

func isMicrosoft365(host string) bool {
	h := strings.ToLower(host)
	return h == "smtp.office365.com" || strings.HasSuffix(h, ".outlook.com") || strings.HasSuffix(h, ".office365.com")
}

// checkReachable warns when the host resolves to an address the service's
// servers cannot reach: private, loopback, link-local or CGNAT.
func (r *Report) checkReachable(ctx context.Context, s Settings, opts TestOptions) {
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(s.Host); err == nil {
		addrs = append(addrs, ip)
	} else if opts.Resolver != nil {
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			if res, err := opts.Resolver.Lookup(ctx, s.Host, qt); err == nil {
				addrs = append(addrs, res.Addrs()...)
			}
		}
	}
	for _, ip := range addrs {
		r.Addresses = append(r.Addresses, ip.String())
		if dnsq.IsInternal(ip) {
			r.add(checks.Warning, "smtp.unreachable-address",
				checks.T("smtp.unreachable-address", "%s resolves to %s, an internal address: the hosted service cannot reach it from the internet", s.Host, ip.String()),
				checks.T("smtp.unreachable-address.fix", "Give the server's public name or address, and open the port to the service's IP ranges in the firewall."))
		}
	}
}
