package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

func TestFlowWalksForwardAndBack(t *testing.T) {
	f := NewFlow(NewState(i18n.English))
	if f.Current().ID != StepWelcome || f.CanBack() {
		t.Fatalf("a new flow starts at %s (can go back: %v)", f.Current().ID, f.CanBack())
	}
	err := f.Next()
	if transports.FirstField(err) != "provider" || !strings.Contains(err.Error(), "choose the service") {
		t.Errorf("Next without a provider: %v, want an error on provider", err)
	}
	if f.Current().ID != StepWelcome {
		t.Errorf("a failed Next moved to %s", f.Current().ID)
	}

	f.State.Provider = "clockwise"
	if err := f.Next(); err != nil {
		t.Fatal(err)
	}
	if f.Current().ID != StepDomain || f.State.Step != StepDomain {
		t.Errorf("after Next: step %s, state step %s", f.Current().ID, f.State.Step)
	}
	f.State.Domain = "exa mple.nl"
	if err := f.Next(); transports.FirstField(err) != "domain" {
		t.Errorf("Next with a bad domain: %v", err)
	}
	f.State.Domain = " Bücher.DE "
	f.State.Senders = []string{"facturen", "Info@Bücher.DE", "facturen@xn--bcher-kva.de"}
	if err := f.Next(); err != nil {
		t.Fatal(err)
	}
	if f.State.Domain != "xn--bcher-kva.de" || strings.Join(f.State.Senders, ",") != "facturen@xn--bcher-kva.de,Info@xn--bcher-kva.de" {
		t.Errorf("domain %q, senders %q: want the ASCII form, local parts completed, no duplicates", f.State.Domain, f.State.Senders)
	}
	if f.Current().ID != StepTransportType {
		t.Fatalf("after the domain: %s", f.Current().ID)
	}
	// Before a type is chosen only the steps every path has apply.
	if n, total := f.Position(); n != 3 || total != 5 {
		t.Errorf("Position() = %d of %d, want 3 of 5", n, total)
	}
	f.Back()
	f.Back()
	if f.Current().ID != StepWelcome || f.State.Domain != "xn--bcher-kva.de" {
		t.Errorf("Back lost the answers or went wrong: %s, %q", f.Current().ID, f.State.Domain)
	}
}

// Each transport type has its own settings step; the others are skipped
// both ways, and the outline shows only what applies.
func TestFlowFollowsTheTransportType(t *testing.T) {
	s := NewState(i18n.English)
	s.Provider, s.Domain, s.Step = "clockwise", "example.nl", StepTransportType
	f := NewFlow(s)
	if f.Current().ID != StepTransportType {
		t.Fatalf("resumed at %s", f.Current().ID)
	}
	if err := f.Next(); transports.FirstField(err) != "type" {
		t.Errorf("Next without a type: %v", err)
	}
	p, _ := s.Profile()
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	test := func(typ transports.Type, want ...StepID) {
		t.Helper()
		f.GoTo(StepTransportType)
		if err := s.ChooseType(p, typ, now); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, st := range f.Outline() {
			got = append(got, string(st.ID))
		}
		var w []string
		for _, id := range want {
			w = append(w, string(id))
		}
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("%s: outline %v, want %v", typ, got, w)
		}
		if err := f.Next(); err != nil || f.Current().ID != want[3] {
			t.Errorf("%s: Next from the type step went to %s (%v), want %s", typ, f.Current().ID, err, want[3])
		}
	}
	test(transports.Hosted, StepWelcome, StepDomain, StepTransportType, StepHosted, StepDNS, StepTransports, StepReview)
	if tr := s.Current(); tr.Name != "ClockWise servers" || tr.Hosted.DKIM.Selector != "clockwise-202611" || tr.Match.Domain != "example.nl" {
		t.Errorf("hosted defaults: %+v %+v", tr, tr.Hosted)
	}
	// A different type for the same transport replaces its settings.
	test(transports.SMTP, StepWelcome, StepDomain, StepTransportType, StepSMTP, StepVerify, StepTransports, StepReview)
	test(transports.NoReply, StepWelcome, StepDomain, StepTransportType, StepNoReply, StepTransports, StepReview)
	if len(s.Transports) != 1 {
		t.Errorf("changing the type added transports: %d", len(s.Transports))
	}
	if err := s.ChooseType(&transports.Provider{Name: "PerfectView", Transports: []transports.Type{transports.SMTP}}, transports.Hosted, now); err == nil {
		t.Error("a type the service does not offer was accepted")
	}
}

func TestCustomProviderFieldsAreChecked(t *testing.T) {
	test := func(c CustomFields, field, says string) {
		t.Helper()
		s := NewState(i18n.English)
		s.Provider, s.Custom = "custom", &c
		err := NewFlow(s).Next()
		if transports.FirstField(err) != field || !strings.Contains(err.Error(), says) {
			t.Errorf("custom %+v: error %v, want field %q saying %q", c, err, field, says)
		}
	}
	test(CustomFields{}, "custom.name", "empty")
	test(CustomFields{Name: "Acme", SPFInclude: "spf acme.example"}, "custom.spf_include", "contains ' '")
	test(CustomFields{Name: "Acme", SendingRanges: "192.0.2.0/24, 198.51.100.7/24"}, "custom.sending_ranges", "write 198.51.100.0/24")
	test(CustomFields{Name: "Acme", NoReplyAddress: "noreply"}, "custom.noreply_address", "no @")

	s := NewState(i18n.English)
	s.Provider = "custom"
	s.Custom = &CustomFields{Name: "Acme Mailer", SPFInclude: "include:SPF.Acme.example", SendingRanges: "192.0.2.0/24 2001:db8::/32", NoReplyAddress: "noreply@acme.example"}
	p, err := s.Profile()
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Acme Mailer" || p.SPFInclude != "spf.acme.example" || len(p.SendingRanges) != 2 || p.NoReplyAddress != "noreply@acme.example" {
		t.Errorf("custom profile: %+v", p)
	}
}

