package gui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// Every step's page, in English and Dutch (the longer words), at scale 1
// and 2, fits the window at its minimum size: nothing is cut. The pages
// are the screenshots' (walkScenes), in the light theme: the theme's
// variant changes colours, not sizes.
func TestEveryPageFitsTheSmallestWindow(t *testing.T) {
	env, scenes := walkScenes(t)
	seen := map[wizard.StepID]bool{}
	for _, sc := range scenes {
		for _, lang := range i18n.Supported {
			t.Run(string(lang)+"-"+sc.name, func(t *testing.T) {
				// Quiet for less than a picture needs: what comes later
				// (another polling round) lays out the same way.
				u, w := openScene(t, env, sc, lang, theme.VariantLight, 150*time.Millisecond)
				seen[u.flow.Current().ID] = true
				for _, scale := range screenScales {
					setScale(u, w, scale)
					found := cuts(w.Canvas())
					for i, cut := range found {
						if i == 10 {
							t.Errorf("scale %g: and %d more", scale, len(found)-i)
							break
						}
						t.Errorf("scale %g: %s", scale, cut)
					}
				}
			})
		}
	}
	for _, st := range wizard.Steps {
		if !seen[st.ID] {
			t.Errorf("the %s step was not checked", st.ID)
		}
	}
}

// cuts lists what does not fit in c as laid out: the content needing
// more than the window (the real window would grow past its minimum, or
// cut at its edge), an object beyond the window's right edge (horizontal
// overflow, which nothing scrolls), and a widget or text given less than
// its minimum size, which for text means cut letters or lines (a label
// that wraps asks for the height of its lines at its width). Inside a
// scroll that scrolls sideways (a one-line entry), content may pass the
// edge: it is scrolled, not cut.
func cuts(c fyne.Canvas) []string {
	var out []string
	size := c.Size()
	if min := c.Content().MinSize(); min.Width > size.Width+0.5 || min.Height > size.Height+0.5 {
		out = append(out, fmt.Sprintf("the content needs %v, the window is %v", min, size))
	}
	var walk func(o fyne.CanvasObject, at fyne.Position, clipped bool)
	walk = func(o fyne.CanvasObject, at fyne.Position, clipped bool) {
		if o == nil || !o.Visible() {
			return
		}
		pos := at.Add(o.Position())
		if !clipped && pos.X+o.Size().Width > size.Width+0.5 {
			out = append(out, fmt.Sprintf("%s ends at x=%.0f, past the window's right edge at %.0f", describe(o), pos.X+o.Size().Width, size.Width))
		}
		if text, ok := textOf(o); ok && strings.TrimSpace(text) != "" {
			if min, got := o.MinSize(), o.Size(); got.Width+0.5 < min.Width || got.Height+0.5 < min.Height {
				out = append(out, fmt.Sprintf("%s is %v, less than the %v it needs", describe(o), got, min))
			}
			if truncated(o) {
				out = append(out, fmt.Sprintf("%s is truncated at %v", describe(o), o.Size()))
			}
		}
		if s, ok := o.(*container.Scroll); ok && s.Direction != container.ScrollVerticalOnly {
			clipped = true
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, k := range o.Objects {
				walk(k, pos, clipped)
			}
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(o).Objects() {
				walk(k, pos, clipped)
			}
		}
	}
	walk(c.Content(), fyne.NewPos(0, 0), false)
	for _, o := range c.Overlays().List() {
		walk(o, fyne.NewPos(0, 0), false)
	}
	return out
}

// textOf is the text an object shows, and whether its minimum size is
// what that text needs: Fyne's text widgets and the wizard's own, which
// wrap them (keyButton, keyCheck, ...). An icon-only button or an empty
// text has nothing to cut.
func textOf(o fyne.CanvasObject) (string, bool) {
	switch o := o.(type) {
	case *canvas.Text:
		return o.Text, true
	case *widget.Label:
		return o.Text, true
	case *widget.RichText:
		return o.String(), true
	case *widget.Hyperlink:
		return o.Text, true
	case *widget.Entry:
		return o.Text + o.PlaceHolder, true
	case *widget.Select:
		return o.Selected + o.PlaceHolder, true
	case *widget.RadioGroup:
		return strings.Join(o.Options, " "), true
	case *widget.Card:
		return o.Title + o.Subtitle, true
	}
	v := reflect.Indirect(reflect.ValueOf(o))
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("Text"); f.IsValid() && f.Kind() == reflect.String {
			return f.String(), true // Button, Check and what embeds them
		}
	}
	return "", false
}

// truncated reports whether a label that truncates (rather than wraps)
// is too narrow for its text: its minimum size no longer says so.
func truncated(o fyne.CanvasObject) bool {
	l, ok := o.(*widget.Label)
	if !ok || l.Truncation == fyne.TextTruncateOff || l.Wrapping != fyne.TextWrapOff {
		return false
	}
	return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width+2*theme.InnerPadding() > l.Size().Width+0.5
}

// describe names an object by its type and text, for a failure message.
func describe(o fyne.CanvasObject) string {
	text, _ := textOf(o)
	text = strings.ReplaceAll(text, "\n", " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:60]) + "…"
	}
	return fmt.Sprintf("%T %q", o, text)
}
