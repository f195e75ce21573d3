package gui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"mailwizard/transports/atomicfile"
)

// askSavePath asks where to save, proposing the file name in dir
// (relative to the working directory), and hands the chosen file to save;
// tests call the save functions directly. The dialog is the system's,
// reached without new cgo: the XDG desktop portal's on Linux and the BSDs
// (savefile_portal.go) when one answers on the session bus, the common
// file dialog on Windows (savefile_windows.go), the Finder's panel on
// macOS (savefile_darwin.go). Fyne 2.8 has none of these itself (its
// dialog package overrides only for the portal, and only when built with
// the flatpak tag). Where none answers, Fyne's own dialog asks. The files
// are written by our own atomic writers (temporary file, then rename), so
// the writer Fyne's dialog opened is closed unused.
func askSavePath(u *ui, name, dir string, exts []string, save func(chosenFile)) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // relative to the working directory, as setup's --out
	}
	if home, err := os.UserHomeDir(); err == nil && dir == filepath.Dir(dir) {
		dir = home // a window started from a desktop menu may run in /
	}
	proposed := chosenFile{path: filepath.Join(dir, name)}
	fallback := func() { askFyneSavePath(u, proposed, exts, save) }
	if systemSaveDialog(u, proposed, name, exts, save, fallback) {
		return
	}
	fallback()
}

// systemSaveDialog is the system's dialog; the tests that walk the
// wizard to its export put Fyne's in its place (systemSaveDialogOff),
// since a real one cannot be clicked headless.
var systemSaveDialog = askPortal

// askFyneSavePath is Fyne's save dialog, which opens the chosen file for
// writing before it hands it over: what the proposed file held is read
// first, for chosenFile.undo.
func askFyneSavePath(u *ui, proposed chosenFile, exts []string, save func(chosenFile)) {
	if fi, err := os.Stat(proposed.path); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxKept {
		if old, err := os.ReadFile(proposed.path); err == nil {
			proposed.old, proposed.mode, proposed.had = old, fi.Mode().Perm(), true
		}
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.setStatus(sentence(u.tr.Error(err)), true)
			return
		}
		if w == nil {
			return // cancelled
		}
		c := chosenFile{path: w.URI().Path()}
		w.Close()
		if c.path == proposed.path {
			c = proposed
		}
		save(c)
	}, u.win)
	d.SetFileName(filepath.Base(proposed.path))
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(proposed.path))); err == nil {
		d.SetLocation(l)
	}
	d.Show()
}

// maxKept bounds what is read to be put back: exports are a few kB.
const maxKept = 1 << 20

// chosenFile is a file the save dialog handed over. Fyne's dialog opens it
// for writing before it returns, which creates it empty or empties it;
// our atomic write then replaces it. When that write fails, undo puts
// back what was there: the content of the file the dialog proposed, read
// before it opened (saving over the document being changed must not lose
// it), else no file rather than an empty one. The portal's dialog only
// names the file (untouched): whatever is there, even an empty file, is
// the admin's, and undo leaves it.
type chosenFile struct {
	path      string
	old       []byte
	mode      os.FileMode
	had       bool // old is what the file held
	untouched bool // the dialog neither created nor emptied the file
}

func (c chosenFile) undo() {
	if c.untouched {
		return
	}
	fi, err := os.Stat(c.path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		return // our write got through, or something else is there
	}
	if c.had {
		atomicfile.Write(c.path, c.old, c.mode)
		return
	}
	os.Remove(c.path)
}
