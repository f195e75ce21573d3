package wizard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/atomicfile"
)

// Drafts keeps the wizard's State in one file under the user's config
// directory, written atomically with mode 0600 after every change.
type Drafts struct {
	Path string
}

// DefaultDraftPath is <user config dir>/mailwizard/draft.json:
// ~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on
// Windows; $XDG_CONFIG_HOME wherever it is set, as on Linux (a portable
// setup, a test keeping off the user's real draft). A build locked to one
// provider keeps its own, draft-<id>.json: the general build's draft may
// be for another service.
func DefaultDraftPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec ignores a relative value
		var err error
		if dir, err = os.UserConfigDir(); err != nil {
			return "", fmt.Errorf("finding the configuration directory: %w", err)
		}
	}
	name := "draft.json"
	if p := transports.Locked(); p != nil {
		name = "draft-" + p.ID + ".json"
	}
	return filepath.Join(dir, "mailwizard", name), nil
}

// maxDraftSize bounds what Load reads: a draft is a few KiB of answers.
const maxDraftSize = 1 << 20

// ErrDraftUnreadable means the draft could not be used; the file was moved
// aside (never deleted) and the wizard starts fresh.
var ErrDraftUnreadable = texts.Err(nil, texts.T("wizard.draft.unreadable", "wizard: draft unreadable"))

// Load returns the saved draft, or nil when there is none. A corrupt draft,
// or one from a newer mailwizard, is renamed to draft.json.unreadable-<time>
// so nothing typed is destroyed, and Load says where it went.
func (d Drafts) Load() (*State, error) {
	raw, err := transports.ReadSmallFile(d.Path, maxDraftSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil && !errors.Is(err, transports.ErrFileTooLarge) {
		return nil, fmt.Errorf("reading the draft: %w", err)
	}
	var s State
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var why texts.Text
	switch derr := dec.Decode(&s); {
	case err != nil:
		why = texts.T("wizard.draft.too-large", "it is larger than %d KiB, far more than a draft holds", maxDraftSize>>10)
	case derr != nil:
		why = texts.T("wizard.draft.damaged", "it is damaged (%v)", derr)
	case s.Version > DraftVersion:
		why = texts.T("wizard.draft.newer", "it was saved by a newer mailwizard (draft version %d)", s.Version)
	case s.Version < 1:
		why = texts.T("wizard.draft.no-version", "it has no version")
	}
	if why.IsZero() {
		return &s, nil
	}
	aside := fmt.Sprintf("%s.unreadable-%s", d.Path, time.Now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(d.Path, aside); err != nil {
		return nil, texts.Err(ErrDraftUnreadable, texts.T("wizard.draft.not-moved", "%v: %s, and moving it aside failed: %v", ErrDraftUnreadable, why, err))
	}
	return nil, texts.Err(ErrDraftUnreadable, texts.T("wizard.draft.moved", "%v: %s; it was kept as %s and the wizard starts afresh", ErrDraftUnreadable, why, aside))
}

// Encode renders s as the bytes Save writes; callers on a UI goroutine
// encode there (cheap) and hand the bytes to a background writer.
func Encode(s *State) ([]byte, error) {
	c := *s
	c.Version = DraftVersion
	c.Saved = time.Now().UTC().Truncate(time.Second)
	return json.MarshalIndent(&c, "", "  ")
}

// Save writes s now.
func (d Drafts) Save(s *State) error {
	raw, err := Encode(s)
	if err != nil {
		return err
	}
	return d.write(raw)
}

func (d Drafts) write(raw []byte) error {
	if err := os.MkdirAll(filepath.Dir(d.Path), 0o700); err != nil {
		return fmt.Errorf("saving the draft: %w", err)
	}
	return atomicfile.Write(d.Path, raw, 0o600)
}

// Discard deletes the draft, for "start over" and after a finished export.
func (d Drafts) Discard() error {
	if err := os.Remove(d.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the draft: %w", err)
	}
	return nil
}
