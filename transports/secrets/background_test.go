package secrets

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The window is built while the keychain is still being opened: the
// store comes back at once, and the first call waits for the keychain
// rather than failing or reaching a half-opened one.
func TestOpenInBackgroundWaitsOnFirstUse(t *testing.T) {
	release := make(chan struct{})
	mem := NewMemory()
	start := time.Now()
	s := OpenInBackground(func() (Store, error) { <-release; return mem, nil })
	if took := time.Since(start); took > time.Second {
		t.Fatalf("OpenInBackground waited %v for the keychain", took)
	}
	ref := Ref("example.nl", "relay", KindSMTPPassword)
	done := make(chan error, 1)
	go func() { done <- s.Set(ref, "Zomer2026!mail") }()
	select {
	case err := <-done:
		t.Fatalf("Set returned (%v) before the keychain was open", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, err := mem.Get(ref); err != nil || got != "Zomer2026!mail" {
		t.Errorf("the opened store holds %q, %v", got, err)
	}
}

// A keychain that cannot be opened makes every call say so, with why.
func TestOpenInBackgroundFailureIsUnavailable(t *testing.T) {
	s := OpenInBackground(func() (Store, error) { return nil, errors.New("no Secret Service on this D-Bus session") })
	_, err := s.Get(Ref("example.nl", "relay", KindSMTPPassword))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no Secret Service") {
		t.Errorf("Get: %v, want ErrUnavailable with the reason", err)
	}
	if _, err := s.Forget("example.nl"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Forget: %v, want ErrUnavailable", err)
	}
}
