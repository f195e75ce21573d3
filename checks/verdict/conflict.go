package verdict

import (
	"strings"

	"mailwizard/checks/dmarc"
)

// When the receiver's dmarc=pass is not the verdict. The receiver's
// results are believed only when the hop where the message entered names
// them (entry.go), but a sender that connects straight to the receiver
// can still write results with the receiver's name below that hop, and a
// receiver that does not remove them (RFC 8601 section 5) leaves them in
// the trusted window. Such a pass shows itself against the message and
// against the receiver's own other results:
const (
	// ConflictRecheck: checked again, the message fails DMARC for sure
	// (DNS changed since delivery, or the pass was written by the sender).
	ConflictRecheck = "recheck-fails"
	// ConflictNoSignature: the results say dkim=pass for a domain, and
	// the message has no DKIM-Signature of that domain.
	ConflictNoSignature = "no-signature"
	// ConflictUnbacked: the receiver's own spf and dkim results show no
	// aligned pass that a dmarc=pass needs (RFC 7489 section 6.6.2).
	ConflictUnbacked = "unbacked"
)

// conflictWith says why the receiver's dmarc=pass cannot stand, "" when
// it can (or when the receiver did not say pass).
func conflictWith(rep *Report, recv *Receiver, d DMARCCheck) string {
	if d.Receiver != "pass" && d.Receiver != "bestguesspass" {
		return ""
	}
	if d.Result == "fail" {
		return ConflictRecheck
	}
	for _, m := range recv.methods("dkim") {
		if dom := dkimResultDomain(m); m.Result == "pass" && dom != "" && !signedBy(rep.DKIM, dom) {
			return ConflictNoSignature
		}
	}
	if !backed(rep.FromDomain, recv) {
		return ConflictUnbacked
	}
	return ""
}

// dkimResultDomain is the domain a dkim result is for: header.d, else
// the domain of header.i.
func dkimResultDomain(m MethodResult) string {
	d := m.Prop("header.d")
	if d == "" {
		_, d, _ = strings.Cut(m.Prop("header.i"), "@")
	}
	return strings.ToLower(strings.TrimSuffix(d, "."))
}

func signedBy(sigs []Signature, domain string) bool {
	for _, s := range sigs {
		if s.Domain == domain {
			return true
		}
	}
	return false
}

// backed reports whether the receiver's spf and dkim results hold an
// aligned pass (relaxed: the weaker test, so that no real pass is called
// a conflict), or give no spf or dkim result at all to judge by. A
// result that does not name its domain counts as aligned.
func backed(from string, recv *Receiver) bool {
	seen := false
	aligned := func(d string) bool { return d == "" || dmarc.Aligned(d, from, dmarc.Relaxed) }
	for _, m := range recv.methods("dkim") {
		seen = true
		if m.Result == "pass" && aligned(dkimResultDomain(m)) {
			return true
		}
	}
	for _, m := range recv.methods("spf") {
		seen = true
		d := m.Prop("smtp.mailfrom")
		if d == "" {
			d = m.Prop("smtp.helo")
		}
		if i := strings.LastIndexByte(d, '@'); i >= 0 {
			d = d[i+1:]
		}
		if m.Result == "pass" && aligned(d) {
			return true
		}
	}
	return !seen
}
