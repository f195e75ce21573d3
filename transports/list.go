package transports

import (
	"fmt"
	"strings"

	"mailwizard/texts"
)

// List is the transports in the order they are tried: the first whose Match
// fits the sender sends the mail, as the services' own mailers do.
type List []Transport

// ErrNoTransport is returned by Select when no rule matches: the service
// would then fall back to its default, which the admin should know.
var ErrNoTransport = texts.Err(nil, texts.T("field.kind.no-transport", "transports: no transport matches this sender"))

// Select returns the index of the first transport that matches mail from
// the address from (domain may be internationalised) for subsystem.
func (l List) Select(from, subsystem string) (int, error) {
	addr, err := ParseAddress(from)
	if err != nil {
		return -1, &FieldError{Field: "from", Err: err}
	}
	subsystem = strings.TrimSpace(subsystem)
	for i, t := range l {
		if t.Match.Matches(addr, subsystem) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("%w: %s", ErrNoTransport, addr)
}

// Shadowed is a rule that can never be used because an earlier rule already
// matches every sender it would.
type Shadowed struct {
	Index int // the unreachable transport
	By    int // the earlier transport that takes its mail
}

func (s Shadowed) String() string { return s.Text().String() }

// Text is String's words for the faces.
func (s Shadowed) Text() texts.Text {
	return texts.T("field.shadowed", "transports[%d] is never used: transports[%d] comes first and matches every sender it would; move it up or narrow the earlier rule", s.Index, s.By)
}

// ShadowedRules lists every unreachable rule with the first earlier rule
// that covers it.
func (l List) ShadowedRules() []Shadowed {
	var out []Shadowed
	for j := range l {
		for i := 0; i < j; i++ {
			if l[i].Match.covers(l[j].Match) {
				out = append(out, Shadowed{Index: j, By: i})
				break
			}
		}
	}
	return out
}

// Validate checks every transport; names must be unique because secrets and
// evidence refer to a transport by name.
func (l List) Validate() error {
	var errs FieldErrors
	seen := map[string]int{}
	for i, t := range l {
		path := fmt.Sprintf("[%d]", i)
		errs.add(path, t.Validate())
		key := strings.ToLower(strings.TrimSpace(t.Name))
		if j, dup := seen[key]; dup && key != "" {
			errs.add(path+".name", texts.Err(ErrConflict, texts.T("field.transport.name-taken", "%q is already the name of transports[%d]", t.Name, j)))
		} else {
			seen[key] = i
		}
	}
	return errs.err()
}

// Find returns the transport named name (case-insensitive), or nil.
func (l List) Find(name string) *Transport {
	for i := range l {
		if strings.EqualFold(l[i].Name, name) {
			return &l[i]
		}
	}
	return nil
}
