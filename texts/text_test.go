package texts

import "testing"

func TestText(t *testing.T) {
	dutch := map[string]string{
		"spf.missing":      "%s heeft geen SPF-record",
		"smtp.server-said": " (de server zei: %s)",
		"smtp.auth-failed": "de server weigerde de login%s",
		"order":            "%[2]s, dan %[1]s",
	}
	lookup := func(key string) (string, bool) { s, ok := dutch[key]; return s, ok }
	test := func(x Text, english, translated string) {
		t.Helper()
		if got := x.String(); got != english {
			t.Errorf("English %q, want %q", got, english)
		}
		if got := x.Render(nil); got != english {
			t.Errorf("Render(nil) %q, want %q", got, english)
		}
		if got := x.Render(lookup); got != translated {
			t.Errorf("translated %q, want %q", got, translated)
		}
	}
	test(T("spf.missing", "%s has no SPF record", "example.nl"), "example.nl has no SPF record", "example.nl heeft geen SPF-record")
	// A clause is rendered in the same language as the sentence around it.
	said := T("smtp.server-said", " (the server said: %s)", "535 5.7.8 no")
	test(T("smtp.auth-failed", "the server rejected the login%s", said),
		"the server rejected the login (the server said: 535 5.7.8 no)", "de server weigerde de login (de server zei: 535 5.7.8 no)")
	test(T("smtp.auth-failed", "the server rejected the login%s", Text{}), "the server rejected the login", "de server weigerde de login")
	test(T("order", "%s before %s", "a", "b"), "a before b", "b, dan a")
	// Unknown keys keep their English; verbatim words are not a format.
	test(T("no.such.key", "%d left", 3), "3 left", "3 left")
	test(Verbatim("100% sure"), "100% sure", "100% sure")
	test(Join("; ", T("spf.missing", "%s has no SPF record", "a.nl"), Verbatim("50%")), "a.nl has no SPF record; 50%", "a.nl heeft geen SPF-record; 50%")
	test(Join(" % "), "", "")
	if !(Text{}).IsZero() || T("k", "x").IsZero() || Verbatim("x").IsZero() {
		t.Error("IsZero")
	}
}
