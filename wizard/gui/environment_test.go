package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestPrepareEnvironment(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11 and XDG directories are a Linux matter")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("DISPLAY", ":99")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_SESSION_TYPE", "")
	PrepareEnvironment()
	if st, err := os.Stat(filepath.Join(home, ".cache")); err != nil || !st.IsDir() {
		t.Errorf("the cache directory of a fresh account was not made: %v", err)
	}
	if got := os.Getenv("XDG_SESSION_TYPE"); got != "x11" {
		t.Errorf("X display without Wayland: XDG_SESSION_TYPE %q, want x11", got)
	}
	t.Setenv("XDG_SESSION_TYPE", "")
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	PrepareEnvironment()
	if got := os.Getenv("XDG_SESSION_TYPE"); got != "" {
		t.Errorf("a Wayland session was overruled: XDG_SESSION_TYPE %q", got)
	}
}
