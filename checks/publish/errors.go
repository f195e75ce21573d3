package publish

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Kind says what went wrong on the way to a published record.
type Kind int

const (
	// Answered: the primary answered the update with an error: Rcode,
	// and for a key problem the TSIG RR's Error (RFC 8945 section 5.3.2).
	Answered Kind = iota
	// Unreachable: no answer (timeout, connection refused); temporary.
	Unreachable
	// NoPrimary: the SOA names no primary with an address.
	NoPrimary
	// NotServed: the primary's answer to a question was not
	// authoritative, or it refused the question: it does not serve the zone.
	NotServed
	// Changed: the SPF record on the primary is not the one the new
	// record was made from (someone changed it meanwhile).
	Changed
	// Conflict: a name holds a record the new one cannot stand beside.
	Conflict
	// Unsigned: the primary answered a signed update without a TSIG
	// record (RFC 8945 section 5.3: such an answer is not to be trusted).
	Unsigned
	// Unverified: the primary's answer carried a TSIG that did not verify.
	Unverified
	// Delegated: a name is in a child zone the zone delegates to other
	// name servers (Found, with its Nameservers): another primary's.
	Delegated
)

// Error is an update that did not happen, with what a person needs to
// put it right: the answer code, the server, the key and the names.
type Error struct {
	Kind   Kind
	Server string // the primary: host:port, or the MNAME
	Zone   string
	// MName is the primary the zone's SOA names, when the update went to
	// another server the admin gave: the likely cause of a refusal.
	MName     string
	Key       string // the key's name
	Algorithm string // hmac-sha256
	Rcode     int    // Answered: the response code
	TSIGError uint16 // Answered: the TSIG error (dns.RcodeBadSig, BadKey, BadTime)
	// Skew is the server's clock minus ours at BADTIME, read from the
	// TSIG Other Data (RFC 8945 section 5.2.3); ServerTime is its clock.
	Skew       time.Duration
	ServerTime time.Time
	// Name and Found are the record at fault (Changed, Conflict).
	Name, Found string
	// Records is how many SPF records the name holds now (Changed).
	Records int
	// Nameservers are the delegated child zone's (Delegated).
	Nameservers []string
	// Grants are the names and types the update touched, for the
	// server's policy (REFUSED).
	Grants []Grant
	// Windows is set when the zone's records suggested Windows DNS
	// (Plan.Windows): a refusal may be that server's.
	Windows *WindowsDNS
	// Sent: the update left this computer, and no answer that can be
	// trusted came back (none in time, a broken connection, an answer
	// without a valid signature): the primary may have applied it.
	Sent bool
	Err  error // the network's or miekg/dns's own error
}

// Grant is one name and type an update changes.
type Grant struct {
	Name string // fully qualified
	Type string // TXT, CNAME, MX
}

// ErrNotPublished is what every Error matches with errors.Is.
var ErrNotPublished = errors.New("publish: the records were not published")

func (e *Error) Is(target error) bool { return target == ErrNotPublished }

func (e *Error) Unwrap() error { return e.Err }

// MayHaveArrived reports whether err leaves open that the primary
// applied the update: it was sent, and no answer that can be trusted
// came back. Anything before sending, and every error code the primary
// answered, mean nothing was changed: a server checks the prerequisites
// before it changes anything and applies an update whole or not at all
// (RFC 2136 sections 3.2 and 3.4), and a TSIG error is answered before
// the update is looked at (RFC 8945 section 5.2).
func MayHaveArrived(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Sent
}

// Temporary reports that the same update may succeed later: no answer,
// or a server failure.
func (e *Error) Temporary() bool {
	return e.Kind == Unreachable || (e.Kind == Answered && e.Rcode == dns.RcodeServerFailure && e.TSIGError == 0)
}

