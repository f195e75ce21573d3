package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
)

// Check is the findings' check name.
const Check = "publish"

// Codes of the findings that are no answer of the primary's.
const (
	CodeWindowsDNS    = "publish.windows-dns"        // a primary that takes no TSIG key
	CodeWindowsLikely = "publish.windows-dns-likely" // a zone with Active Directory's records
	CodeFailed        = "publish.failed"             // anything else
	CodeStopped       = "publish.stopped"            // the admin stopped it (Cancel, Ctrl+C)
)

// Explain words why the records were not published and what to change,
// on the server where that is the fix: each answer code of RFC 2136
// section 2.2 and RFC 8945 section 5.3.2 in words, with the lines for
// the server's configuration when the key is not allowed.
func Explain(err error) checks.Finding {
	if err == nil {
		return checks.Finding{}
	}
	if errors.Is(err, context.Canceled) {
		return explainStopped(err)
	}
	var w *WindowsDNS
	if errors.As(err, &w) {
		return explainWindows(w)
	}
	var e *Error
	if !errors.As(err, &e) {
		var de *dnsq.Error
		if errors.As(err, &de) {
			return dnsq.FailureFinding(Check, err)
		}
		return checks.Finding{Check: Check, Severity: checks.Error, Code: CodeFailed, Detail: err.Error()}.Say(
			checks.T("publish.failed", "the records were not published: %s", err.Error()), checks.Text{})
	}
	f := checks.Finding{Check: Check, Severity: checks.Error, Code: e.Code(), Temporary: e.Temporary()}
	if e.Err != nil {
		f.Detail = e.Err.Error()
	}
	zone, name, key := strings.TrimSuffix(e.Zone, "."), strings.TrimSuffix(e.Name, "."), strings.TrimSuffix(e.Key, ".")
	f = explainCode(f, e, zone, name, key)
	if e.MName != "" && !f.Temporary && (e.Kind == Answered || e.Kind == NotServed) {
		// The admin's server, not the SOA's primary: perhaps a secondary,
		// which refuses updates or does not know the key.
		note := checks.T("publish.mname.note", "The SOA names %s as the primary of %s: %s may be a secondary, which does not take updates.", e.MName, zone, e.Server)
		if !f.FixText.IsZero() {
			note = checks.Join(" ", f.FixText, note)
		}
		f = f.Say(f.MessageText, note)
	}
	if w := e.Windows; w != nil && e.Kind == Answered {
		note := checks.T("publish.windows-dns-likely.refused", "%s has Active Directory's records: if its primary is a Windows DNS server, which takes only updates signed with Kerberos, publish the records with these PowerShell commands on it (or add -ComputerName SERVER):\n%s",
			zone, strings.Join(w.Lines, "\n"))
		if !f.FixText.IsZero() {
			note = checks.Join(" ", f.FixText, note)
		}
		f = f.Say(f.MessageText, note)
	}
	return f
}

