package cli

import (
	"fmt"
	"os"
	"runtime"

	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// openWindow opens the wizard window, or, where no window can appear,
// says so and points to setup: GLFW panics with a stack trace when it
// finds no display, which tells an admin in an SSH session nothing.
func (e *env) openWindow(open OpenWindow, opts wizard.Options) int {
	if !displayAvailable(os.Getenv, runtime.GOOS) {
		// Without --lang the window would follow the system's language;
		// so does the message that stands in for it.
		lang := e.globals.lang
		if lang == "" {
			lang = i18n.System()
		}
		tr := i18n.New(lang)
		fmt.Fprintln(e.Err, "mailwizard: "+tr.X("cmd.window.no_display",
			"the wizard window needs a desktop session, and this one has none (neither DISPLAY nor WAYLAND_DISPLAY is set, as in an SSH session)."))
		fmt.Fprintln(e.Err, tr.X("cmd.window.use_setup",
			"Run 'mailwizard setup' for the same wizard on the terminal: it asks the same questions and saves the same draft."))
		return ExitUsage
	}
	return open(opts, e.wizardEnv())
}

// displayAvailable reports whether a window can be shown. macOS and
// Windows always have a desktop for a logged-in user; elsewhere (Linux,
// the BSDs) a window needs an X server or a Wayland compositor, which a
// desktop session announces in DISPLAY or WAYLAND_DISPLAY.
func displayAvailable(getenv func(string) string, goos string) bool {
	switch goos {
	case "darwin", "windows", "ios", "android", "js":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}
