package gui

import (
	"encoding/json"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"mailwizard/wizard"
)

// askSavePath shows the save dialog (the system's where Fyne has one)
// with a proposed file name in dir (relative to the working directory),
// and hands the chosen path to save. The files are written by our own
// atomic writers (temporary file, then rename), so the writer the dialog
// opened is closed unused; tests call the save functions directly.
func askSavePath(u *ui, name, dir string, exts []string, save func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.setStatus(sentence(u.tr.Error(err)), true)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		save(path)
	}, u.win)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // relative to the working directory, as setup's --out
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
	d.Show()
}

// dropEmpty removes the empty file Fyne's save dialog created (or
// truncated) when our write then failed: no empty file is left behind.
func dropEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		os.Remove(path)
	}
}

// stateCopy is a copy of the answers for work off the UI goroutine, which
// must not read the State while the page edits it.
func stateCopy(s *wizard.State) (*wizard.State, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var c wizard.State
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
