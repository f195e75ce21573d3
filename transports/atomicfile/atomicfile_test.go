package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteReplacesAndSetsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "new" {
		t.Errorf("content %q, want new", got)
	}
	if st, _ := os.Stat(path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "dir", "f.json"), []byte("x"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "f.json") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

// TestCrashBeforeRenameKeepsOldFile kills a real process (SIGKILL, no
// deferred cleanup runs) after the new content is written and flushed but
// before the rename: the old file must be intact.
func TestCrashBeforeRenameKeepsOldFile(t *testing.T) {
	if path := os.Getenv("ATOMICFILE_CRASH_PATH"); path != "" {
		testHookBeforeRename = func() {
			p, _ := os.FindProcess(os.Getpid())
			p.Kill()
			select {} // the kill is asynchronous on some systems
		}
		Write(path, []byte(`{"version": 1, "new": true}`), 0o600)
		t.Fatal("the process survived its own crash")
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	old := []byte(`{"version": 1, "old": true}`)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBeforeRenameKeepsOldFile$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_CRASH_PATH="+path)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child did not crash: %s", out)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(old) {
		t.Errorf("after a crash the file holds %q, want the old content %q", got, old)
	}
	// The crash leaves the temporary file; it must hold the complete new
	// content, proving the crash came after the write, not before it.
	matches, _ := filepath.Glob(filepath.Join(dir, ".config.json.tmp-*"))
	if len(matches) != 1 {
		t.Fatalf("temporary files after the crash: %v", matches)
	}
	if tmp, _ := os.ReadFile(matches[0]); !strings.Contains(string(tmp), `"new": true`) {
		t.Errorf("temporary file holds %q", tmp)
	}
}