func explainCode(f checks.Finding, e *Error, zone, name, key string) checks.Finding {
	primaryFix := func(code string) checks.Text {
		if code == CodeNotZone {
			return checks.T("publish.notzone.fix", "Give the primary of the zone the records are in as the server: the one where that zone is edited (type primary in BIND, a master zone).")
		}
		return checks.T("publish.notauth.fix", "Give the primary of %s as the server: the one where the zone is edited (type primary in BIND, a master zone), not a secondary or a resolver.", zone)
	}
	switch e.Code() {
	case CodeUnanswered:
		return f.Say(checks.T("publish.unanswered", "the update went to %s, but no answer came back, so whether it was applied is not known", e.Server),
			checks.Join(" ", checks.T("publish.unanswered.fix", "Whether it arrived shows on the name servers."), againSafe()))
	case CodeUnreachable:
		return f.Say(checks.T("publish.unreachable", "the update could not be sent to %s: no answer", e.Server),
			checks.T("publish.unreachable.fix", "Check that the primary takes DNS over TCP on its port from this computer (a firewall may block it) and try again, or give the right server."))
	case CodeNoPrimary:
		return f.Say(checks.T("publish.no-primary", "the SOA record of %s names no primary with an address (%s)", zone, orDash(e.Server)),
			checks.T("publish.no-primary.fix", "Give the address of the server that holds the zone (its primary) as the server."))
	case CodeNotAuth:
		if e.Kind == NotServed && e.Rcode == dns.RcodeNotZone {
			return f.Say(checks.T("publish.notauth.outside", "%s is not in the zone %s", name, zone), primaryFix(CodeNotZone))
		}
		return f.Say(checks.T("publish.notauth", "%s is not the primary of %s: it does not answer for the zone with authority (%s)", e.Server, zone, rcodeName(e.Rcode)), primaryFix(CodeNotAuth))
	case CodeChanged:
		fix := checks.T("publish.changed.fix", "Look again: check the domain again, so that the new record is made from what is there now (resolvers may show the old records until their TTL has passed).")
		switch {
		case e.Records == 0:
			return f.Say(checks.T("publish.changed.none", "the SPF record of %s changed since the new one was made from it: the server now holds no SPF record", name), fix)
		case e.Records > 1:
			return f.Say(checks.T("publish.changed.several", "%s has %d SPF records on the server, not those the new record was made from: %s", name, e.Records, e.Found), fix)
		}
		return f.Say(checks.T("publish.changed", "the SPF record of %s changed since the new one was made from it: the server now holds %s", name, orDash(e.Found)), fix)
	case CodeConflict:
		return f.Say(checks.T("publish.conflict", "%s already holds %s, which the new record cannot stand beside", name, e.Found),
			checks.T("publish.conflict.fix", "mailwizard does not remove a record that may be in use. If it is not, delete it on the server and publish again; for a DKIM key another selector avoids the clash."))
	case CodeDelegated:
		child := strings.TrimSuffix(e.Found, ".")
		return f.Say(checks.T("publish.delegated", "%s is in the zone %s, which %s delegates to other name servers (%s): an update for it must go to the primary of %s, not of %s",
			name, child, zone, strings.Join(e.Nameservers, ", "), child, zone),
			checks.T("publish.delegated.fix", "mailwizard sends one update to one zone's primary: publish the records by hand, those under %s on the primary of %s.", child, child))
	case CodeUnsigned:
		return f.Say(checks.T("publish.unsigned", "%s answered the signed update without a signature, so its answer cannot be trusted", e.Server),
			checks.T("publish.unsigned.fix", "Something between (a DNS proxy or a firewall that rewrites DNS) or the server itself does not take TSIG: send the update to the primary itself. Whether the records arrived shows on the name servers."))
	case CodeUnverified:
		return f.Say(checks.T("publish.unverified", "the signature on the answer of %s did not verify, so its answer cannot be trusted", e.Server),
			checks.T("publish.unverified.fix", "Something between (a DNS proxy or a firewall that rewrites DNS) or the server itself does not take TSIG: send the update to the primary itself. Whether the records arrived shows on the name servers."))
	case CodeBadSig:
		return f.Say(checks.T("publish.badsig", "%s knows the key %s, but the signature did not verify: the secret is not the server's (BADSIG)", e.Server, key),
			checks.T("publish.badsig.fix", "Copy the secret again from the key statement on the server, key \"%s\" { algorithm %s; secret \"...\"; };, and check that the algorithm is the same on both sides.", key, e.Algorithm))
	case CodeBadKey:
		return f.Say(checks.T("publish.badkey", "%s does not know a key %s with algorithm %s (BADKEY)", e.Server, key, e.Algorithm),
			checks.T("publish.badkey.fix", "Give the key name and algorithm exactly as in the server's key statement. On BIND the key must be in named.conf (include the key file) and loaded (rndc reconfig); on Knot in the key section of knot.conf."))
	case CodeBadTime:
		if e.ServerTime.IsZero() {
			return f.Say(checks.T("publish.badtime.unknown", "the clocks of this computer and %s differ by more than the %d seconds a signature allows (BADTIME)", e.Server, fudge), clockFix())
		}
		return f.Say(checks.T("publish.badtime", "the clocks of this computer and %s differ by %s, more than the %d seconds a signature allows (BADTIME); the server's clock says %s UTC",
			e.Server, skewWords(e.Skew), fudge, e.ServerTime.UTC().Format("2006-01-02 15:04:05")), clockFix())
	case CodeRefused:
		return f.Say(checks.T("publish.refused", "%s refused the update (REFUSED): the key %s may not change %s, or the server does not take updates for the zone", e.Server, key, strings.Join(grantNames(e.Grants), ", ")),
			checks.T("publish.refused.fix", "Allow the key to change these records on the server. BIND, in the zone statement of %s: %s then rndc reconfig. Knot: an acl with key %s and action update, set on the zone. "+
				"PowerDNS, in pdns.conf: dnsupdate=yes (off by default) and this computer's address in allow-dnsupdate-from (default 127.0.0.0/8,::1), then restart it; and pdnsutil set-meta %s TSIG-ALLOW-DNSUPDATE %s.",
				zone, Policy(key, e.Grants), key, zone, key))
	case CodeYXRRSet:
		return f.Say(checks.T("publish.yxrrset", "the records on the server changed between reading them and sending the update (a record that was not there is there now: YXRRSET), so nothing was changed"),
			checks.T("publish.yxrrset.fix", "Look again: publish again, which reads the records on the server anew and makes the update from what is there now."))
	case CodeNXRRSet:
		return f.Say(checks.T("publish.nxrrset", "the records on the server changed between reading them and sending the update (the records read are no longer all there: NXRRSET), so nothing was changed"),
			checks.T("publish.nxrrset.fix", "Look again: publish again, which reads the records on the server anew and makes the update from what is there now."))
	case CodeYXDomain:
		return f.Say(checks.T("publish.yxdomain", "a name the update adds a CNAME at holds other records (YXDOMAIN), so nothing was changed"),
			checks.T("publish.yxdomain.fix", "A CNAME must stand alone at its name: remove the other records there on the server if they are not in use, then publish again."))
	case CodeNotZone:
		return f.Say(checks.T("publish.notzone", "a name of the update is not in the zone %s (NOTZONE)", zone), primaryFix(CodeNotZone))
	case CodeNotImp:
		return f.Say(checks.T("publish.notimp", "%s does not take dynamic updates (NOTIMP)", e.Server),
			checks.T("publish.notimp.fix", "Publish the records by hand, or turn on dynamic updates (RFC 2136) for the zone on the server (PowerDNS: dnsupdate=yes in pdns.conf)."))
	case CodeServFail:
		return f.Say(checks.T("publish.servfail", "%s failed to apply the update (SERVFAIL)", e.Server),
			checks.T("publish.servfail.fix", "Try again later. If it stays, the server's log says why (on BIND often the rights on the zone's journal file)."))
	case CodeTSIGError:
		return f.Say(checks.T("publish.tsig-error", "%s did not accept the signature (%s)", e.Server, rcodeName(int(e.TSIGError))), checks.Text{})
	}
	return f.Say(checks.T("publish.rcode", "%s answered the update with %s, so nothing was changed", e.Server, rcodeName(e.Rcode)), checks.Text{})
}

