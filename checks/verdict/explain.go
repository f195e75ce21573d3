package verdict

import (
	"strings"

	"mailwizard/checks"
)

// Finding codes of the verdict (stable; scripts rely on them).
const (
	CodeHeadersOnly      = "verdict.headers-only"
	CodeHeaderCut        = "verdict.header-cut"
	CodeLinesSkipped     = "verdict.lines-skipped"
	CodeLinesJoined      = "verdict.lines-joined"
	CodeOtherDomain      = "verdict.other-domain"
	CodeNoResults        = "verdict.no-results"
	CodeUntrustedResults = "verdict.untrusted-results"
	CodeForwardedARC     = "verdict.forwarded-arc"
	CodeNoDKIMSignature  = "verdict.no-dkim-signature"
	CodeDKIMNotAligned   = "verdict.dkim-not-aligned"
	CodeBodyModified     = "verdict.body-modified"
	CodeDKIMFail         = "verdict.dkim-fail"
	CodeDKIMUnknown      = "verdict.dkim-unknown"
	CodeSPFNotAligned    = "verdict.spf-not-aligned"
	CodeSPFFail          = "verdict.spf-fail"
	CodeSPFUnchecked     = "verdict.spf-unchecked"
	CodeDNSChanged       = "verdict.dns-changed"
	CodeDMARCPass        = "verdict.dmarc-pass"
	CodeDMARCFails       = "verdict.dmarc-fails"
	CodeDMARCQuarantine  = "verdict.dmarc-would-quarantine"
	CodeDMARCReject      = "verdict.dmarc-would-reject"
	CodeDMARCUnknown     = "verdict.dmarc-unknown"
	CodeDMARCNoPolicy    = "verdict.dmarc-no-policy"
	CodeResultsConflict  = "verdict.results-conflict"
)

// explainer turns what was found into findings. Only a DMARC failure is
// an error (and a lookup that got no answer, a temporary one): the rest
// says why, or what is unknown, as warnings (or notes), so that the exit
// code follows DMARC, as the command-line contract says.
type explainer struct {
	rep    *Report
	m      *Message
	t      *trace
	opts   Options
	policy *policyFound
	out    []checks.Finding
}

func (e *explainer) add(sev checks.Severity, code string, msg, fix checks.Text) {
	e.out = append(e.out, checks.Finding{Check: "verdict", Severity: sev, Code: code}.Say(msg, fix))
}

func explain(rep *Report, m *Message, t *trace, opts Options, policy *policyFound, keyFindings []checks.Finding) []checks.Finding {
	e := &explainer{rep: rep, m: m, t: t, opts: opts, policy: policy, out: []checks.Finding{}}
	e.dmarcOutcome()
	e.input()
	e.trust()
	e.dkim()
	e.out = append(e.out, keyFindings...)
	e.spf()
	e.policyFindings()
	return e.out
}

// receiverWords names the receiver in a sentence.
func (e *explainer) receiverWords() checks.Text {
	if r := e.rep.Receiver; r != nil && r.Name != "" {
		return checks.Verbatim(r.Name)
	}
	return checks.T("verdict.the-receiver", "the receiving server")
}

// input says what was pasted, when it limits the verdict.
func (e *explainer) input() {
	if !e.m.HasBody() {
		e.add(checks.Info, CodeHeadersOnly,
			checks.T("verdict.headers-only", "only the header was pasted: the DKIM signatures are listed with the receiver's results, but whether the body still matches them cannot be checked here"),
			checks.T("verdict.headers-only.fix", "Paste the whole message (Gmail: Show original; Outlook: View message source) to check the signatures too."))
	}
	if e.m.SkippedText > 0 {
		e.add(checks.Info, CodeLinesSkipped,
			checks.T("verdict.lines-skipped", "the text above line %d is not part of the header and was not read: a summary or notes copied with the message source", e.m.Skipped+1), checks.Text{})
	}
	switch n := e.m.Joined; {
	case n == 1:
		e.add(checks.Info, CodeLinesJoined,
			checks.T("verdict.lines-joined.one", "line %d inside the header starts no header field: it was read as part of the field above it, as if the copy had lost its indent", e.m.JoinedAt), checks.Text{})
	case n > 1:
		e.add(checks.Info, CodeLinesJoined,
			checks.T("verdict.lines-joined", "%d lines inside the header, the first on line %d, start no header field: they were read as part of the field above them, as if the copy had lost their indent", n, e.m.JoinedAt), checks.Text{})
	}
	if e.m.StoppedAt > 0 {
		e.add(checks.Warning, CodeHeaderCut,
			checks.T("verdict.header-cut", "line %d is not a header line: the header was read up to there, and the rest was left out", e.m.StoppedAt), checks.Text{})
	}
	if e.rep.Domain != e.rep.FromDomain {
		e.add(checks.Info, CodeOtherDomain,
			checks.T("verdict.other-domain.sub", "the message is from %s, a domain under %s: this verdict is about %s, under the policy DMARC finds for it", e.rep.FromDomain, e.rep.Domain, e.rep.FromDomain), checks.Text{})
	}
}

