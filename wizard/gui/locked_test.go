package gui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailwizard/resources"
	"mailwizard/transports"
	"mailwizard/wizard"
	"mailwizard/wizard/i18n"
)

// lockTo makes the test a build locked to a built-in profile, as
// `make package PROVIDER=id` links it, with icon as the profile's icon.
func lockTo(t *testing.T, id string, icon []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "resources", "providers", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(transports.LockForTest(raw, icon))
}

// A build locked to SpinOffice shows SpinOffice as the service, fixed:
// no other service, no profile file to open, and Next moves on at once.
// The window's title and icon are the service's.
func TestLockedBuildShowsOnlyItsProvider(t *testing.T) {
	test.NewTempApp(t)
	icon := bytes.Clone(resources.Icon)
	lockTo(t, "spinoffice", icon)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	s := welcome(t, u)
	if s.radio != nil {
		t.Error("the locked build offers a choice of service")
	}
	if st := u.flow.State; st.Provider != "spinoffice" {
		t.Errorf("provider %q, want spinoffice", st.Provider)
	}
	if got := shown(s.fields["provider"].box); got != "Service\nThis wizard is made for SpinOffice: it sets up your domain for that service only.\nSpinOffice" {
		t.Errorf("the service field shows %q", got)
	}
	if u.next.Disabled() {
		t.Error("Next is disabled with the only service given")
	}
	test.AssertRendersToMarkup(t, "welcome_locked.xml", w.Canvas())
	if got := windowTitle(); got != "SpinOffice Mail Wizard" {
		t.Errorf("window title %q", got)
	}
	if got := appIcon().Content(); !bytes.Equal(got, icon) {
		t.Error("the window icon is not the profile's")
	}
	test.Tap(u.next)
	if _, ok := u.view.(*domainStep); !ok {
		t.Fatalf("after Next the window shows %T, want the domain step", u.view)
	}
}

// The locked build reads Dutch throughout, its fixed service too.
func TestLockedBuildInDutch(t *testing.T) {
	test.NewTempApp(t)
	lockTo(t, "spinoffice", nil)
	u, _ := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.Dutch)
	s := welcome(t, u)
	if got := shown(s.fields["provider"].box); got != "Dienst\nDeze wizard is gemaakt voor SpinOffice: hij richt uw domein alleen voor die dienst in.\nSpinOffice" {
		t.Errorf("the service field shows %q", got)
	}
	if windowTitle() != "SpinOffice Mail Wizard" || !bytes.Equal(appIcon().Content(), resources.Icon) {
		t.Error("a locked profile without an icon changes the title or icon wrongly")
	}
}

// A preset for another service is refused by a locked build, naming the
// field, rather than quietly setting up the wrong service.
func TestLockedBuildRefusesAPresetForAnotherService(t *testing.T) {
	lockTo(t, "spinoffice", nil)
	preset := filepath.Join(t.TempDir(), "customer.mwpreset")
	if err := os.WriteFile(preset, []byte(`{"version": 1, "provider": "clockwise", "domain": "example.nl"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := wizard.Start(wizard.Options{DraftPath: filepath.Join(t.TempDir(), "draft.json"), PresetFile: preset, Lang: i18n.English})
	if err == nil || !strings.Contains(err.Error(), `provider: unknown provider "clockwise"`) {
		t.Fatalf("a locked build given a preset for ClockWise: %v; want the provider field refused", err)
	}
}
