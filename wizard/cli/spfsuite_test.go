package cli

import (
	"encoding/json"
	"fmt"
	"testing"

	"mailwizard/checks/spf/spftest"
)

// The openspf RFC 7208 suite through `mailwizard spf eval`: whatever a
// receiver evaluates (a MAIL FROM of "@example.net", a HELO that is an
// address literal, names with empty or over-long labels) the command
// evaluates too, with the suite's result. Exit 2 is only for what cannot
// be an SMTP input at all.
func TestRFC7208SuiteThroughTheCommandLine(t *testing.T) {
	spftest.Run(t, func(server string, c spftest.Case) spftest.Verdict {
		code, out, errOut := runCLI(t, nil, "spf", "eval", "--ip", c.Host, "--sender", c.MailFrom, "--helo", c.Helo,
			"--json", "--dns-server", server, "--dns-timeout", "100ms")
		if code != ExitOK {
			return spftest.Verdict{Problem: fmt.Sprintf("exit %d: %s (mailfrom %q, helo %q)", code, errOut, c.MailFrom, c.Helo)}
		}
		var v struct{ Result, Explanation, Problem string }
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			return spftest.Verdict{Problem: "output is not JSON: " + out}
		}
		return spftest.Verdict(v)
	})
}