// trust says whose results were used and whose were not, and whether the
// message was forwarded.
func (e *explainer) trust() {
	switch {
	case e.rep.Receiver != nil:
	case len(e.rep.Ignored) > 0 || len(e.rep.ARC) > 0:
		entered := checks.T("verdict.no-results.no-entry", "no Received field shows that server receiving the message")
		if b := e.t.boundary; b != nil && b.By != "" {
			entered = checks.T("verdict.no-results.entered", "the message entered at %s (line %d)", b.By, b.Line)
		}
		e.add(checks.Warning, CodeNoResults,
			checks.T("verdict.no-results.untrusted", "none of the results in the header can be trusted as the receiving server's own: they name %s, but %s. The receiver's verdict is unknown; our own check below stands alone", orNone(e.t.claimed), entered),
			checks.T("verdict.no-results.fix", "Paste the message as it arrived in the receiving mailbox."))
	default:
		e.add(checks.Warning, CodeNoResults,
			checks.T("verdict.no-results.none", "the header has no Authentication-Results of the receiving server, so its verdict is unknown and our own check below stands alone; a copy from the Sent folder, or a receiver that does not add them, looks like this"),
			checks.T("verdict.no-results.fix", "Paste the message as it arrived in the receiving mailbox."))
	}
	for _, ig := range e.rep.Ignored {
		claims := checks.Verbatim(summarize(&ig.Results))
		switch ig.Why {
		case "outside":
			e.add(checks.Warning, CodeUntrustedResults,
				checks.T("verdict.untrusted-results.outside", "the Authentication-Results on line %d carry the receiver's name %s but stand below the point where the message entered it: forged by the sender, or added by an earlier hop, so they were ignored (they said %s)", ig.Line, ig.AuthservID, claims), checks.Text{})
		case "other-id":
			e.add(checks.Info, CodeUntrustedResults,
				checks.T("verdict.untrusted-results", "the Authentication-Results on line %d were added by %s, not by %s: an earlier hop's, or forged, so they were ignored (they said %s)", ig.Line, orNone(ig.AuthservID), e.receiverWords(), claims), checks.Text{})
		case "not-receiver":
			e.add(checks.Info, CodeUntrustedResults,
				checks.T("verdict.untrusted-results.not-receiver", "the Authentication-Results on line %d name %s, which no Received field shows receiving the message, so they were ignored (they said %s)", ig.Line, orNone(ig.AuthservID), claims), checks.Text{})
		case "original":
			e.add(checks.Info, CodeUntrustedResults,
				checks.T("verdict.untrusted-results.original", "the Authentication-Results-Original on line %d are Microsoft's copy from an earlier hop; they were ignored (they said %s)", ig.Line, claims), checks.Text{})
		default:
			e.add(checks.Info, CodeUntrustedResults,
				checks.T("verdict.untrusted-results.unreadable", "the Authentication-Results on line %d could not be read, so they were ignored", ig.Line), checks.Text{})
		}
	}
	if n := len(e.rep.ARC); n > 0 {
		var names []string
		for _, s := range e.rep.ARC {
			names = append(names, arcName(s))
		}
		last := e.rep.ARC[n-1]
		saw := checks.T("verdict.forwarded-arc.nothing", "no results")
		if last.Results != nil && len(last.Results.Methods) > 0 {
			saw = checks.Verbatim(summarize(last.Results))
		}
		if e.rep.Receiver == nil {
			// Nothing the receiver wrote vouches for the sets, and their
			// seals are not verified here.
			e.add(checks.Info, CodeForwardedARC,
				checks.T("verdict.forwarded-arc.unverified", "the header carries ARC sets of %s (instance %d, which saw %s): a forwarder's, a mailing list's or a gateway's, or written by the sender; the seals are not verified here, so they were not used", strings.Join(dedupe(names), ", "), last.Instance, saw), checks.Text{})
			return
		}
		e.add(checks.Info, CodeForwardedARC,
			checks.T("verdict.forwarded-arc", "the message went through a forwarder, a mailing list or a gateway before it reached %s: %s sealed it with ARC (instance %d) and saw %s there", e.receiverWords(), strings.Join(dedupe(names), ", "), last.Instance, saw), checks.Text{})
	}
}

func arcName(s ARCSet) string {
	switch {
	case s.Results != nil && s.Results.AuthservID != "":
		return s.Results.AuthservID
	case s.Sealer != "":
		return s.Sealer
	}
	return "?"
}

// summarize lists the first result of each method: "spf=pass dkim=pass
// dmarc=pass".
func summarize(r *Results) string {
	var parts []string
	seen := map[string]bool{}
	for _, m := range r.Methods {
		if !seen[m.Method] {
			seen[m.Method] = true
			parts = append(parts, m.Method+"="+m.Result)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func orNone(id string) checks.Text {
	if id == "" {
		return checks.T("verdict.no-authserv-id", "a server that gave no name")
	}
	return checks.Verbatim(id)
}

// policyFindings passes on what checks/dmarc found wrong with the policy
// itself (none published, several, a syntax error) and a lookup that got
// no answer when the verdict is ours; its advice about report addresses
// is left to `check`.
func (e *explainer) policyFindings() {
	ours := e.rep.DMARC.Receiver == "" // a lookup that failed matters only to our own verdict
	for _, f := range e.policy.res.Findings {
		if f.Temporary && ours || !f.Temporary && f.Severity == checks.Error || f.Code == "dmarc.missing" {
			e.out = append(e.out, f)
		}
	}
}
