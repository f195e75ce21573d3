package wizard

import (
	"errors"
	"testing"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/spf"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// Sending without DKIM is a choice where the service lets the wizard make
// the key, never where it hosts the keys; turning DKIM back on gives the
// profile's mode with a dated selector again.
func TestSignWithoutAndWithDKIM(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	test := func(provider string, allowed bool, after transports.DKIMSettings) {
		t.Helper()
		s := NewState(i18n.English)
		s.Provider, s.Domain = provider, "example.nl"
		p, err := s.Profile()
		must(t, err)
		must(t, s.ChooseType(p, transports.Hosted, now))
		before := s.Current().Hosted.DKIM
		err = SignWithoutDKIM(s)
		if got := err == nil; got != allowed || WithoutDKIMAllowed(p) != allowed {
			t.Fatalf("%s: without DKIM allowed %v (%v), want %v", provider, got, err, allowed)
		}
		if !allowed {
			if transports.FirstField(err) != "dkim.mode" || s.Current().Hosted.DKIM != before {
				t.Errorf("%s: refused with %v, settings now %+v", provider, err, s.Current().Hosted.DKIM)
			}
			return
		}
		if s.Current().Hosted.DKIM.Mode != transports.DKIMNone || checkHosted(s) != nil {
			t.Errorf("%s: without DKIM %+v, check %v", provider, s.Current().Hosted.DKIM, checkHosted(s))
		}
		must(t, SignWithDKIM(s, now))
		if got := s.Current().Hosted.DKIM; got != after {
			t.Errorf("%s: with DKIM again %+v, want %+v", provider, got, after)
		}
	}
	test("clockwise", true, transports.DKIMSettings{Mode: transports.DKIMGenerate, Selector: "clockwise-202611"})
	test("spinoffice", false, transports.DKIMSettings{})
}

func TestSPFRefusalWords(t *testing.T) {
	nl := i18n.New(i18n.Dutch)
	test := func(err error, want string) {
		t.Helper()
		if got := SPFRefusal(nl, err); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
	test(spf.ErrNothingToSuggest, "de provider vraagt geen SPF-wijziging")
	test(&spf.Refusal{Kind: spf.ErrNoSuchDomain, Why: checks.T("spf.refusal.nxdomain", "%s does not exist in DNS; check its spelling", "exampel.nl")},
		"exampel.nl bestaat niet in de DNS; controleer de spelling")
	test(errors.New("spf: something else"), "something else")
}
