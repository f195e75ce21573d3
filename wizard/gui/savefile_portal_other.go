//go:build !(linux || freebsd || openbsd || netbsd)

package gui

// askPortal: Windows and macOS have no XDG portal; Fyne's dialog asks.
func askPortal(*ui, chosenFile, string, []string, func(chosenFile), func()) bool { return false }
