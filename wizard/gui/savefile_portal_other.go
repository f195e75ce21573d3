//go:build !(linux || freebsd || openbsd || netbsd || windows || darwin)

package gui

// askPortal: other systems have no save dialog the window can reach; Fyne's asks.
func askPortal(*ui, chosenFile, string, []string, func(chosenFile), func()) bool { return false }
