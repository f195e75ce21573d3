package wizard

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDraftLoad: whatever is in the draft file, Load either returns a
// state or moves the file aside intact; it never panics or loses it.
func FuzzDraftLoad(f *testing.F) {
	f.Add([]byte(`{"version": 1, "step": "domain", "lang": "nl", "provider": "custom", "custom": {"name": "Acme"}, "domain": "bücher.de"}`))
	f.Add([]byte(`{"version": 2}`))
	f.Add([]byte(`{"version": 1, "saved": "not a time"}`))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, raw []byte) {
		dir := t.TempDir()
		d := Drafts{Path: filepath.Join(dir, "draft.json")}
		if err := os.WriteFile(d.Path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := d.Load()
		switch {
		case err == nil && s != nil:
			NewFlow(s) // resuming must cope with any loaded state
		case errors.Is(err, ErrDraftUnreadable):
			kept, _ := filepath.Glob(d.Path + ".unreadable-*")
			if len(kept) != 1 {
				t.Fatalf("unreadable draft not kept: %v", kept)
			}
			if got, _ := os.ReadFile(kept[0]); string(got) != string(raw) {
				t.Fatal("the kept draft differs from the original")
			}
		default:
			t.Fatalf("Load = %v, %v", s, err)
		}
	})
}

// FuzzPreset: any preset either loads into a state the flow can walk, or
// is refused with an error; it never panics, and what it loads passes the
// same checks the admin's own answers would.
func FuzzPreset(f *testing.F) {
	f.Add([]byte(`{"version": 1, "provider": "clockwise", "domain": "bücher.de", "senders": ["info"], "code_to": "it@example.org",
 "transports": [{"type": "smtp", "match": {"subsystem": "billing"}, "smtp": {"host": "mail.bücher.de", "port": 465, "encryption": "tls"}},
  {"type": "hosted", "hosted": {"dkim": {"algorithm": "rsa2048", "selector": "cw2026"}}}, {"type": "noreply", "noreply": {"reply_to_from": true}}]}`))
	f.Add([]byte(`{"provider": "spinoffice", "domain": "a.nl", "transports": [{"type": "hosted"}]}`))
	f.Add([]byte(`{"transports": [{"type": "smtp", "smtp": {"password": "x"}}]}`))
	f.Add([]byte(`{"version": 99}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := parsePreset(raw, t.TempDir())
		if err != nil {
			return
		}
		s := NewState("")
		if err := p.Apply(s); err != nil {
			return
		}
		for i, tr := range s.Transports {
			if err := tr.Match.Validate(); err != nil {
				t.Fatalf("transport %d: a preset rule that typed input would refuse: %v", i, err)
			}
		}
		NewFlow(s)
	})
}
