package localeenv

import "testing"

func TestClean(t *testing.T) {
	test := func(in, want string) {
		t.Helper()
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
	test("nl_NL.UTF-8", "nl_NL.UTF-8")
	test("C.UTF-8", "C")
	test("C", "C")
	test("POSIX", "POSIX")
	test("de_DE@euro", "de_DE")
	test("de_DE.UTF-8@euro", "de_DE.UTF-8")
	test("sr_RS@latin", "sr_RS")
	test("ca_ES.UTF-8@valencia", "ca_ES.UTF-8")
	test("UTF-8", "C")
	test("xx_YY", "C")
	test("en", "en")
}

func TestApply(t *testing.T) {
	env := map[string]string{"LANG": "sr_RS@latin", "LC_ALL": "UTF-8", "LANGUAGE": "nl_BE@euro:xx:en", "LC_MESSAGES": "nl_NL.UTF-8"}
	Apply(func(k string) string { return env[k] },
		func(k, v string) error { env[k] = v; return nil },
		func(k string) error { delete(env, k); return nil })
	want := map[string]string{"LANG": "sr_RS", "LC_ALL": "C", "LANGUAGE": "nl_BE:en", "LC_MESSAGES": "nl_NL.UTF-8"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	env = map[string]string{"LANGUAGE": "xx:UTF-8"}
	Apply(func(k string) string { return env[k] },
		func(k, v string) error { env[k] = v; return nil },
		func(k string) error { delete(env, k); return nil })
	if _, ok := env["LANGUAGE"]; ok {
		t.Errorf("LANGUAGE with no usable entry kept as %q", env["LANGUAGE"])
	}
}
