package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwizard/checks/dnsq/dnstest"
)

// dnsServer serves a customer domain in three states and the ClockWise
// include, and returns the --dns-server flag that points the CLI at it:
// the same path an admin uses with a split-horizon DNS.
func dnsServer(t testing.TB) (string, *dnstest.Server) {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, `
$ORIGIN clockwise.info.
@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
_spf 300 IN TXT "v=spf1 ip4:217.115.198.64/27 ip4:31.134.206.128/28 -all"
`)
	srv.MustAddZone(t, `
$ORIGIN protection.outlook.com.
@ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
spf 300 IN TXT "v=spf1 ip4:40.92.0.0/15 -all"
`)
	srv.MustAddZone(t, `
$ORIGIN example.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN MX 0 example-nl.mail.protection.outlook.com.
@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
_dmarc 300 IN TXT "v=DMARC1; p=none"
`)
	srv.MustAddZone(t, `
$ORIGIN ready.nl.
@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ 300 IN TXT "v=spf1 include:_spf.clockwise.info -all"
clockwise._domainkey 300 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
_dmarc 300 IN TXT "v=DMARC1; p=quarantine"
`)
	srv.MustAddZone(t, dnstest.SOA("slow.nl", 300))
	srv.Drop("slow.nl")
	return srv.Addr, srv
}

func TestCheckCommand(t *testing.T) {
	addr, _ := dnsServer(t)
	code, out, errOut := runCLI(t, nil, "check", "example.nl", "--provider", "clockwise", "--dns-server", addr)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Microsoft 365", "spf.include-missing", "fix: Add include:_spf.clockwise.info", "dkim.missing",
		"v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, nil, "check", "ready.nl", "--provider", "clockwise", "--dns-server", addr, "--json")
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if code != ExitOK || rep["domain"] != "ready.nl" || rep["checks"].(map[string]any)["spf"].(map[string]any)["status"] != "ok" {
		t.Errorf("ready.nl: exit %d\n%s", code, out)
	}
	code, _, _ = runCLI(t, nil, "check", "slow.nl", "--dns-server", addr, "--dns-timeout", "200ms")
	if code != ExitTemporary {
		t.Errorf("a domain whose DNS does not answer: exit %d, want 3", code)
	}
}

func TestCheckDomainsFile(t *testing.T) {
	addr, _ := dnsServer(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	os.WriteFile(list, []byte("# customers\nready.nl\n\nexample.nl\n"), 0o644)
	code, out, errOut := runCLI(t, nil, "check", "--domains", list, "--provider", "clockwise", "--dns-server", addr, "--json")
	var reps []map[string]any
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 2 {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
	}
	if reps[0]["domain"] != "ready.nl" || reps[1]["domain"] != "example.nl" || code != ExitFindings {
		t.Errorf("order or exit: %d %v %v", code, reps[0]["domain"], reps[1]["domain"])
	}
	os.WriteFile(list, []byte("ready.nl\nexa mple.nl\n"), 0o644)
	code, _, errOut = runCLI(t, nil, "check", "--domains", list, "--dns-server", addr)
	if code != ExitUsage || !strings.Contains(errOut, "line 2") {
		t.Errorf("a bad line: exit %d, %s", code, errOut)
	}
}

func TestSPFEvalAndSuggest(t *testing.T) {
	addr, _ := dnsServer(t)
	code, out, _ := runCLI(t, nil, "spf", "eval", "--ip", "217.115.198.70", "--sender", "facturen@example.nl", "--helo", "mail.clockwise.info", "--dns-server", addr, "--json")
	var v map[string]any
	json.Unmarshal([]byte(out), &v)
	if code != 0 || v["result"] != "fail" || v["lookups"].(float64) != 1 {
		t.Errorf("spf eval before the include: exit %d %s", code, out)
	}
	code, out, _ = runCLI(t, nil, "spf", "eval", "--ip", "217.115.198.70", "--sender", "", "--helo", "ready.nl", "--dns-server", addr, "--json")
	json.Unmarshal([]byte(out), &v)
	if code != 0 || v["result"] != "pass" || v["domain"] != "ready.nl" {
		t.Errorf("empty sender uses postmaster@helo: exit %d %s", code, out)
	}
	// The record lacks the include, an error: exit 1, as check says.
	code, out, _ = runCLI(t, nil, "spf", "suggest", "example.nl", "--provider", "clockwise", "--dns-server", addr)
	if code != ExitFindings || !strings.Contains(out, "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all") ||
		!strings.Contains(out, "spf.include-missing") {
		t.Errorf("spf suggest: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "spf", "suggest", "ready.nl", "--provider", "clockwise", "--dns-server", addr, "--json")
	if code != 0 || !strings.Contains(out, `"unchanged": true`) {
		t.Errorf("spf suggest of a finished domain: exit %d\n%s", code, out)
	}
	// No answer: nothing is suggested, and a retry may help.
	code, out, _ = runCLI(t, nil, "spf", "suggest", "slow.nl", "--provider", "clockwise", "--dns-server", addr, "--dns-timeout", "200ms")
	if code != ExitTemporary || !strings.Contains(out, "No record to publish") || strings.Contains(out, "v=spf1") {
		t.Errorf("spf suggest without DNS: exit %d %s", code, out)
	}
}

func TestPollCommand(t *testing.T) {
	ns1, ns2, port := dnstest.StartNameservers(t, "127.0.0.6", "127.0.0.7")
	if port != "53" {
		t.Skip("poll asks name servers on port 53; this test needs to bind it (root)")
	}
	zone := `
$ORIGIN klant.nl.
@    3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 600
@    3600 IN NS ns1
@    3600 IN NS ns2
ns1  3600 IN A 127.0.0.6
ns2  3600 IN A 127.0.0.7
@    300  IN TXT "v=spf1 include:spf.spinoffice-crm.com ~all"
`
	for _, s := range []*dnstest.Server{ns1, ns2} {
		s.MustAddZone(t, zone)
		for i := 1; i <= 3; i++ {
			s.Add(fmt.Sprintf("mrsel%d._domainkey.klant.nl. 300 IN CNAME mrsel%d._domainkey.spinoffice-crm.com.", i, i))
		}
	}
	resolver := dnstest.Start(t, "127.0.0.1:0")
	resolver.MustAddZone(t, zone)
	code, out, errOut := runCLI(t, nil, "poll", "klant.nl", "--provider", "spinoffice", "--resolver", resolver.Addr, "--interval", "100ms", "--timeout", "10s")
	if code != 0 || !strings.Contains(out, "All records are published on every authoritative server") || !strings.Contains(out, "DKIM mrsel3") {
		t.Errorf("poll: exit %d\n%s%s", code, out, errOut)
	}
	ns2.Remove("mrsel2._domainkey.klant.nl", 5)
	code, out, errOut = runCLI(t, nil, "poll", "klant.nl", "--provider", "spinoffice", "--resolver", resolver.Addr, "--interval", "100ms", "--timeout", "1s", "--json")
	if code != ExitFindings || !strings.Contains(errOut, "before every record was seen") || !strings.Contains(out, `"state":"not-yet"`) {
		t.Errorf("poll that times out: exit %d\n%s%s", code, out, errOut)
	}
}