func TestResumeAtSavedStep(t *testing.T) {
	s := NewState(i18n.Dutch)
	s.Provider, s.Domain, s.Step = "spinoffice", "example.nl", StepTransportType
	if f := NewFlow(s); f.Current().ID != StepTransportType {
		t.Errorf("resumed at %s, want the type step", f.Current().ID)
	}
	// Version 1 drafts ended at "summary": they resume at the type step.
	s.Step = "summary"
	if f := NewFlow(s); f.Current().ID != StepTransportType {
		t.Errorf("a version 1 draft resumed at %s", f.Current().ID)
	}
	// A profile file that has gone missing sends the admin back to choose.
	s.Provider, s.Step = filepath.Join(t.TempDir(), "gone.json"), StepTransportType
	if f := NewFlow(s); f.Current().ID != StepWelcome {
		t.Errorf("resumed at %s although the provider is gone, want welcome", f.Current().ID)
	}
	s.Step = "no-such-step"
	if f := NewFlow(s); f.Current().ID != StepWelcome {
		t.Errorf("an unknown saved step resumed at %s", f.Current().ID)
	}
}

func TestPreset(t *testing.T) {
	dir := t.TempDir()
	profile := `{"id": "acme", "name": "Acme", "transports": ["hosted"], "dkim": {"mode": "none"}}`
	if err := os.WriteFile(filepath.Join(dir, "acme.json"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(body string) string {
		p := filepath.Join(dir, "preset.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := LoadPreset(write(`{"provider": "acme.json", "domain": "Bücher.de", "lang": "nl"}`))
	if err != nil {
		t.Fatal(err)
	}
	s := NewState("")
	s.Domain = "typed-by-admin.nl"
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	if s.Provider != filepath.Join(dir, "acme.json") || s.Domain != "typed-by-admin.nl" || s.Lang != i18n.Dutch {
		t.Errorf("after Apply: %+v (the admin's own answer must win)", s)
	}
	for body, field := range map[string]string{
		`{"provider": "nope"}`:     "provider",
		`{"domain": "a b.nl"}`:     "domain",
		`{"lang": "fr"}`:           "lang",
		`{"domian": "example.nl"}`: "",
		`{"domain": "example.nl"`:  "",
	} {
		_, err := LoadPreset(write(body))
		if err == nil {
			t.Errorf("preset %s accepted", body)
		} else if field != "" && transports.FirstField(err) != field {
			t.Errorf("preset %s: error %v does not name %s", body, err, field)
		}
	}
}

func TestStartPrecedence(t *testing.T) {
	dir := t.TempDir()
	drafts := Drafts{Path: filepath.Join(dir, "draft.json")}
	preset := filepath.Join(dir, "preset.json")
	os.WriteFile(preset, []byte(`{"provider": "clockwise", "domain": "preset.nl", "lang": "nl"}`), 0o644)

	sess, err := Start(Options{PresetFile: preset, DraftPath: drafts.Path})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Resumed || sess.Flow.State.Provider != "clockwise" || sess.Flow.State.Lang != i18n.Dutch {
		t.Errorf("fresh start with preset: %+v", sess.Flow.State)
	}
	saved := NewState(i18n.English)
	saved.Domain, saved.Provider = "draft.nl", "spacewell"
	if err := drafts.Save(saved); err != nil {
		t.Fatal(err)
	}
	sess, err = Start(Options{PresetFile: preset, DraftPath: drafts.Path, Lang: i18n.Dutch})
	if err != nil {
		t.Fatal(err)
	}
	st := sess.Flow.State
	if !sess.Resumed || st.Domain != "draft.nl" || st.Provider != "spacewell" || st.Lang != i18n.Dutch {
		t.Errorf("resume: %+v; the draft's answers win over the preset, --lang over both", st)
	}
	if _, err := Start(Options{PresetFile: filepath.Join(dir, "missing.json"), DraftPath: drafts.Path}); err == nil {
		t.Error("a missing preset file was accepted")
	}
	if !errors.Is(errChooseProvider, transports.ErrEmpty) {
		t.Error("errChooseProvider does not match ErrEmpty")
	}
}

// A clone shares nothing with its original: an action that runs on it off
// the UI thread cannot change what the admin is typing into.
func TestCloneIsDeep(t *testing.T) {
	s := NewState(i18n.English)
	s.Domain, s.Senders = "example.nl", []string{"facturen@example.nl"}
	s.Transports = []transports.Transport{{Name: "Own", Type: transports.SMTP, SMTP: &transports.SMTPSettings{Host: "smtp.example.nl"}}}
	c, err := s.Clone()
	if err != nil {
		t.Fatal(err)
	}
	c.Senders[0], c.Transports[0].SMTP.Host = "x@example.nl", "other.example.nl"
	if s.Senders[0] != "facturen@example.nl" || s.Transports[0].SMTP.Host != "smtp.example.nl" || c.Domain != "example.nl" {
		t.Errorf("the clone changed the original: %+v %+v", s.Senders, s.Transports[0].SMTP)
	}
}
