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
