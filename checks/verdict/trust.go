package verdict

import (
	"strings"

	"mailwizard/checks/taglist"
)

// Which Authentication-Results to believe (RFC 8601 sections 5 and 7.1):
// only those the receiving domain's own servers added. A sender can write
// any header it likes, Authentication-Results that claim a pass included,
// and a forwarder adds its own; both sit below the point where the message
// entered the receiver. So:
//
//   - the receiver's results are those of the topmost
//     Authentication-Results field (the last server to handle the message
//     adds its fields on top), or of the topmost ARC set when it wrote
//     only that;
//   - they are believed only when the Received field where the message
//     entered names the same operator in its by clause (entry.go), and
//     that field is not below the topmost hop from outside;
//   - trusted are the fields of that operator above the outside (the
//     next Received down from where the message entered); every other one
//     is reported as ignored, never used;
//   - with nothing to believe, the receiver's verdict is unknown, and the
//     hop where the message entered is only guessed: the topmost hop from
//     outside.

// Ignored is an Authentication-Results field that was not believed.
type Ignored struct {
	Results
	// Why is "other-id" (another server's: an earlier hop, or forged),
	// "outside" (the receiver's name, but below where the message entered:
	// forged), "not-receiver" (no Received field shows its server
	// receiving the message: forged, or a receiver that writes no trace),
	// "original" (Microsoft's Authentication-Results-Original, from an
	// earlier hop) or "unreadable".
	Why string `json:"why"`
}

// ARCSet is one ARC set (RFC 8617 section 4): who sealed the message at
// instance i and what it saw then.
type ARCSet struct {
	Instance int      `json:"instance"`
	Sealer   string   `json:"sealer,omitempty"`  // the ARC-Seal's d=
	Chain    string   `json:"chain,omitempty"`   // cv=: none, pass or fail
	Results  *Results `json:"results,omitempty"` // its ARC-Authentication-Results
}

// Receiver is what the receiving domain's own servers said.
type Receiver struct {
	AuthservID string `json:"authserv_id"`
	// Name is how people know the receiver: "Gmail", "Microsoft 365",
	// else the authserv-id.
	Name    string     `json:"name"`
	Results []*Results `json:"results"`
	// ARC is the receiver's own ARC set, when it sealed the message.
	ARC *ARCSet `json:"arc,omitempty"`
}

// methods returns the receiver's results for method, top to bottom.
func (r *Receiver) methods(method string) []MethodResult {
	if r == nil {
		return nil
	}
	var out []MethodResult
	results := r.Results
	if len(results) == 0 && r.ARC != nil && r.ARC.Results != nil {
		results = []*Results{r.ARC.Results} // a receiver that wrote only its ARC set
	}
	for _, res := range results {
		for _, m := range res.Methods {
			if m.Method == method {
				out = append(out, m)
			}
		}
	}
	return out
}

// first returns the receiver's first result for method.
func (r *Receiver) first(method string) (MethodResult, bool) {
	ms := r.methods(method)
	if len(ms) == 0 {
		return MethodResult{}, false
	}
	return ms[0], true
}

// trace is what the header says about the way the message came.
type trace struct {
	receiver *Receiver
	ignored  []Ignored
	earlier  []ARCSet // ARC sets of earlier hops, oldest first
	// boundary is the hop where the message entered; guessed says it is
	// only the topmost hop from outside, no receiver's results being
	// believed.
	boundary *Received
	guessed  bool
	// claimed is the authserv-id the untrusted results named ("" for
	// none, or Microsoft's nameless ones).
	claimed  string
	spf      *ReceivedSPF // the receiver's Received-SPF
	mailFrom string       // from the topmost Return-Path
	nullFrom bool         // Return-Path: <>
	hasRP    bool
}

// readTrace finds the receiver's results and the hop where the message
// entered.
func readTrace(m *Message) *trace {
	t := &trace{}
	var received []Received
	for _, i := range m.index("Received") {
		r := ParseReceived(m.Fields[i].Value)
		r.Line, r.index = m.Fields[i].Line, i
		received = append(received, r)
	}
	ars := m.index("Authentication-Results")
	var tops []int
	if len(ars) > 0 {
		tops = append(tops, ars[0])
	}
	if aars := m.index("ARC-Authentication-Results"); len(aars) > 0 {
		tops = append(tops, aars[0])
	}
	limit := -1
	for _, top := range tops {
		if limit = t.believe(m, received, ars, top); limit >= 0 {
			break
		}
	}
	if limit < 0 {
		limit = t.guess(m, received, ars)
	}
	for _, i := range m.index("Received-SPF") {
		if i < limit {
			r := ParseReceivedSPF(m.Fields[i].Value)
			r.Line, r.index = m.Fields[i].Line, i
			// Without the receiver's results, a Received-SPF that names
			// another address than the guessed hop may be the sender's.
			if !t.guessed || !r.ClientIP.IsValid() || t.boundary != nil && r.ClientIP == t.boundary.IP {
				t.spf = &r
			}
			break
		}
	}
	if rp := m.All("Return-Path"); len(rp) > 0 {
		t.hasRP = true
		t.mailFrom = ReturnPath(rp[0].Value)
		t.nullFrom = t.mailFrom == ""
	}
	for _, i := range m.index("Authentication-Results-Original") {
		if res, err := ParseAuthResults(m.Fields[i].Value, false); err == nil {
			res.Field, res.Line, res.index = m.Fields[i].Name, m.Fields[i].Line, i
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "original"})
		}
	}
	t.readARC(m, limit)
	return t
}

