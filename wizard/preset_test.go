package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailwizard/transports"
)

// Preset transports take the wizard's defaults where they say nothing,
// and are converted like typed input (IDN to ASCII, selectors lowered).
func TestPresetTransports(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "dkim.pem"), []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600)
	p, err := parsePreset([]byte(`{
  "provider": "spacewell", "domain": "bücher.example",
  "transports": [
    {"type": "smtp", "match": {"domain": ".Bücher.example", "local_part": "facturen"}, "smtp": {"host": "Mail.Bücher.example", "encryption": "tls", "auth": "none-ip-allowlist"}},
    {"type": "hosted", "hosted": {"dkim": {"mode": "import", "selector": "Old2019", "key_file": "dkim.pem"}}},
    {"type": "noreply"},
    {"type": "smtp", "name": "Second relay"}
  ]}`), dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewState("")
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	if len(s.Transports) != 4 || s.Editing != 1 {
		t.Fatalf("transports %+v, editing %d", s.Transports, s.Editing)
	}
	relay := s.Transports[0]
	if relay.Match.Domain != ".xn--bcher-kva.example" || relay.SMTP.Host != "mail.xn--bcher-kva.example" || relay.SMTP.Port != 465 ||
		relay.SMTP.CertCheck != transports.CertStrict || relay.Name != "Own mail server" {
		t.Errorf("smtp transport %+v %+v", relay, relay.SMTP)
	}
	hosted := s.Transports[1]
	if hosted.Match.Domain != "xn--bcher-kva.example" || hosted.Hosted.DKIM.Mode != transports.DKIMImport || hosted.Hosted.DKIM.Selector != "old2019" {
		t.Errorf("hosted transport %+v %+v", hosted, hosted.Hosted)
	}
	if plan := s.KeyPlan("old2019"); plan == nil || plan.KeyFile != filepath.Join(dir, "dkim.pem") {
		t.Errorf("key plan %+v", s.KeyPlans)
	}
	if s.Transports[2].NoReply == nil || s.Transports[3].Name != "Second relay" || s.Transports[3].SMTP.Port != 587 {
		t.Errorf("defaults: %+v %+v", s.Transports[2], s.Transports[3])
	}
	if FirstIncomplete(s) != 0 {
		t.Errorf("first incomplete %d, want the relay (not verified yet)", FirstIncomplete(s))
	}

	// A draft with transports of its own keeps them.
	s2 := NewState("")
	s2.Provider, s2.Domain = "spacewell", "other.nl"
	s2.Transports = []transports.Transport{{Name: "mine", Type: transports.NoReply, NoReply: &transports.NoReplySettings{}}}
	if err := p.Apply(s2); err != nil || len(s2.Transports) != 1 {
		t.Errorf("a draft's own transports were replaced: %+v %v", s2.Transports, err)
	}

	for body, field := range map[string]string{
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "hosted", "hosted": {"dkim": {"mode": "cname"}}}]}`:                  "transports[0].hosted.dkim.mode",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "hosted", "hosted": {"dkim": {"key_file": "none.pem"}}}]}`:           "transports[0].hosted.dkim.key_file",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "smtp", "smtp": {"encryption": "none"}}]}`:                           "transports[0].smtp.encryption",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "smtp", "smtp": {"auth": "none-ip-allowlist", "mode": "mailbox"}}]}`: "transports[0].smtp.mode",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "smtp", "match": {"domain": "a b.nl"}}]}`:                            "transports[0].match.domain",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "noreply", "name": "x"}, {"type": "noreply", "name": "X"}]}`:         "transports[1].name",
		`{"provider": "spacewell", "transports": [{"type": "noreply"}]}`:                                                                          "transports[0].match",
		`{"provider": "spacewell", "domain": "a.nl", "transports": [{"type": "noreply", "smtp": {}}]}`:                                            "transports[0]",
		`{"domain": "a.nl", "transports": [{"type": "noreply"}]}`:                                                                                 "transports",
	} {
		p, err := parsePreset([]byte(body), dir)
		if err == nil {
			err = p.Apply(NewState(""))
		}
		if err == nil {
			t.Errorf("preset %s accepted", body)
		} else if got := transports.FirstField(err); got != field {
			t.Errorf("preset %s: %v names %q, want %q", body, err, got, field)
		}
	}
}

// A preset that disagrees with the saved draft loses, and says so.
func TestPresetConflictsWithDraft(t *testing.T) {
	dir := t.TempDir()
	drafts := Drafts{Path: filepath.Join(dir, "draft.json")}
	saved := NewState("")
	saved.Provider, saved.Domain = "spacewell", "draft.nl"
	if err := drafts.Save(saved); err != nil {
		t.Fatal(err)
	}
	preset := filepath.Join(dir, "p.json")
	os.WriteFile(preset, []byte(`{"provider": "clockwise", "domain": "preset.nl"}`), 0o600)
	sess, err := Start(Options{PresetFile: preset, DraftPath: drafts.Path})
	if err != nil {
		t.Fatal(err)
	}
	if s := sess.Flow.State; s.Provider != "spacewell" || s.Domain != "draft.nl" {
		t.Errorf("the preset overrode the draft: %+v", s)
	}
	if len(sess.Notices) != 2 || !strings.Contains(sess.Notices[0], "delete "+drafts.Path) || !strings.Contains(sess.Notices[1], "preset.nl") {
		t.Errorf("notices %q", sess.Notices)
	}
}
