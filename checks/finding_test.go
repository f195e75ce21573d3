package checks

import "testing"

func TestWorst(t *testing.T) {
	test := func(want Severity, sev ...Severity) {
		t.Helper()
		var fs []Finding
		for _, s := range sev {
			fs = append(fs, Finding{Severity: s})
		}
		if got := Worst(fs); got != want {
			t.Errorf("Worst(%v) = %q, want %q", sev, got, want)
		}
	}
	test("")
	test(Info, Info)
	test(Warning, Info, Warning, Info)
	test(Error, Warning, Error, Info)
	test(Error, Error, Warning)
}
