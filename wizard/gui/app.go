// Package gui is the Fyne face of the wizard: one file per step, the
// logic in package wizard. Callbacks only copy what was typed into the
// State and ask the flow for the next step; work that waits (disk, network)
// runs on its own goroutine and comes back through one fyne.Do.
package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"mailwizard/resources"
	"mailwizard/wizard"
)

// AppID identifies the app to the OS (preferences, keychain namespace).
const AppID = "app.mailwizard.wizard"

// WindowTitle is what the admin sees in the task bar; the smoke test finds
// the window by it.
const WindowTitle = "Mail Transport Wizard"

// minWindowSize fits the longest step (DNS records to paste) without
// scrolling on a 1366×768 laptop.
var minWindowSize = fyne.NewSize(900, 650)

// Run opens the wizard window on a and blocks until it is closed; the
// result is the process exit code.
func Run(a fyne.App, opts wizard.Options, env *wizard.Env) int {
	a.SetIcon(fyne.NewStaticResource("icon.png", resources.Icon))
	w := a.NewWindow(WindowTitle)
	sess, err := wizard.Start(opts)
	if err != nil {
		// A bad --preset: say so in the window, since a GUI user may not
		// see a terminal.
		w.SetContent(withMinSize(widget.NewLabel("")))
		d := dialog.NewError(err, w)
		d.SetOnClosed(a.Quit)
		d.Show()
		w.ShowAndRun()
		return 2
	}
	ui := newUI(w, sess, env)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { a.Quit() })
	w.ShowAndRun()
	ui.close()
	return 0
}

// withMinSize gives content the window's minimum size: Fyne sizes a window
// to at least its content's MinSize.
func withMinSize(content fyne.CanvasObject) fyne.CanvasObject {
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(minWindowSize)
	return container.NewStack(spacer, content)
}
