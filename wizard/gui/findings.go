package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/wizard/i18n"
)

// findingsBox shows findings in tr's language: each one's severity and
// message, coloured by severity, and its fix under it. The words may
// quote records from DNS, so they are made printable first.
func findingsBox(tr *i18n.Translator, fs []checks.Finding) *fyne.Container {
	box := container.NewVBox()
	for _, f := range fs {
		msg, fix := tr.Finding(f)
		first := widget.RichTextStyleParagraph
		switch f.Severity {
		case checks.Error:
			first.ColorName = theme.ColorNameError
		case checks.Warning:
			first.ColorName = theme.ColorNameWarning
		}
		segs := []widget.RichTextSegment{&widget.TextSegment{Text: findingLine(tr, f.Severity, checks.Printable(msg)), Style: first}}
		if fix != "" {
			segs = append(segs, &widget.TextSegment{Text: tr.X("finding.fix", "What to do: %s", checks.Printable(fix)), Style: widget.RichTextStyleParagraph})
		}
		rt := widget.NewRichText(segs...)
		rt.Wrapping = fyne.TextWrapWord
		box.Add(rt)
	}
	return box
}

func findingLine(tr *i18n.Translator, sev checks.Severity, msg string) string {
	switch sev {
	case checks.Error:
		return tr.X("finding.error", "Problem: %s", msg)
	case checks.Warning:
		return tr.X("finding.warning", "Warning: %s", msg)
	}
	return tr.X("finding.info", "Note: %s", msg)
}

// wrapped is a label for sentences, wrapped at the page's width.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// value is a label for a record or key from outside: made printable, and
// wrapped between its terms (a term longer than a line, such as a DKIM
// key, is broken) rather than cut at the window's edge.
func value(text string) *widget.Label {
	l := widget.NewLabel(checks.Printable(text))
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Monospace: true}
	return l
}

// heading is the bold title of a section of a page.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}
