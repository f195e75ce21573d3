// Package checks holds what every network check returns: findings with a
// severity, a stable code, a message for people and the exact fix. The
// checks themselves live in subpackages (dnsq, spf, dkim, dmarc, smtp,
// poll); each takes a context first and never prints or touches the UI.
package checks

// Severity orders findings: an error blocks the export, a warning is worth
// fixing, info only explains.
type Severity string

const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Finding is one result of a check. Code is a stable identifier that
// scripts may rely on ("spf.multiple-records"); Message is for people and
// may be translated; Fix is the exact action, such as the record to paste.
//
// Temporary is decided where the finding is made, once: it marks an error
// that says nothing definite (a timeout, a DNS server failure, a 4xx
// reply), so that asking again may give another answer. Front ends turn it
// into "try again" (exit 3 on the command line), never into advice.
//
// Detail keeps the underlying error text (a Go error, a library's words)
// for --json and bug reports; Message never carries it.
//
// MessageText and FixText are Message and Fix as Texts, which the faces
// render in the admin's language (Say sets both forms at once). They are
// zero in a finding made without them, whose English words then stand;
// --json keeps the English words and the code, so they stay out of it.
type Finding struct {
	Check     string   `json:"check"`
	Severity  Severity `json:"severity"`
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	Fix       string   `json:"fix,omitempty"`
	Temporary bool     `json:"temporary,omitempty"`
	Detail    string   `json:"detail,omitempty"`

	MessageText Text `json:"-"`
	FixText     Text `json:"-"`
}

// Worst returns the most severe level among findings, or "" for none.
func Worst(findings []Finding) Severity {
	var worst Severity
	for _, f := range findings {
		if worst == "" || f.Severity.rank() > worst.rank() {
			worst = f.Severity
		}
	}
	return worst
}

// Status is the one-word state of a check as reports show it: "error" or
// "warning" after the worst finding, else "ok" (info findings only explain).
func Status(findings []Finding) Severity {
	if w := Worst(findings); w == Error || w == Warning {
		return w
	}
	return "ok"
}

// Outcome sums findings up for a caller that must act on them.
type Outcome int

const (
	// Passed: no error.
	Passed Outcome = iota
	// Failed: at least one error is a definite answer (a missing record,
	// a refused login); retrying the same thing gives the same result.
	Failed
	// Unknown: the only errors are temporary; nothing definite is known.
	Unknown
)

// OutcomeOf classifies findings: a definite error outweighs a temporary one.
func OutcomeOf(findings []Finding) Outcome {
	out := Passed
	for _, f := range findings {
		if f.Severity != Error {
			continue
		}
		if !f.Temporary {
			return Failed
		}
		out = Unknown
	}
	return out
}
