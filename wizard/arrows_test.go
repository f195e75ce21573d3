package wizard

import (
	"os/exec"
	"strings"
	"testing"
)

// TestArrowsPointOneWay enforces the layout of DESIGN.md: only wizard/gui
// may import Fyne, and imports go gui/cli -> wizard -> checks -> transports,
// with resources importing nothing of ours. A violation would make the
// headless CLI and the tests link a GUI toolkit, or tie the model to it.
func TestArrowsPointOneWay(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command(goCmd, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return strings.Fields(string(out))
	}
	forbid := func(pkg string, prefixes ...string) {
		t.Helper()
		for _, d := range deps(pkg) {
			for _, p := range prefixes {
				if strings.HasPrefix(d, p) {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
	forbid("mailwizard/transports/...", "fyne.io/", "mailwizard/checks", "mailwizard/wizard")
	forbid("mailwizard/checks/...", "fyne.io/", "mailwizard/wizard")
	forbid("mailwizard/wizard", "fyne.io/", "mailwizard/wizard/gui", "mailwizard/wizard/cli")
	forbid("mailwizard/wizard/i18n", "fyne.io/")
	forbid("mailwizard/wizard/cli", "fyne.io/", "mailwizard/wizard/gui")
	for _, d := range deps("mailwizard/resources") {
		if strings.HasPrefix(d, "mailwizard/") && d != "mailwizard/resources" {
			t.Errorf("resources imports %s; it must import nothing of ours", d)
		}
	}
}
