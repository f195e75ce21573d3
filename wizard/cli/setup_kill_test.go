package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailwizard/transports"
	"mailwizard/transports/secrets"
)

// childArgsEnv carries the arguments of a setup run in a child process:
// this test binary, re-executed, runs the CLI instead of the tests.
const childArgsEnv = "MW_SETUP_CHILD_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			os.Exit(99)
		}
		os.Exit(Main(args, OSStdio(), nil))
	}
	os.Exit(m.Run())
}

// Killed (SIGKILL, no chance to save) while polling, setup loses nothing:
// the draft was saved after every answer, the key is in the keychain, and
// the next run resumes at the DNS step and finishes once the records are
// published. This needs the OS keychain, shared by the two processes;
// make test provides gnome-keyring.
func TestSetupResumesAfterKill(t *testing.T) {
	store, err := secrets.OpenKeychain()
	if err != nil {
		if os.Getenv("MAILWIZARD_REQUIRE_KEYCHAIN") != "" {
			t.Fatal(err)
		}
		t.Skipf("no keychain here (make test provides one): %v", err)
	}
	addr, srv := dnsServer(t)
	store.Forget("example.nl")
	t.Cleanup(func() { store.Forget("example.nl") })
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	t.Setenv("XDG_CONFIG_HOME", config)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")

	args, _ := json.Marshal([]string{"setup", "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms"})
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childArgsEnv+"="+string(args))
	child.Stdin = strings.NewReader(strings.Join([]string{"1", "example.nl", "facturen", "", "", "", ""}, "\n") + "\n")
	var childOut syncBuffer
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	polling := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !polling; time.Sleep(20 * time.Millisecond) {
		polling = strings.Contains(childOut.String(), "Waiting until every name server has them") && strings.Count(childOut.String(), "  [") >= 2
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if !polling {
		t.Fatalf("the child never started polling:\n%s", childOut.String())
	}

	withStore(t, store, nil)
	published := make(chan time.Time, 1)
	publishZoneFile(t, srv, zone, published)
	in := newScript("", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--dns-server", addr, "--out", out, "--poll-interval", "100ms")
	if code != ExitOK || !strings.Contains(stdout, "Continuing where you stopped") || !strings.Contains(stdout, "Every record is on every name server") {
		t.Fatalf("resumed run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Making the key") {
		t.Error("the resumed run made a new key instead of keeping the one made before the kill")
	}
	doc, err := transports.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(doc.DKIM[0].PrivateKeyRef); err != nil {
		t.Errorf("the key made before the kill is not in the keychain: %v", err)
	}
}
