//go:build windows

package gui

import (
	"testing"
	"unicode/utf16"
	"unsafe"
)

// The dialog reads OPENFILENAMEW by its C layout: a wrong size makes
// GetSaveFileNameW fail with CDERR_STRUCTSIZE, and the admin would only
// ever see Fyne's dialog.
func TestOpenFileNameLayout(t *testing.T) {
	if got := unsafe.Sizeof(openFileName{}); unsafe.Sizeof(uintptr(0)) == 8 && got != 152 {
		t.Errorf("OPENFILENAMEW is %d bytes, want 152", got)
	}
}

// The filter offers the wizard's extensions first, then all files.
func TestWindowsFilter(t *testing.T) {
	got := string(utf16.Decode(winFilter([]string{".zone", ".txt"})))
	if want := "*.zone;*.txt\x00*.zone;*.txt\x00*.*\x00*.*\x00\x00"; got != want {
		t.Errorf("filter %q, want %q", got, want)
	}
}
