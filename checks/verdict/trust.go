package verdict

import (
	"strings"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/taglist"
)

// Which Authentication-Results to believe (RFC 8601 sections 5 and 7.1):
// only those the receiving domain's own servers added. A sender can write
// any header it likes, Authentication-Results that claim a pass included,
// and a forwarder adds its own; both sit below the point where the message
// entered the receiver. So:
//
//   - the receiver's authserv-id is the one of the topmost
//     Authentication-Results field (the last server to handle the message
//     adds its fields on top);
//   - the message entered at the boundary: the receiver's Received field
//     for the hop from outside. Gmail and Postfix with opendkim, opendmarc
//     and policyd-spf put their results just below that Received field,
//     so the boundary is the lowest Received above the topmost results,
//     and the outside starts at the next Received down. Microsoft 365
//     names no authserv-id and puts its results above its Received field,
//     so there the boundary is the first Received below the results;
//   - trusted are the fields with the receiver's authserv-id above the
//     outside; every other one is reported as ignored, never used.

// Ignored is an Authentication-Results field that was not believed.
type Ignored struct {
	Results
	// Why is "other-id" (another server's: an earlier hop, or forged),
	// "outside" (the receiver's name, but below where the message entered:
	// forged), "original" (Microsoft's Authentication-Results-Original,
	// from an earlier hop) or "unreadable".
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
	boundary *Received
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
	aars := m.index("ARC-Authentication-Results")
	top := -1
	switch {
	case len(ars) > 0:
		top = ars[0]
	case len(aars) > 0:
		top = aars[0]
	}
	limit := len(m.Fields)
	if top >= 0 {
		limit = t.findBoundary(received, top, m)
		t.trustResults(m, ars, top, limit)
	} else {
		t.boundary = firstExternal(received)
	}
	for _, i := range m.index("Received-SPF") {
		if i < limit {
			r := ParseReceivedSPF(m.Fields[i].Value)
			r.Line, r.index = m.Fields[i].Line, i
			t.spf = &r
			break
		}
	}
	if rp := m.All("Return-Path"); len(rp) > 0 {
		t.hasRP = true
		t.mailFrom = ReturnPath(rp[0].Value)
		t.nullFrom = t.mailFrom == ""
	}
	t.readARC(m, limit)
	return t
}

// findBoundary sets the boundary Received and returns the index where the
// outside starts.
func (t *trace) findBoundary(received []Received, top int, m *Message) int {
	below, above := -1, -1
	for i, r := range received {
		if r.index > top {
			below = i
			break
		}
		above = i
	}
	id := ""
	if res, err := m.parseResults(top); err == nil {
		id = res.AuthservID
	}
	limit := len(m.Fields)
	switch {
	case id != "" && above >= 0:
		t.boundary = &received[above]
		if below >= 0 {
			limit = received[below].index
		}
	case below >= 0:
		t.boundary = &received[below]
		limit = received[below].index
	case above >= 0:
		t.boundary = &received[above]
	}
	return limit
}

// firstExternal is the topmost Received from a public address: without
// any results to go by, the best guess of where the message entered.
func firstExternal(received []Received) *Received {
	for i, r := range received {
		if dnsq.IsPublic(r.IP) {
			return &received[i]
		}
	}
	return nil
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

func (t *trace) trustResults(m *Message, ars []int, top, limit int) {
	topRes, err := m.parseResults(top)
	if err != nil {
		t.ignored = append(t.ignored, Ignored{Results: Results{Field: m.Fields[top].Name, Line: m.Fields[top].Line, Methods: []MethodResult{}}, Why: "unreadable"})
		return
	}
	t.receiver = &Receiver{AuthservID: topRes.AuthservID, Name: receiverName(topRes.AuthservID, m), Results: []*Results{}}
	for _, i := range ars {
		res, err := m.parseResults(i)
		switch {
		case err != nil:
			t.ignored = append(t.ignored, Ignored{Results: Results{Field: m.Fields[i].Name, Line: m.Fields[i].Line, Methods: []MethodResult{}}, Why: "unreadable"})
		case res.AuthservID != topRes.AuthservID:
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "other-id"})
		case i >= limit:
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "outside"})
		default:
			t.receiver.Results = append(t.receiver.Results, res)
		}
	}
	for _, i := range m.index("Authentication-Results-Original") {
		if res, err := ParseAuthResults(m.Fields[i].Value, false); err == nil {
			res.Field, res.Line, res.index = m.Fields[i].Name, m.Fields[i].Line, i
			t.ignored = append(t.ignored, Ignored{Results: *res, Why: "original"})
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
	// Microsoft names itself mx.microsoft.com in ARC but nothing in its
	// Authentication-Results: above the boundary, its set is its own.
	own := 0
	if s := sets[highest]; s != nil && t.receiver != nil && s.Results != nil && s.Results.index < limit &&
		(s.Results.AuthservID == t.receiver.AuthservID || t.receiver.AuthservID == "") {
		own = highest
		t.receiver.ARC = s
	}
	for n := 1; n <= highest; n++ {
		if s := sets[n]; s != nil && n != own {
			t.earlier = append(t.earlier, *s)
		}
	}
}

// receiverName says who the receiver is in words people know.
func receiverName(id string, m *Message) string {
	switch {
	case id == "mx.google.com" || strings.HasSuffix(id, ".google.com"):
		return "Gmail"
	case id == "" && isMicrosoft(m):
		return "Microsoft 365"
	}
	return id
}

func isMicrosoft(m *Message) bool {
	for _, f := range m.Fields {
		if strings.HasPrefix(strings.ToLower(f.Name), "x-ms-exchange-") {
			return true
		}
	}
	for _, f := range m.All("Received") {
		by := ParseReceived(f.Value).By
		if strings.HasSuffix(by, ".outlook.com") || strings.HasSuffix(by, ".office365.com") {
			return true
		}
	}
	return false
}