func (e *Error) Error() string {
	zone := strings.TrimSuffix(e.Zone, ".")
	switch e.Kind {
	case Unreachable:
		if e.Sent {
			return fmt.Sprintf("publish: sent the update to %s, but no answer came: %v", e.Server, e.Err)
		}
		return fmt.Sprintf("publish: sending the update to %s: no answer: %v", e.Server, e.Err)
	case NoPrimary:
		if e.Err != nil {
			return fmt.Sprintf("publish: the primary of %s, %s: %v", zone, e.Server, e.Err)
		}
		return fmt.Sprintf("publish: the SOA of %s names no primary", zone)
	case NotServed:
		if e.Rcode == dns.RcodeNotZone && e.Name != "" {
			return fmt.Sprintf("publish: %s is not in the zone %s", strings.TrimSuffix(e.Name, "."), zone)
		}
		return fmt.Sprintf("publish: %s does not answer for %s with authority (%s)", e.Server, zone, rcodeName(e.Rcode))
	case Changed:
		return fmt.Sprintf("publish: the SPF records of %s changed: the server holds %d: %q", strings.TrimSuffix(e.Name, "."), e.Records, e.Found)
	case Conflict:
		return fmt.Sprintf("publish: %s already holds %s", strings.TrimSuffix(e.Name, "."), e.Found)
	case Unsigned:
		return fmt.Sprintf("publish: %s answered the signed update without a signature", e.Server)
	case Unverified:
		return fmt.Sprintf("publish: the signature of %s's answer did not verify: %v", e.Server, e.Err)
	case Delegated:
		return fmt.Sprintf("publish: %s is in the zone %s, delegated from %s to %s", strings.TrimSuffix(e.Name, "."), strings.TrimSuffix(e.Found, "."), zone, strings.Join(e.Nameservers, ", "))
	}
	if e.TSIGError != 0 {
		return fmt.Sprintf("publish: %s refused the key %s: %s", e.Server, strings.TrimSuffix(e.Key, "."), rcodeName(int(e.TSIGError)))
	}
	return fmt.Sprintf("publish: %s answered the update of %s with %s", e.Server, zone, rcodeName(e.Rcode))
}

// Finding codes of the answers and faults (stable identifiers, as
// DESIGN.md's): the answer codes of RFC 2136 section 2.2 and the TSIG
// errors of RFC 8945 section 5.3.2, and what goes wrong before sending.
const (
	CodeUnreachable = "publish.unreachable"
	CodeUnanswered  = "publish.unanswered" // sent, but no answer came
	CodeNoPrimary   = "publish.no-primary"
	CodeNotAuth     = "publish.notauth"
	CodeChanged     = "publish.changed"
	CodeConflict    = "publish.conflict"
	CodeUnsigned    = "publish.unsigned"
	CodeUnverified  = "publish.unverified"
	CodeDelegated   = "publish.delegated"
	CodeBadSig      = "publish.badsig"
	CodeBadKey      = "publish.badkey"
	CodeBadTime     = "publish.badtime"
	CodeTSIGError   = "publish.tsig-error"
	CodeRefused     = "publish.refused"
	CodeYXRRSet     = "publish.yxrrset"
	CodeNXRRSet     = "publish.nxrrset"
	CodeYXDomain    = "publish.yxdomain"
	CodeNotZone     = "publish.notzone"
	CodeNotImp      = "publish.notimp"
	CodeServFail    = "publish.servfail"
	CodeRcode       = "publish.rcode"
)

// Code is the finding code (DESIGN.md's stable identifiers).
func (e *Error) Code() string {
	switch e.Kind {
	case Unreachable:
		if e.Sent {
			return CodeUnanswered
		}
		return CodeUnreachable
	case NoPrimary:
		return CodeNoPrimary
	case NotServed:
		return CodeNotAuth
	case Changed:
		return CodeChanged
	case Conflict:
		return CodeConflict
	case Unsigned:
		return CodeUnsigned
	case Unverified:
		return CodeUnverified
	case Delegated:
		return CodeDelegated
	}
	switch e.TSIGError {
	case dns.RcodeBadSig:
		return CodeBadSig
	case dns.RcodeBadKey:
		return CodeBadKey
	case dns.RcodeBadTime:
		return CodeBadTime
	case 0:
	default:
		return CodeTSIGError
	}
	switch e.Rcode {
	case dns.RcodeRefused:
		return CodeRefused
	case dns.RcodeNotAuth:
		return CodeNotAuth
	case dns.RcodeYXRrset:
		return CodeYXRRSet
	case dns.RcodeNXRrset:
		return CodeNXRRSet
	case dns.RcodeYXDomain:
		return CodeYXDomain
	case dns.RcodeNotZone:
		return CodeNotZone
	case dns.RcodeNotImplemented:
		return CodeNotImp
	case dns.RcodeServerFailure:
		return CodeServFail
	}
	return CodeRcode
}

// rcodeName is an RCODE or TSIG error as RFC 2136 and RFC 8945 name it.
func rcodeName(rc int) string {
	switch rc {
	case dns.RcodeBadSig: // 16 is BADVERS too; in a TSIG it is BADSIG
		return "BADSIG"
	case dns.RcodeBadKey:
		return "BADKEY"
	case dns.RcodeBadTime:
		return "BADTIME"
	}
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}
