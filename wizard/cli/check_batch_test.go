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
