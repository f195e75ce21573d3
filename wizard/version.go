package wizard

import "runtime/debug"

// version is set at build time: -ldflags "-X mailwizard/wizard.version=1.2.3".
var version = ""

// Version is the release, or the VCS revision of a development build. Both
// faces name it as the export's generator, so the window and setup write
// the same document for the same answers.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// Generator is what an export names as its maker: "mailwizard 1.2.3".
func Generator() string { return "mailwizard " + Version() }
