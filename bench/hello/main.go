// Command hello is Fyne's hello world, the yardstick bench/window.sh
// measures the wizard's window against: the same Fyne version (this
// module's), the same kind of app (with an ID, so preferences and storage
// are set up as for the wizard) and the wizard's window size, so that
// what differs is what the wizard puts in its window.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("app.mailwizard.bench.hello")
	w := a.NewWindow("Hello Fyne")
	w.SetContent(widget.NewLabel("Hello World!"))
	w.Resize(fyne.NewSize(900, 650))
	w.ShowAndRun()
}
