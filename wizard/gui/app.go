// Package gui is the Fyne face of the wizard: one file per step, the
// logic in package wizard. Callbacks only copy what was typed into the
// State and ask the flow for the next step; work that waits (disk, network)
// runs on its own goroutine and comes back through one fyne.Do.
package gui

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/resources"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// AppID identifies the app to the OS (preferences, keychain namespace).
const AppID = "app.mailwizard.wizard"

// WindowTitle is what the admin sees in the task bar; the smoke test finds
// the window by it.
const WindowTitle = "Mail Transport Wizard"

// windowTitle is WindowTitle, or in a build locked to one provider the
// service's name with it ("SpinOffice Mail Wizard", as the installer
// names it): the admin sees whose wizard it is in the task bar.
func windowTitle() string {
	if p := transports.Locked(); p != nil {
		return checks.Printable(p.Name) + " Mail Wizard"
	}
	return WindowTitle
}

// appIcon is the wizard's icon, or the locked provider's when it has one.
func appIcon() fyne.Resource {
	if icon := transports.LockedIcon(); len(icon) > 0 {
		return fyne.NewStaticResource("icon.png", icon)
	}
	return fyne.NewStaticResource("icon.png", resources.Icon)
}

// minWindowSize fits the longest step (DNS records to paste) without
// scrolling on a 1366×768 laptop.
var minWindowSize = fyne.NewSize(900, 650)

// Run opens the wizard window on a and blocks until it is closed; the
// result is the process exit code.
func Run(a fyne.App, opts wizard.Options, env *wizard.Env) int {
	ready := prepareFirstPage()
	a.SetIcon(appIcon())
	w := a.NewWindow(windowTitle())
	sess, err := wizard.Start(opts)
	if err != nil {
		// A bad --preset: say so in the window, since a GUI user may not
		// see a terminal; in the language asked for, else the system's.
		l := opts.Lang
		if l == "" {
			l = i18n.System()
		}
		tr := i18n.New(l)
		speakFyne(tr)
		w.SetContent(withMinSize(widget.NewLabel("")))
		msg := widget.NewLabel(sentence(tr.Error(err)))
		msg.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(tr.X("app.cannot_start", "The wizard cannot start"), tr.X("fyne.ok", "OK"), msg, w)
		d.Resize(fyne.NewSize(600, 0))
		d.SetOnClosed(a.Quit)
		d.Show()
		w.ShowAndRun()
		return 2
	}
	ready()
	ui := newUI(w, sess, env)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { a.Quit() })
	w.ShowAndRun()
	ui.close()
	return 0
}

// prepareFirstPage does, side by side on their own goroutines while GLFW
// makes the window, the slow parts of drawing the first page, and returns
// a function that waits for them:
//   - the two faces every page uses, regular and bold: Fyne parses a face
//     (and the system font it falls back to for the language) the first
//     time text in that style is measured, about 35 ms each;
//   - the built-in provider profiles, checked against their schema once
//     per process (about 20 ms), which the welcome step lists.
//
// Waiting before the page is built keeps the UI from loading a face a
// second time meanwhile. Fyne's font cache is safe for concurrent use.
func prepareFirstPage() (wait func()) {
	var wg sync.WaitGroup
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		wg.Go(func() { fyne.MeasureText("Mail", theme.TextSize(), style) })
	}
	wg.Go(func() { transports.BuiltinProviders() })
	return wg.Wait
}

// withMinSize gives content the window's minimum size: Fyne sizes a window
// to at least its content's MinSize.
func withMinSize(content fyne.CanvasObject) fyne.CanvasObject {
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(minWindowSize)
	return container.NewStack(spacer, content)
}
