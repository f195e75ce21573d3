package gui

import (
	"strings"

	"fyne.io/fyne/v2"

	"mailwizard/checks/verdict"
)

// maxShownPaste bounds what the paste field shows. Fyne's multi-line
// entry lays its text out again on every insert, in time that grows with
// the square of its length, the window frozen meanwhile: a 64 KB paste
// takes 0.15 s, 256 KB 1.9 s, 2 MB nearly two minutes
// (BenchmarkPasteIntoEntry). A header is a few kilobytes, some tens after
// many hops; a whole message with attachments is megabytes.
const maxShownPaste = 64 << 10

// pasteEntry is the verdict's paste field. A paste larger than
// maxShownPaste is kept aside whole for the check, and the field shows
// only its header; a paste larger than a message may be is refused at
// once. Editing the field drops what was kept aside: then the field's own
// text is what is checked.
type pasteEntry struct {
	keyEntry
	whole string // the large paste, kept aside
	shown string // what the field shows of it
	// pasted tells the box about a large paste: its size, and whether it
	// is kept (false: larger than verdict.MaxMessage, refused).
	pasted func(size int, kept bool)
}

func (u *ui) newPasteEntry() *pasteEntry {
	p := &pasteEntry{keyEntry: keyEntry{u: u}}
	p.MultiLine = true
	p.Wrapping = fyne.TextWrapOff
	p.TextStyle = fyne.TextStyle{Monospace: true}
	p.OnChanged = func(text string) {
		if p.whole != "" && text != p.shown {
			p.whole, p.shown = "", "" // edited: the field is the paste now
		}
	}
	p.ExtendBaseWidget(p)
	return p
}

// TypedShortcut takes a large paste aside (Ctrl+V, and Paste in the
// field's menu, which comes here too); everything else is the entry's.
func (p *pasteEntry) TypedShortcut(s fyne.Shortcut) {
	paste, ok := s.(*fyne.ShortcutPaste)
	if !ok || paste.Clipboard == nil || p.Disabled() {
		p.Entry.TypedShortcut(s)
		return
	}
	text := paste.Clipboard.Content()
	switch {
	case len(text) <= maxShownPaste:
		p.Entry.TypedShortcut(s)
	case len(text) > verdict.MaxMessage:
		if p.pasted != nil {
			p.pasted(len(text), false)
		}
	default:
		p.whole, p.shown = "", ""
		shown := headerPart(text)
		p.SetText(shown)
		p.whole, p.shown = text, shown
		if p.pasted != nil {
			p.pasted(len(text), true)
		}
	}
}

// Message is the text to judge: a large paste kept aside, else the field.
func (p *pasteEntry) Message() string {
	if p.whole != "" && p.Text == p.shown {
		return p.whole
	}
	return p.Text
}

// headerPart is what the field shows of a large paste: the text up to the
// first empty line (the header), at most maxShownPaste of it, ended at a
// line end.
func headerPart(text string) string {
	for _, blank := range []string{"\r\n\r\n", "\n\n", "\r\r"} {
		if i := strings.Index(text, blank); i >= 0 {
			text = text[:i] // the earliest of them remains
		}
	}
	if len(text) > maxShownPaste {
		text = text[:maxShownPaste]
		if i := strings.LastIndexAny(text, "\r\n"); i > 0 {
			text = text[:i]
		}
	}
	return text
}