// explainStopped words an update the admin stopped: no fault of the
// network's. Stopped after sending, it may have arrived; sending again is
// safe all the same, since the prerequisites make an update apply only to
// the records as they were read.
func explainStopped(err error) checks.Finding {
	f := checks.Finding{Check: Check, Severity: checks.Info, Code: CodeStopped}
	if !MayHaveArrived(err) {
		return f.Say(checks.T("publish.stopped.before", "stopped before the update was sent: nothing was changed"), checks.Text{})
	}
	return f.Say(checks.T("publish.stopped", "stopped: if the update had already gone out, the name servers will show it"), againSafe())
}

// againSafe says why an update that may have arrived can be sent again.
func againSafe() checks.Text {
	return checks.T("publish.again-safe", "Publishing again is safe: it reads the server anew, and an update applies only to the records as they were read.")
}

func clockFix() checks.Text {
	return checks.T("publish.badtime.fix", "Set the clock right on the side that is wrong (with NTP: timedatectl set-ntp true on Linux, w32tm /resync on Windows), then publish again.")
}

// explainWindows words a Windows DNS primary: said by the server
// itself, an error with the PowerShell lines instead of the update;
// only likely from the zone's records, a warning that gives the lines
// for that case and leaves the update to be tried.
func explainWindows(w *WindowsDNS) checks.Finding {
	lines := strings.Join(w.Lines, "\n")
	if !w.Definite() {
		f := checks.Finding{Check: Check, Severity: checks.Warning, Code: CodeWindowsLikely}
		return f.Say(checks.T("publish.windows-dns-likely", "%s has Active Directory's records (%s), so its primary %s is probably a Windows DNS server, which takes only updates signed with Kerberos (GSS-TSIG), not with a TSIG key",
			strings.TrimSuffix(w.Zone, "."), w.ADRecord, w.Server),
			checks.T("publish.windows-dns-likely.fix", "If so, the update will be refused: publish the records with these PowerShell commands on the DNS server (or add -ComputerName SERVER):\n%s", lines))
	}
	f := checks.Finding{Check: Check, Severity: checks.Error, Code: CodeWindowsDNS}
	return f.Say(checks.T("publish.windows-dns", "%s is Windows DNS (%s): it takes only updates signed with Kerberos (GSS-TSIG), not with a TSIG key", w.Server, w.Version),
		checks.T("publish.windows-dns.fix", "Publish the records with these PowerShell commands on the DNS server (or add -ComputerName SERVER):\n%s", lines))
}

// Policy is BIND's update-policy granting key exactly the names and
// types of an update: the least it needs.
func Policy(key string, grants []Grant) string {
	var b strings.Builder
	b.WriteString("update-policy {")
	for _, g := range grants {
		fmt.Fprintf(&b, " grant %s name %s %s;", strings.TrimSuffix(key, "."), dns.Fqdn(g.Name), g.Type)
	}
	b.WriteString(" };")
	return b.String()
}

func grantNames(grants []Grant) []string {
	var out []string
	for _, g := range grants {
		out = append(out, strings.TrimSuffix(g.Name, ".")+" "+g.Type)
	}
	return out
}

// skewWords says how far off the clocks are and which way.
func skewWords(d time.Duration) checks.Text {
	d = d.Round(time.Second)
	if d < 0 {
		return checks.T("publish.skew.behind", "%s (the server is behind)", (-d).String())
	}
	return checks.T("publish.skew.ahead", "%s (the server is ahead)", d.String())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
