package verdict

import "strings"

// Where a pasted header starts and ends. A paste often carries more than
// the header (Gmail's summary table above it, an mbox "From " line) and
// sometimes less than it was (a copy that lost the indent of folded
// lines). The start is found among runs of header lines; from there the
// header runs to the empty line before the body, and a line inside it
// that starts no field is read as part of the field above, rather than
// cutting the header there and losing what was above or below it.

// header is the part of the lines read as the header: [start, end), the
// lines inside it that start no field, and whether an empty line ends it
// (a body follows) rather than the end of the text or trailing text that
// is no header line.
type header struct {
	start, end int
	joined     []int
	blank      bool
}

// size is the header's length in bytes, CRLF line ends counted.
func (h header) size(lines []string) int {
	n := 0
	for _, l := range lines[h.start:h.end] {
		n += len(l) + 2
	}
	return n
}

// findHeader picks the header: the first run of header lines that carries
// trace or authentication fields and, read to its end, has a From field;
// else the first run with a From field that ends as a header ends (an
// empty line or the end of the text); else the first run with trace
// fields (which then lacks a From: ErrNoFrom names that).
func findHeader(lines []string) (header, bool) {
	var firstTrace, firstFrom *header
	for i := 0; i < len(lines); i++ {
		if !isFieldLine(lines[i]) {
			continue
		}
		b := scanRun(lines, i)
		if b.trace {
			h := extend(lines, i)
			if hasFrom(lines, h) {
				return h, true
			}
			if firstTrace == nil {
				firstTrace = &h
			}
			// No From up to h.end, so no run that starts before it has
			// one either: skip them, which keeps the search linear.
			i = max(b.end, h.end)
			continue
		}
		if b.from && firstFrom == nil && (b.blank || b.end == len(lines)) {
			h := extend(lines, i)
			firstFrom = &h
		}
		i = b.end
	}
	switch {
	case firstFrom != nil:
		return *firstFrom, true
	case firstTrace != nil:
		return *firstTrace, true
	}
	return header{}, false
}

// extend reads the header from start to the empty line that ends it. A
// run of lines that start no field is inside the header when header
// lines, or the empty line, follow it; at the end of the text it is not,
// and the header stops before it.
func extend(lines []string, start int) header {
	h := header{start: start}
	for j := start; j < len(lines); j++ {
		l := lines[j]
		switch {
		case strings.TrimSpace(l) == "": // trailing spaces from a copy still end the header
			h.end, h.blank = j, true
			return h
		case isWSP(l), isFieldLine(l):
			continue
		}
		k := j
		for k < len(lines) && strings.TrimSpace(lines[k]) != "" && !isWSP(lines[k]) && !isFieldLine(lines[k]) {
			k++
		}
		if k == len(lines) {
			h.end = j
			return h
		}
		for ; j < k; j++ {
			h.joined = append(h.joined, j)
		}
		j--
	}
	h.end = len(lines)
	return h
}

func hasFrom(lines []string, h header) bool {
	for _, l := range lines[h.start:h.end] {
		if name, _, ok := strings.Cut(l, ":"); ok && isFieldLine(l) && strings.EqualFold(strings.TrimRight(name, " \t"), "from") {
			return true
		}
	}
	return false
}

// run is a run of lines that each start a field or continue one.
type run struct {
	end   int
	blank bool // an empty line ends it
	trace bool // it has a trace or authentication field
	from  bool
}

// traceFields are the fields only a message that travelled carries; a
// summary table or a quoted header in a body has none of them.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "authentication-results": true, "arc-authentication-results": true,
	"dkim-signature": true, "received-spf": true, "delivered-to": true, "x-received": true, "arc-seal": true,
}

func scanRun(lines []string, start int) run {
	var r run
	j := start
	for ; j < len(lines); j++ {
		l := lines[j]
		switch {
		case strings.TrimSpace(l) == "":
			r.end, r.blank = j, true
			return r
		case isWSP(l):
		case isFieldLine(l):
			name, _, _ := strings.Cut(l, ":")
			name = strings.ToLower(strings.TrimRight(name, " \t"))
			r.trace = r.trace || traceFields[name]
			r.from = r.from || name == "from"
		default:
			r.end = j
			return r
		}
	}
	r.end = j
	return r
}

// dedent removes an indent that copying gave every line: when the first
// line with text starts with whitespace and is a header field after it,
// that whitespace is taken off every line that starts with it.
func dedent(lines []string) {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		trimmed := strings.TrimLeft(l, " \t")
		indent := l[:len(l)-len(trimmed)]
		if indent == "" || !isFieldLine(trimmed) {
			return
		}
		for i, m := range lines {
			lines[i] = strings.TrimPrefix(m, indent)
		}
		return
	}
}
