package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"mailwizard/resources"
)

// `check --json` has one shape, whatever was asked and whatever DNS said:
// resources/schema/check-report.schema.json. Every key present, lists
// never null, with or without --provider, for a domain that does not exist
// and for one whose DNS does not answer.
func TestCheckJSONHasOneShape(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(resources.CheckReportSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///check-report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("mem:///check-report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := dnsServer(t)
	dir := t.TempDir()
	bounceProfile := filepath.Join(dir, "bounce.json")
	os.WriteFile(bounceProfile, []byte(`{"id": "bouncer", "name": "Bouncer", "transports": ["hosted"], "spf_include": "_spf.clockwise.info",
		"dkim": {"mode": "cname", "cnames": [{"name": "b1._domainkey", "target": "b1.bouncer.test"}]},
		"bounce": {"name": "bounce", "type": "cname", "target": "bounces.bouncer.test"}}`), 0o600)
	list := filepath.Join(dir, "domains.txt")
	os.WriteFile(list, []byte("example.nl\nready.nl\n"), 0o600)

	validate := func(name string, v any) {
		t.Helper()
		if err := schema.Validate(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, args := range map[string][]string{
		"with provider":         {"check", "example.nl", "--provider", "clockwise"},
		"without provider":      {"check", "example.nl"},
		"with selector only":    {"check", "ready.nl", "--selector", "clockwise"},
		"bounce and cnames":     {"check", "example.nl", "--provider", bounceProfile},
		"domain does not exist": {"check", "nosuch.nl", "--provider", "clockwise"},
		"DNS does not answer":   {"check", "slow.nl", "--provider", "clockwise", "--dns-timeout", "200ms"},
	} {
		_, out, errOut := runCLI(t, nil, append(args, "--json", "--dns-server", addr)...)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Errorf("%s: not JSON (%v): %s%s", name, err, out, errOut)
			continue
		}
		validate(name, v)
	}
	_, out, _ := runCLI(t, nil, "check", "--domains", list, "--json", "--dns-server", addr)
	var reports []json.RawMessage
	if err := json.Unmarshal([]byte(out), &reports); err != nil || len(reports) != 2 {
		t.Fatalf("--domains --json: %v\n%s", err, out)
	}
	for _, r := range reports {
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(r))
		validate("--domains", v)
	}
}
