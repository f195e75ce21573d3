package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Ctrl-C in a batch prints what was checked so far, says how far it got
// on stderr, and ends at once; the domain the interrupt cut short is not
// reported with the timeouts the cancel caused.
func TestCheckManyInterruptedPrintsWhatWasChecked(t *testing.T) {
	addr, _ := dnsServer(t)
	list := filepath.Join(t.TempDir(), "domains.txt")
	if err := os.WriteFile(list, []byte("example.nl\nready.nl\nslow.nl\nready.nl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel) // slow.nl never answers: the run waits there
	var out, errOut bytes.Buffer
	start := time.Now()
	code := run(ctx, []string{"check", "--domains", list, "--provider", "clockwise", "--dns-server", addr, "--dns-timeout", "20s", "--parallel", "1", "--json"},
		Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, nil)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the interrupted run took %v", d)
	}
	var reports []struct{ Domain string }
	if err := json.Unmarshal(out.Bytes(), &reports); err != nil {
		t.Fatalf("stdout is not the JSON reports: %v\n%s", err, out.String())
	}
	if len(reports) != 2 || reports[0].Domain != "example.nl" || reports[1].Domain != "ready.nl" {
		t.Errorf("reports %+v, want example.nl and ready.nl", reports)
	}
	if !strings.Contains(errOut.String(), "interrupted: 2 of 4 domains checked") {
		t.Errorf("stderr %q", errOut.String())
	}
	if code != ExitFindings { // example.nl lacks the include
		t.Errorf("exit %d, want 1", code)
	}
}

// --parallel is bounded, and a bad value names the flag.
func TestCheckParallelFlag(t *testing.T) {
	for _, v := range []string{"0", "257", "-3"} {
		code, _, errOut := runCLI(t, nil, "check", "example.nl", "--parallel", v)
		if code != ExitUsage || !strings.Contains(errOut, "--parallel") {
			t.Errorf("--parallel %s: exit %d, %q", v, code, errOut)
		}
	}
}

// The progress line says how far, how fast and how long still.
func TestProgressLine(t *testing.T) {
	got := progressLine(250, 1000, 500*time.Millisecond)
	if want := "[#######.......................] 250/1000  500/s  2s left"; got != want {
		t.Errorf("progress %q, want %q", got, want)
	}
}

// The desk's outputs through the command: CSV one line a domain, the
// summary after the reports, and --changed-since listing only what moved
// between two runs (the include published at example.nl in between).
func TestCheckManyDeskOutputs(t *testing.T) {
	addr, srv := dnsServer(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	if err := os.WriteFile(list, []byte("example.nl\nready.nl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"check", "--domains", list, "--provider", "clockwise", "--dns-server", addr}
	_, out, errOut := runCLI(t, nil, append(base, "--csv")...)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "example.nl,false,false,") || !strings.Contains(lines[1], "spf.include-missing") {
		t.Errorf("--csv:\n%s%s", out, errOut)
	}
	_, out, _ = runCLI(t, nil, base...)
	if !strings.Contains(out, "Domains checked: 2") {
		t.Errorf("no summary after the reports:\n%s", out)
	}
	_, earlier, _ := runCLI(t, nil, append(base, "--json")...)
	before := filepath.Join(dir, "before.json")
	if err := os.WriteFile(before, []byte(earlier), 0o644); err != nil {
		t.Fatal(err)
	}
	srv.Remove("example.nl", 16) // TXT
	if err := srv.Add(`example.nl. 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all"`); err != nil {
		t.Fatal(err)
	}
	_, out, errOut = runCLI(t, nil, append(base, "--changed-since", before)...)
	if !strings.Contains(out, "example.nl: SPF error → ok") || strings.Contains(out, "ready.nl") {
		t.Errorf("--changed-since:\n%s%s", out, errOut)
	}
	for _, bad := range [][]string{{"--csv", "--json"}, {"--changed-since", filepath.Join(dir, "nope.json")}, {"--changed-since", list}} {
		if code, _, errOut := runCLI(t, nil, append(base, bad...)...); code != ExitUsage {
			t.Errorf("%v: exit %d (%s), want 2", bad, code, errOut)
		}
	}
}
