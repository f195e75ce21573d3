//go:build darwin

package gui

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
)

// The system's save dialog on macOS is the Finder's (NSSavePanel), shown
// by AppleScript's "choose file name" in osascript: a process of its own,
// so no cgo and no Cocoa call from a goroutine, which AppKit forbids
// off the main thread that Fyne's event loop holds. The panel asks before
// replacing a file, as the Mac does everywhere. It cannot filter by
// extension: the proposed name carries it.

// darwinScript takes the title, the proposed name and folder as arguments,
// never as script text, so no name can change what the script does.
var darwinScript = []string{
	"on run argv",
	"activate",
	"set f to choose file name with prompt (item 1 of argv) default name (item 2 of argv) default location (POSIX file (item 3 of argv))",
	"return POSIX path of f",
	"end run",
}

func askPortal(u *ui, proposed chosenFile, name string, exts []string, save func(chosenFile), fallback func()) bool {
	if _, err := exec.LookPath("osascript"); err != nil {
		return false
	}
	title := u.tr.X("save.title", "Save %s", name)
	go func() {
		path, err := darwinSave(context.Background(), title, name, filepath.Dir(proposed.path))
		u.do(func() {
			switch {
			case err != nil:
				fyne.LogError("the system's save dialog failed, using Fyne's", err)
				fallback()
			case path != "":
				// The panel only names the file: nothing to undo.
				save(chosenFile{path: path, untouched: true})
			}
		})
	}()
	return true
}

// darwinSave shows the panel and returns the chosen path, "" when the
// admin cancelled.
func darwinSave(ctx context.Context, title, name, dir string) (string, error) {
	args := []string{}
	for _, l := range darwinScript {
		args = append(args, "-e", l)
	}
	args = append(args, title, name, dir)
	cmd := exec.CommandContext(ctx, "osascript", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "(-128)") {
			return "", nil
		}
		return "", fmt.Errorf("osascript: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimRight(out.String(), "\r\n"), nil
}
