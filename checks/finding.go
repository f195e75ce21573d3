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
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
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
