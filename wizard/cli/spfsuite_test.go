package cli

import (
	"encoding/json"
	"testing"

	"mailwizard/checks/spf/spftest"
)

// The openspf RFC 7208 suite through `mailwizard spf eval`: whatever a
// receiver evaluates (a MAIL FROM of "@example.net", a HELO that is an
// address literal, names with empty or over-long labels) the command
// evaluates too, with the suite's result. Exit 2 is only for what cannot
// be an SMTP input at all.
func TestRFC7208SuiteThroughTheCommandLine(t *testing.T) {
	total, passed := 0, 0
	for _, sc := range spftest.Load(t) {
		srv := spftest.Serve(t, sc.ZoneData)
		for name, tc := range sc.Tests {
			total++
			code, out, errOut := runCLI(t, nil, "spf", "eval", "--ip", tc.Host, "--sender", tc.MailFrom, "--helo", tc.Helo,
				"--json", "--dns-server", srv.Addr, "--dns-timeout", "100ms")
			if code != ExitOK {
				t.Errorf("%s / %s: exit %d: %s (mailfrom %q, helo %q)", sc.Description, name, code, errOut, tc.MailFrom, tc.Helo)
				continue
			}
			var v struct{ Result string }
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("%s / %s: output is not JSON: %v\n%s", sc.Description, name, err, out)
				continue
			}
			ok := false
			for _, want := range tc.Results() {
				ok = ok || v.Result == want
			}
			if !ok {
				t.Errorf("%s / %s: %s, want %v", sc.Description, name, v.Result, tc.Results())
				continue
			}
			passed++
		}
	}
	t.Logf("openspf RFC 7208 suite through the command line: %d of %d cases", passed, total)
	if total != spftest.Cases {
		t.Errorf("the suite has %d cases, want %d", total, spftest.Cases)
	}
}
