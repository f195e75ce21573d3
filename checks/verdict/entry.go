package verdict

import (
	"net/netip"
	"strings"

	"mailwizard/checks/dnsq"
)

// Where the message entered the receiver, and whose results to believe.
//
// A receiver's Authentication-Results name it by its authserv-id (RFC
// 8601 section 2.5); its Received field for the hop from outside names it
// in its by clause (RFC 5321 section 4.4). The results are believed only
// when both name the same operator: the authserv-id's organisational
// domain is the by host's. Anyone can write an authserv-id, but nothing a
// sender writes stands above the receiver's own Received field, so a
// sender cannot make the by host of the hop where the message entered
// say what it likes. Microsoft 365 names no authserv-id at all; its
// results are believed only when the hop below them is received by one
// of its hosts (*.mail.protection.outlook.com, *.prod.outlook.com,
// *.outlook.office365.com).
//
// What this cannot catch: a sender that connects straight to the
// receiver's MX and writes results with the receiver's own authserv-id
// into the message, when the receiver neither removes them (RFC 8601
// section 5 says it should) nor writes its own for the same method. The
// verdict then compares those results with the message itself and with
// the re-check (conflict.go).

// operators are organisational domains one operator receives mail under:
// Microsoft's hosts are in outlook.com and office365.com and its ARC
// sets say mx.microsoft.com; Apple's MX hosts are in me.com and its
// results say icloud.com.
var operators = map[string]string{
	"outlook.com": "microsoft", "office365.com": "microsoft", "microsoft.com": "microsoft",
	"icloud.com": "apple", "me.com": "apple", "mac.com": "apple",
}

// operator is who runs host: its organisational domain, or the name of an
// operator with several; "" for no host name (empty, or an address).
func operator(host string) string {
	host = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	if host == "" {
		return ""
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return ""
	}
	org := dnsq.OrgDomain(host)
	if op, ok := operators[org]; ok {
		return op
	}
	return org
}

// sameOperator reports whether two host names belong to one operator.
func sameOperator(a, b string) bool {
	op := operator(a)
	return op != "" && op == operator(b)
}

// isMicrosoftHost reports whether host is one of Microsoft 365's servers.
func isMicrosoftHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return strings.HasSuffix(h, ".outlook.com") || strings.HasSuffix(h, ".office365.com")
}

// fromOutside reports whether the hop came from a server of another
// operator on the internet: a public address, and a client name (HELO)
// that is not the receiving host's own operator's. Microsoft 365 and
// Gmail pass mail between their own hosts over public addresses.
func (r Received) fromOutside() bool {
	return dnsq.IsPublic(r.IP) && !sameOperator(r.HELO, r.By)
}

// topExternal is the index of the topmost hop from outside, -1 without
// one. Every hop above it was written after the message left the sender,
// so the hop where the message entered is this one or above it.
func topExternal(received []Received) int {
	for i, r := range received {
		if r.fromOutside() {
			return i
		}
	}
	return -1
}

// structuralBoundary is the receiver's Received field as the layout of
// results at field index top with authserv-id id says: Gmail, Postfix
// with its milters, iCloud and Yahoo put their results just below their
// Received field, so it is the lowest Received above them, and the
// outside starts at the next Received down; Microsoft 365 (no id) and
// Exim with add_header :at_start: put theirs above it, so it is the first
// Received below them, and only fields above it are inside. It returns
// the index into received (-1 without one) and the field index where the
// outside starts.
func structuralBoundary(received []Received, top int, id string, fields int) (int, int) {
	below, above := -1, -1
	for i, r := range received {
		if r.index > top {
			below = i
			break
		}
		above = i
	}
	switch {
	case id != "" && above >= 0:
		if below >= 0 {
			return above, received[below].index
		}
		return above, fields
	case below >= 0:
		return below, received[below].index
	case above >= 0:
		return above, fields
	}
	return -1, fields
}

// followInside walks down from the receiver's Received field while it
// records a hop inside the receiver (from a loopback or private address,
// or with no address) and the field below is the hop that reached that
// inside host: Fastmail's milter hop from localhost above its MX's
// Received, Yahoo's "from 10.x by atlas...yahoo.com" above "by 10.x",
// Postfix's LMTP delivery above its SMTP Received. The hop from outside
// is the one whose address SPF is about.
func followInside(received []Received, i int) int {
	for i+1 < len(received) {
		cur, next := received[i], received[i+1]
		if dnsq.IsPublic(cur.IP) {
			return i
		}
		linked := next.By != "" && (strings.EqualFold(next.By, cur.HELO) ||
			cur.IP.IsValid() && next.By == cur.IP.String() || sameOperator(next.By, cur.By))
		if !linked {
			return i
		}
		i++
	}
	return i
}

// receiverName says who the receiver is in words people know.
func receiverName(id, by string) string {
	switch {
	case id == "" && isMicrosoftHost(by):
		return "Microsoft 365"
	case operator(id) == "google.com":
		return "Gmail"
	case operator(id) == "apple":
		return "iCloud Mail"
	case operator(id) == "yahoo.com":
		return "Yahoo Mail"
	}
	return id
}
