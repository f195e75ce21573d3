package secrets

import (
	"fmt"

	"mailwizard/transports"
)

// Unavailable is a store that says why there is no keychain on every call,
// for a window that opens anyway: the steps that need no secret still work,
// and the one that does says why it cannot keep it.
func Unavailable(err error) Store { return noKeychain{err} }

type noKeychain struct{ err error }

func (u noKeychain) Get(transports.SecretRef) (string, error) { return "", u.wrap() }
func (u noKeychain) Set(transports.SecretRef, string) error   { return u.wrap() }
func (u noKeychain) Delete(transports.SecretRef) error        { return u.wrap() }
func (u noKeychain) Forget(string) (int, error)               { return 0, u.wrap() }

func (u noKeychain) wrap() error {
	if u.err == nil {
		return ErrUnavailable
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, u.err)
}
