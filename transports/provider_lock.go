package transports

import (
	"encoding/base64"
	"fmt"
	"sync"
)

// A provider-locked build (make package PROVIDER=spinoffice) carries one
// profile, set by the linker, as the only built-in: the support desk that
// hands out the installer decides the service, and the admin is not asked.
// The tree stays the same for every build; only the link flags differ.
//
//	-X mailwizard/transports.lockedProfile=<base64 of the profile JSON>
//	-X mailwizard/transports.lockedIcon=<base64 of its PNG icon>
var (
	lockedProfile string
	lockedIcon    string
)

// builtinProfiles is the locked profile alone in a locked build, else the
// embedded ones.
func builtinProfiles() ([][]byte, error) {
	if lockedProfile == "" {
		return checkedBuiltins()
	}
	raw, err := checkedLock()
	if err != nil {
		return nil, err
	}
	return [][]byte{raw}, nil
}

var checkedLock = sync.OnceValues(func() ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(lockedProfile)
	if err != nil {
		return nil, fmt.Errorf("locked provider profile: %w", err)
	}
	if _, err := ParseProvider(raw); err != nil {
		return nil, fmt.Errorf("locked provider profile: %w", err)
	}
	return raw, nil
})

// Locked returns the profile a provider-locked build was made for, or nil
// in the general build.
func Locked() *Provider {
	if lockedProfile == "" {
		return nil
	}
	ps, err := BuiltinProviders()
	if err != nil || len(ps) != 1 {
		return nil // the build tool checked the profile; cannot happen
	}
	return ps[0]
}

// LockedIcon returns the PNG icon of a locked build, or nil.
func LockedIcon() []byte {
	b, err := base64.StdEncoding.DecodeString(lockedIcon)
	if err != nil {
		return nil
	}
	return b
}

// LockForTest makes this process a build locked to the profile raw (and
// icon), as the linker flags would, until the returned func is called.
// Only tests call it: the window's tests show what a locked build shows.
func LockForTest(raw, icon []byte) (restore func()) {
	oldP, oldI, oldC := lockedProfile, lockedIcon, checkedLock
	lockedProfile = base64.StdEncoding.EncodeToString(raw)
	lockedIcon = base64.StdEncoding.EncodeToString(icon)
	checkedLock = sync.OnceValues(func() ([]byte, error) {
		if _, err := ParseProvider(raw); err != nil {
			return nil, err
		}
		return raw, nil
	})
	return func() { lockedProfile, lockedIcon, checkedLock = oldP, oldI, oldC }
}
