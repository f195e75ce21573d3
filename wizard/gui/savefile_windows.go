//go:build windows

package gui

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf16"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// The system's save dialog on Windows is the common file dialog
// (comdlg32's GetSaveFileNameW), called through syscall: no cgo beyond
// what Fyne needs, and the dialog Explorer users know, with its
// overwrite question. It is modal to the wizard's window (its owner) and
// runs on a goroutine locked to its own thread with COM initialised, as
// the shell parts of the dialog require; Fyne's thread keeps drawing.

var (
	comdlg32                 = syscall.NewLazyDLL("comdlg32.dll")
	procGetSaveFileNameW     = comdlg32.NewProc("GetSaveFileNameW")
	procCommDlgExtendedError = comdlg32.NewProc("CommDlgExtendedError")
	ole32                    = syscall.NewLazyDLL("ole32.dll")
	procCoInitializeEx       = ole32.NewProc("CoInitializeEx")
	procCoUninitialize       = ole32.NewProc("CoUninitialize")
)

// openFileName is OPENFILENAMEW; Go lays it out as C does on Windows
// (152 bytes on amd64, checked by TestOpenFileNameLayout).
type openFileName struct {
	structSize    uint32
	owner         uintptr
	instance      uintptr
	filter        *uint16
	customFilter  *uint16
	maxCustFilter uint32
	filterIndex   uint32
	file          *uint16
	maxFile       uint32
	fileTitle     *uint16
	maxFileTitle  uint32
	initialDir    *uint16
	title         *uint16
	flags         uint32
	fileOffset    uint16
	fileExtension uint16
	defExt        *uint16
	custData      uintptr
	hook          uintptr
	templateName  *uint16
	reserved      uintptr
	reserved2     uint32
	flagsEx       uint32
}

const (
	ofnOverwritePrompt = 0x00000002
	ofnHideReadOnly    = 0x00000004
	ofnNoChangeDir     = 0x00000008
	ofnPathMustExist   = 0x00000800
	ofnExplorer        = 0x00080000
	coinitApartment    = 0x2
	maxPath            = 32768 // long paths (\\?\) included
)

func askPortal(u *ui, proposed chosenFile, name string, exts []string, save func(chosenFile), fallback func()) bool {
	var owner uintptr
	if nw, ok := u.win.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if w, ok := ctx.(driver.WindowsWindowContext); ok {
				owner = w.HWND
			}
		})
	}
	title := u.tr.X("save.title", "Save %s", name)
	go func() {
		path, err := windowsSave(owner, title, proposed.path, exts)
		u.do(func() {
			switch {
			case err != nil:
				fyne.LogError("the system's save dialog failed, using Fyne's", err)
				fallback()
			case path != "":
				// The dialog only names the file: nothing to undo.
				save(chosenFile{path: path, untouched: true})
			}
		})
	}()
	return true
}

// windowsSave shows the dialog and returns the chosen path, "" when the
// admin cancelled.
func windowsSave(owner uintptr, title, proposed string, exts []string) (string, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, _ := procCoInitializeEx.Call(0, coinitApartment); int32(r) >= 0 {
		defer procCoUninitialize.Call()
	}
	file := make([]uint16, maxPath)
	copy(file, utf16.Encode([]rune(filepath.Base(proposed))))
	ofn := openFileName{
		owner:      owner,
		filter:     &winFilter(exts)[0],
		file:       &file[0],
		maxFile:    maxPath,
		initialDir: utf16Ptr(filepath.Dir(proposed)),
		title:      utf16Ptr(title),
		flags:      ofnOverwritePrompt | ofnHideReadOnly | ofnNoChangeDir | ofnPathMustExist | ofnExplorer,
	}
	ofn.structSize = uint32(unsafe.Sizeof(ofn))
	if len(exts) > 0 {
		ofn.defExt = utf16Ptr(strings.TrimPrefix(exts[0], "."))
	}
	if r, _, _ := procGetSaveFileNameW.Call(uintptr(unsafe.Pointer(&ofn))); r != 0 {
		return syscall.UTF16ToString(file), nil
	}
	if code, _, _ := procCommDlgExtendedError.Call(); code != 0 {
		return "", fmt.Errorf("GetSaveFileNameW: error 0x%x", code)
	}
	return "", nil // cancelled
}

// winFilter is lpstrFilter: pairs of label and pattern, each ended by a
// NUL, the list by another ("*.zone;*.txt" shows both at once).
func winFilter(exts []string) []uint16 {
	s := ""
	if len(exts) > 0 {
		p := "*" + strings.Join(exts, ";*")
		s = p + "\x00" + p + "\x00"
	}
	s += "*.*\x00*.*\x00\x00"
	return utf16.Encode([]rune(s))
}

// utf16Ptr is a NUL-terminated UTF-16 copy of s; s never holds a NUL
// (paths and our titles), and if it did the dialog would see it cut.
func utf16Ptr(s string) *uint16 {
	p, err := syscall.UTF16PtrFromString(s)
	if err != nil {
		p, _ = syscall.UTF16PtrFromString(strings.ReplaceAll(s, "\x00", ""))
	}
	return p
}
