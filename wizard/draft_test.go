package wizard

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

func TestDraftRoundTrip(t *testing.T) {
	d := Drafts{Path: filepath.Join(t.TempDir(), "sub", "draft.json")}
	if s, err := d.Load(); s != nil || err != nil {
		t.Fatalf("Load without a draft = %v, %v; want nil, nil", s, err)
	}
	s := NewState(i18n.Dutch)
	s.Provider, s.Domain, s.Step = "custom", "example.nl", StepDomain
	s.Custom = &CustomFields{Name: "Acme", SendingRanges: "192.0.2.0/24, 198.51.100."} // half typed
	if err := d.Save(s); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(d.Path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("draft mode %v, want 0600", st.Mode().Perm())
	}
	got, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.Custom.SendingRanges != s.Custom.SendingRanges || got.Step != StepDomain || got.Lang != i18n.Dutch || got.Saved.IsZero() {
		t.Errorf("loaded %+v", got)
	}
	if err := d.Discard(); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Load(); s != nil {
		t.Error("the draft survived Discard")
	}
}

func TestUnreadableDraftIsKeptAside(t *testing.T) {
	for name, body := range map[string]string{
		"corrupt": `{"version": 1, "domain": "exam`,
		"future":  `{"version": 7, "domain": "example.nl"}`,
		"unknown": `{"version": 1, "hovercraft": "full of eels"}`,
		// Larger than any draft: kept aside unread, not read into memory.
		"huge": `{"version": 1, "domain": "` + strings.Repeat("x", 3<<20) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			d := Drafts{Path: filepath.Join(dir, "draft.json")}
			os.WriteFile(d.Path, []byte(body), 0o600)
			s, err := d.Load()
			if s != nil || !errors.Is(err, ErrDraftUnreadable) || !strings.Contains(err.Error(), "kept as") {
				t.Fatalf("Load = %v, %v", s, err)
			}
			kept, _ := filepath.Glob(filepath.Join(dir, "draft.json.unreadable-*"))
			if len(kept) != 1 {
				t.Fatalf("kept files: %v", kept)
			}
			if raw, _ := os.ReadFile(kept[0]); string(raw) != body {
				t.Errorf("the kept draft changed: %q", raw)
			}
			sess, err := Start(Options{DraftPath: d.Path})
			if err != nil || sess.Resumed || len(sess.Notices) != 0 {
				t.Errorf("Start after the move: %+v, %v", sess, err)
			}
		})
	}
}

func TestAutosaverKeepsTheNewestState(t *testing.T) {
	d := Drafts{Path: filepath.Join(t.TempDir(), "draft.json")}
	var errs []error
	a := NewAutosaver(d, func(err error) { errs = append(errs, err) })
	s := NewState(i18n.English)
	for _, domain := range []string{"e", "ex", "exa", "exam", "examp", "example.nl"} {
		s.Domain = domain
		a.Save(s) // encodes now: changing s afterwards must not matter
	}
	s.Domain = "changed-after-save.nl"
	a.Close()
	a.Save(s) // after Close: ignored, not a panic
	got, err := d.Load()
	if err != nil || got == nil || got.Domain != "example.nl" {
		t.Fatalf("after Close the draft holds %+v, %v; want domain example.nl", got, err)
	}
	if len(errs) > 0 {
		t.Errorf("autosave errors: %v", errs)
	}
}

func TestAutosaverReportsWriteErrors(t *testing.T) {
	// A path under a regular file fails for root too (permissions would not).
	file := filepath.Join(t.TempDir(), "not-a-dir")
	os.WriteFile(file, nil, 0o600)
	got := make(chan error, 1)
	a := NewAutosaver(Drafts{Path: filepath.Join(file, "draft.json")}, func(err error) { got <- err })
	a.Save(NewState(i18n.English))
	a.Close()
	select {
	case err := <-got:
		if !strings.Contains(err.Error(), "saving the draft") {
			t.Errorf("error %q does not say what failed", err)
		}
	default:
		t.Error("a failed save was not reported")
	}
}

// TestCrashMidWizardLosesNothing answers two steps in a child process,
// lets the autosaver write, kills the process without warning (no deferred
// code runs) and starts again: every answer and the step are back.
func TestCrashMidWizardLosesNothing(t *testing.T) {
	if path := os.Getenv("WIZARD_CRASH_DRAFT"); path != "" {
		sess, err := Start(Options{DraftPath: path, Lang: i18n.Dutch})
		if err != nil {
			t.Fatal(err)
		}
		a := NewAutosaver(sess.Drafts, func(err error) { t.Error(err) })
		f := sess.Flow
		f.State.Provider = "clockwise"
		a.Save(f.State)
		if err := f.Next(); err != nil {
			t.Fatal(err)
		}
		f.State.Domain = "bücher.de"
		a.Save(f.State)
		a.Close() // the save returned to the caller; now the process dies
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	}
	path := filepath.Join(t.TempDir(), "draft.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidWizardLosesNothing$")
	cmd.Env = append(os.Environ(), "WIZARD_CRASH_DRAFT="+path)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("the child did not crash: %s", out)
	}
	sess, err := Start(Options{DraftPath: path})
	if err != nil {
		t.Fatal(err)
	}
	st := sess.Flow.State
	if !sess.Resumed || st.Provider != "clockwise" || st.Domain != "bücher.de" || st.Lang != i18n.Dutch || sess.Flow.Current().ID != StepDomain {
		t.Errorf("after the crash: resumed=%v step=%s state=%+v", sess.Resumed, sess.Flow.Current().ID, st)
	}
}

// A preset or draft path that is a named pipe fails at once instead of
// waiting for a writer that never comes.
func TestFilesThatAreNotFilesDoNotHang(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes in the file system on Windows")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "preset.mwpreset")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	done := make(chan error, 2)
	go func() { _, err := LoadPreset(fifo); done <- err }()
	go func() { _, err := (Drafts{Path: fifo}).Load(); done <- err }()
	for range 2 {
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("a named pipe: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("reading a named pipe hangs")
		}
	}
}

// A locked build keeps its own draft beside the general build's: that one
// may be for another service.
func TestLockedBuildHasItsOwnDraft(t *testing.T) {
	general, err := DefaultDraftPath()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../resources/providers/spinoffice.json")
	if err != nil {
		t.Fatal(err)
	}
	defer transports.LockForTest(raw, nil)()
	locked, _ := DefaultDraftPath()
	if filepath.Base(general) != "draft.json" || filepath.Base(locked) != "draft-spinoffice.json" || filepath.Dir(locked) != filepath.Dir(general) {
		t.Errorf("drafts: general %s, locked %s", general, locked)
	}
}
