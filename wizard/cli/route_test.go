package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The golden document has, top to bottom: billing@example.nl by relay,
// example.nl by a second relay, example.nl and its subdomains hosted, and a
// catch-all no-reply. Each question below lands on a different one.
func TestExportRoute(t *testing.T) {
	doc := filepath.Join("..", "..", "transports", "testdata", "config.golden.json")
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"info@example.nl", "--subsystem", "billing"}, 0, `transports[0] "Relay for billing"`},
		{[]string{"info@example.nl"}, 0, `transports[1] "Relay via our server"`},
		{[]string{"info@EXAMPLE.nl"}, 0, `transports[1]`}, // domains compare without case
		{[]string{"news@mail.example.nl"}, 0, `transports[2] "ClockWise servers" (hosted), whose rule is: *@example.nl and its subdomains`},
		{[]string{"info@other.example"}, 0, `transports[3] "Fallback no-reply" (noreply)`},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, nil, append([]string{"export", "route", doc}, c.args...)...)
		if code != c.code || !strings.Contains(out, c.says) {
			t.Errorf("%v: exit %d, %q %q; want %d saying %q", c.args, code, out, errOut, c.code, c.says)
		}
	}

	// A typo in the subsystem routes as "no subsystem": say so.
	_, _, errOut := runCLI(t, nil, "export", "route", doc, "info@example.nl", "--subsystem", "biling")
	if !strings.Contains(errOut, `no subsystem "biling"; its subsystems are billing, password`) {
		t.Errorf("unknown subsystem: stderr %q", errOut)
	}

	code, out, _ := runCLI(t, nil, "export", "route", doc, "news@mail.example.nl", "--json")
	var rep routeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.Matched || rep.Index != 2 || rep.Type != "hosted" {
		t.Errorf("--json: exit %d, %+v (%v)", code, rep, err)
	}

	// Without a catch-all, an address outside every rule is reported, exit 1.
	golden, _ := os.ReadFile(doc)
	var raw map[string]any
	json.Unmarshal(golden, &raw)
	list := raw["transports"].([]any)
	raw["transports"] = list[:3]
	noCatchAll, _ := json.Marshal(raw)
	p := filepath.Join(t.TempDir(), "narrow.json")
	os.WriteFile(p, noCatchAll, 0o600)
	code, out, _ = runCLI(t, nil, "export", "route", p, "info@other.example")
	if code != ExitFindings || !strings.Contains(out, "No transport of this document takes info@other.example") {
		t.Errorf("no match: exit %d, %q", code, out)
	}

	bad := []struct {
		args []string
		says string
	}{
		{[]string{doc, "info example.nl"}, "ADDRESS: "},
		{[]string{doc, "info@exa\r\nmple.nl"}, "ADDRESS: "},
		{[]string{doc, "info@example.nl", "--subsystem", "bill\ning"}, "--subsystem: "},
		{[]string{doc}, "missing FILE ADDRESS"},
		{[]string{"missing.json", "info@example.nl"}, "missing.json"},
	}
	for _, b := range bad {
		code, _, errOut := runCLI(t, nil, append([]string{"export", "route"}, b.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, b.says) {
			t.Errorf("%q: exit %d, stderr %q, want 2 saying %q", b.args, code, errOut, b.says)
		}
	}
}
