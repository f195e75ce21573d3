package verdict

import (
	"strings"
	"time"

	"mailwizard/checks"
	"mailwizard/transports"
)

// CheckName is the evidence check the verdict leaves in the configuration
// document: a real message arrived and was judged.
const CheckName = "mail.verdict"

// maxDetail keeps the evidence's sentence within the document's limit
// for a text (2,000 characters).
const maxDetail = 1000

// Evidence records the verdict for the configuration document: passed
// when the message passes DMARC; the receiver as server; the From
// address as sender; what the receiver said and what the re-check gave,
// in protocol words. The words come from a pasted message, so they are
// made printable: the document refuses control characters.
func (r *Report) Evidence(transport string, at time.Time) transports.Evidence {
	ev := transports.Evidence{Check: CheckName, Transport: transport, Passed: r.Passed, At: at.UTC().Truncate(time.Second),
		Origin: transports.OriginAdminDesk, Sender: checks.Printable(r.From)}
	if rc := r.Receiver; rc != nil {
		ev.Server = rc.Name
		if rc.AuthservID != "" && rc.AuthservID != rc.Name {
			ev.Server += " (" + rc.AuthservID + ")"
		}
		ev.Server = checks.Printable(ev.Server)
	}
	parts := []string{}
	if said := r.receiverSaid(); said != "" {
		parts = append(parts, "receiver: "+said)
	}
	parts = append(parts, "re-checked: "+r.recheck())
	ev.Detail = checks.Printable(strings.Join(parts, "; "))
	if len(ev.Detail) > maxDetail {
		ev.Detail = strings.ToValidUTF8(ev.Detail[:maxDetail], "") + "…"
	}
	return ev
}

// receiverSaid is the receiver's spf, dkim and dmarc results.
func (r *Report) receiverSaid() string {
	var out []string
	for _, m := range []string{"spf", "dkim", "dmarc"} {
		if res, ok := r.Receiver.first(m); ok {
			out = append(out, m+"="+res.Result)
		}
	}
	return strings.Join(out, " ")
}

// recheck is what SPF, each DKIM signature and DMARC gave now.
func (r *Report) recheck() string {
	spf := r.SPF.Result
	if spf == "" {
		spf = "unchecked"
	}
	out := []string{"spf=" + spf + " (" + orDash(r.SPF.Domain) + ")"}
	for _, s := range r.DKIM {
		out = append(out, "dkim="+s.Result+" (d="+s.Domain+" s="+s.Selector+")")
	}
	if len(r.DKIM) == 0 {
		out = append(out, "dkim=none")
	}
	d := "dmarc=" + r.DMARC.Result
	if r.DMARC.Policy != "" {
		d += " (p=" + r.DMARC.Policy + ")"
	}
	return strings.Join(append(out, d), " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
