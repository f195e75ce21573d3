package gui

import (
	"os"
	"runtime"
)

// PrepareEnvironment readies the process for Fyne's window; main calls it
// before it makes the app, since both fixes must be in place before Fyne
// and GLFW start. Each keeps a fresh start from logging errors the admin
// did not cause and cannot act on:
//   - the user's cache directory exists: Fyne 2.8 creates its cache with a
//     single mkdir and logs two errors on an account that has no ~/.cache
//     yet (a new user, a fresh HOME);
//   - without a Wayland compositor announced (WAYLAND_DISPLAY unset) but
//     with an X display, X11 is chosen: GLFW 3.4 otherwise tries Wayland
//     first, and libwayland prints "XDG_RUNTIME_DIR is invalid or not set"
//     in X11 sessions without it (ssh -X, Xvfb, some remote desktops).
func PrepareEnvironment() {
	if dir, err := os.UserCacheDir(); err == nil {
		os.MkdirAll(dir, 0o700)
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return
	}
	if os.Getenv("XDG_SESSION_TYPE") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && os.Getenv("DISPLAY") != "" {
		os.Setenv("XDG_SESSION_TYPE", "x11")
	}
}
