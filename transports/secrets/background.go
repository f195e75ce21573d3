package secrets

import "mailwizard/transports"

// OpenInBackground starts open on its own goroutine and returns a Store
// that waits for it on first use. A window can then appear at once while
// the keychain answers: a Secret Service is often started by D-Bus on the
// first call, and a locked one asks to be unlocked, which takes as long as
// the admin takes. When open fails, every call fails with its error
// (ErrUnavailable), as Unavailable's store does.
func OpenInBackground(open func() (Store, error)) Store {
	b := &background{ready: make(chan struct{})}
	go func() {
		defer close(b.ready)
		s, err := open()
		if err != nil {
			s = Unavailable(err)
		}
		b.store = s
	}()
	return b
}

type background struct {
	ready chan struct{} // closed once store is set
	store Store
}

func (b *background) opened() Store { <-b.ready; return b.store }

func (b *background) Get(ref transports.SecretRef) (string, error) { return b.opened().Get(ref) }
func (b *background) Set(ref transports.SecretRef, secret string) error {
	return b.opened().Set(ref, secret)
}
func (b *background) Delete(ref transports.SecretRef) error { return b.opened().Delete(ref) }
func (b *background) Forget(domain string) (int, error)     { return b.opened().Forget(domain) }
