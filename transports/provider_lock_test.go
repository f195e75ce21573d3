package transports

import (
	"os"
	"testing"
)

// A locked build knows only its provider: the welcome step offers nothing
// else, and --provider names no other built-in.
func TestLockedBuildKnowsOnlyItsProvider(t *testing.T) {
	if Locked() != nil {
		t.Fatal("the test binary is not a locked build")
	}
	raw, err := os.ReadFile("../resources/providers/spinoffice.json")
	if err != nil {
		t.Fatal(err)
	}
	restore := LockForTest(raw, nil)
	defer restore()
	ps, err := BuiltinProviders()
	if err != nil || len(ps) != 1 || ps[0].ID != "spinoffice" {
		t.Fatalf("BuiltinProviders = %v, %v; want spinoffice alone", ps, err)
	}
	if p := Locked(); p == nil || p.Name != "SpinOffice" {
		t.Fatalf("Locked() = %v", p)
	}
	if _, err := LoadProvider("clockwise"); err == nil {
		t.Fatal("a locked build loaded another built-in provider")
	}
	restore()
	if ps, _ := BuiltinProviders(); len(ps) < 2 {
		t.Fatalf("after restore: %d built-ins", len(ps))
	}
}

// A profile the wizard would refuse is refused in a locked build too,
// rather than offering a half-read provider.
func TestLockedBuildRefusesABadProfile(t *testing.T) {
	defer LockForTest([]byte(`{"id":"x"}`), nil)()
	if _, err := BuiltinProviders(); err == nil {
		t.Fatal("a locked build accepted a profile without name and transports")
	}
}