// believe trusts the results at field index top when the hop where the
// message entered names their operator, and returns the field index where
// the outside starts; -1 when they are not believed.
func (t *trace) believe(m *Message, received []Received, ars []int, top int) int {
	res, err := m.parseResults(top)
	if err != nil {
		return -1
	}
	b0, limit := structuralBoundary(received, top, res.AuthservID, len(m.Fields))
	if b0 < 0 {
		t.claimed = res.AuthservID
		return -1
	}
	b := followInside(received, b0)
	by := received[b0].By
	ext := topExternal(received)
	trusted := res.AuthservID == "" && isMicrosoftHost(by) ||
		res.AuthservID != "" && (sameOperator(res.AuthservID, by) || sameOperator(res.AuthservID, received[b].By))
	if !trusted || ext >= 0 && b > ext { // below the hop from outside: written before the message arrived
		t.claimed = res.AuthservID
		return -1
	}
	t.boundary = &received[b]
	t.receiver = &Receiver{AuthservID: res.AuthservID, Name: receiverName(res.AuthservID, by), Results: []*Results{}}
	t.trustResults(m, ars, limit)
	return limit
}

// guess takes the topmost hop from outside as where the message entered
// when no results are believed: the outside starts at the next Received
// down (none are inside without such a hop). Every Authentication-Results
// is reported as not the receiver's.
func (t *trace) guess(m *Message, received []Received, ars []int) int {
	t.guessed = true
	for _, i := range ars {
		res, err := m.parseResults(i)
		if err != nil {
			t.ignored = append(t.ignored, Ignored{Results: Results{Field: m.Fields[i].Name, Line: m.Fields[i].Line, Methods: []MethodResult{}}, Why: "unreadable"})
			continue
		}
		t.ignored = append(t.ignored, Ignored{Results: *res, Why: "not-receiver"})
	}
	ext := topExternal(received)
	if ext < 0 {
		return 0
	}
	t.boundary = &received[ext]
	if ext+1 < len(received) {
		return received[ext+1].index
	}
	return len(m.Fields)
}

// parseResults reads the Authentication-Results or
// ARC-Authentication-Results field at index i.
func (m *Message) parseResults(i int) (*Results, error) {
	f := m.Fields[i]
	res, err := ParseAuthResults(f.Value, strings.EqualFold(f.Name, "ARC-Authentication-Results"))
	if err != nil {
		return nil, err
	}
	res.Field, res.Line, res.index = f.Name, f.Line, i
	return res, nil
}

// trustResults sorts the Authentication-Results: the receiver's
// operator's above the outside are its own; the rest are ignored.
func (t *trace) trustResults(m *Message, ars []int, limit int) {
	id := t.receiver.AuthservID
	for _, i := range ars {
		res, err := m.parseResults(i)
		switch {
		case err != nil:
			t.ignored = append(t.ignored, Ignored{Results: Results{Field: m.Fields[i].Name, Line: m.Fields[i].Line, Methods: []MethodResult{}}, Why: "unreadable"})
		case id == "" && res.AuthservID != "", id != "" && !sameOperator(res.AuthservID, id):
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "other-id"})
		case i >= limit:
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "outside"})
		default:
			t.receiver.Results = append(t.receiver.Results, res)
		}
	}
}

// readARC sorts the ARC sets into the receiver's own (the highest
// instance, with its authserv-id, above the outside) and earlier hops'.
func (t *trace) readARC(m *Message, limit int) {
	sets := map[int]*ARCSet{}
	get := func(i int) *ARCSet {
		if sets[i] == nil {
			sets[i] = &ARCSet{Instance: i}
		}
		return sets[i]
	}
	for _, i := range m.index("ARC-Authentication-Results") {
		if res, err := m.parseResults(i); err == nil && get(res.Instance).Results == nil {
			get(res.Instance).Results = res
		}
	}
	for _, f := range m.All("ARC-Seal") {
		tags := taglist.ParseLenient(f.Value)
		n := atoi(tagValue(tags, "i"))
		if n < 1 || n > 50 {
			continue
		}
		s := get(n)
		s.Sealer, s.Chain = strings.ToLower(tagValue(tags, "d")), strings.ToLower(tagValue(tags, "cv"))
	}
	highest := 0
	for n := range sets {
		highest = max(highest, n)
	}
	// The receiver's own set is the highest, above the outside, sealed
	// under its operator's name: Microsoft names itself mx.microsoft.com
	// there, and nothing in its Authentication-Results. The seals are not
	// verified, so a set the sender wrote is never taken as the
	// receiver's: it stands below the outside, or names another operator.
	own := 0
	if s := sets[highest]; s != nil && t.receiver != nil && s.Results != nil && s.Results.index < limit &&
		t.ownID(s.Results.AuthservID) {
		own = highest
		t.receiver.ARC = s
	}
	for n := 1; n <= highest; n++ {
		if s := sets[n]; s != nil && n != own {
			t.earlier = append(t.earlier, *s)
		}
	}
}

// ownID reports whether an authserv-id in an ARC set is the receiver's.
func (t *trace) ownID(id string) bool {
	if t.receiver.AuthservID == "" {
		return sameOperator(id, "outlook.com") || id == ""
	}
	return sameOperator(id, t.receiver.AuthservID)
}
