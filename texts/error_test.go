package texts

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestErrorWords(t *testing.T) {
	dutch := map[string]string{
		"kind.empty": "is leeg",
		"port.range": "%d is geen TCP-poort",
		"file":       "bestand %s: %v",
	}
	lookup := func(key string) (string, bool) { s, ok := dutch[key]; return s, ok }
	empty := Err(nil, T("kind.empty", "is empty"))
	port := Err(empty, T("port.range", "%d is not a TCP port", 70000))
	test := func(err error, english, translated string) {
		t.Helper()
		if got := err.Error(); got != english {
			t.Errorf("Error() = %q, want %q", got, english)
		}
		if got := Of(err).String(); got != english {
			t.Errorf("Of().String() = %q, want %q", got, english)
		}
		if got := Of(err).Render(lookup); got != translated {
			t.Errorf("translated %q, want %q", got, translated)
		}
	}
	test(empty, "is empty", "is leeg")
	test(port, "70000 is not a TCP port", "70000 is geen TCP-poort")
	if !errors.Is(port, empty) {
		t.Error("errors.Is does not find the kind")
	}
	// A wrapper's own words stay as they are, around or before what it wraps.
	test(fmt.Errorf("--port: %w", port), "--port: 70000 is not a TCP port", "--port: 70000 is geen TCP-poort")
	test(fmt.Errorf("a.json: %w (run validate)", empty), "a.json: is empty (run validate)", "a.json: is leeg (run validate)")
	// An error among a Text's arguments is a clause; foreign errors are verbatim.
	test(Err(fs.ErrNotExist, T("file", "file %s: %v", "a.json", fs.ErrNotExist)), "file a.json: file does not exist", "bestand a.json: file does not exist")
	test(Err(nil, T("file", "file %s: %v", "a.json", fmt.Errorf("x: %w", empty))), "file a.json: x: is empty", "bestand a.json: x: is leeg")
	test(errors.New("100% plain"), "100% plain", "100% plain")
	if !Of(nil).IsZero() {
		t.Error("Of(nil) is not zero")
	}
}
