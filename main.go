// Command mailwizard sets up how a hosted service sends mail for a domain:
// with no arguments it opens the wizard window, with a subcommand it runs
// on the terminal (mailwizard help).
package main

import (
	"os"

	"fyne.io/fyne/v2/app"

	"mailwizard/wizard"
	"mailwizard/wizard/cli"
	"mailwizard/wizard/gui"
	_ "mailwizard/wizard/i18n/localeenv" // before Fyne reads the locale
)

func main() {
	os.Exit(cli.Main(os.Args[1:], consoleStdio(), func(opts wizard.Options, env *wizard.Env) int {
		gui.PrepareEnvironment()
		return gui.Run(app.NewWithID(gui.AppID), opts, env)
	}))
}
