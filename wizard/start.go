package wizard

import (
	"errors"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// Options are what a front end was started with (flags of the CLI, the
// same for the window).
type Options struct {
	PresetFile string    // --preset
	FromExport string    // --from-export: change an exported document
	Lang       i18n.Lang // --lang; empty: the draft's, else the system's
	DraftPath  string    // where the draft lives; empty: DefaultDraftPath
}

// Session is a started wizard: the flow over the resumed or new state,
// where its draft is kept, and what the admin should be told at the start.
type Session struct {
	Flow    *Flow
	Drafts  Drafts
	Resumed bool
	Notices []string // e.g. a damaged draft that was moved aside
}

// Start resumes the saved draft (or begins a new one), applies the preset
// to what is still unanswered, and settles the language: --lang wins, then
// the draft's, then the preset's, then the system's.
func Start(opts Options) (*Session, error) {
	path := opts.DraftPath
	if path == "" {
		p, err := DefaultDraftPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	sess := &Session{Drafts: Drafts{Path: path}}
	state, err := sess.Drafts.Load()
	var unreadable error // told once the language is settled
	switch {
	case errors.Is(err, ErrDraftUnreadable):
		unreadable = err
	case err != nil:
		return nil, err
	}
	switch {
	case opts.FromExport != "" && (state == nil || state.FromExport != opts.FromExport):
		// A document to change, not the draft of another session.
		if state, err = FromDocument(opts.FromExport, ""); err != nil {
			return nil, err
		}
	case state == nil:
		state = NewState("")
	default:
		sess.Resumed = true
	}
	var preset *Preset
	before := *state // what the draft answered, for the preset's conflicts
	if opts.PresetFile != "" {
		if preset, err = LoadPreset(opts.PresetFile); err != nil {
			return nil, err
		}
		if err := preset.Apply(state); err != nil {
			return nil, texts.Err(err, texts.T("wizard.preset.file", "preset %s: %v", opts.PresetFile, err))
		}
	}
	if p := transports.Locked(); p != nil && state.Provider == "" {
		// The only choice: neither face asks for it. A draft, preset or
		// document naming another service stays as it is, and is refused
		// by name where it is used (that service is unknown here).
		state.Provider = p.ID
	}
	if opts.Lang != "" {
		state.Lang = opts.Lang
	}
	if state.Lang == "" {
		state.Lang = i18n.System()
	}
	if unreadable != nil {
		sess.Notices = append(sess.Notices, i18n.New(state.Lang).Error(unreadable))
	}
	if preset != nil {
		sess.Notices = append(sess.Notices, preset.Conflicts(i18n.New(state.Lang), &before, path)...)
	}
	sess.Flow = NewFlow(state)
	return sess, nil
}
