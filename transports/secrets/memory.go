package secrets

import (
	"sync"

	"mailwizard/transports"
)

// Memory keeps secrets in this process only: for tests, and as the
// fallback when no keychain answers (the admin is warned that they will be
// lost when mailwizard closes).
type Memory struct {
	mu sync.Mutex
	m  map[transports.SecretRef]string
}

// NewMemory returns an empty memory store.
func NewMemory() *Memory { return &Memory{m: map[transports.SecretRef]string{}} }

func (s *Memory) Get(ref transports.SecretRef) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[ref]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (s *Memory) Set(ref transports.SecretRef, secret string) error {
	if _, _, _, err := ParseRef(ref); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[ref] = secret
	return nil
}

func (s *Memory) Delete(ref transports.SecretRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[ref]; !ok {
		return ErrNotFound
	}
	delete(s.m, ref)
	return nil
}

func (s *Memory) Forget(domain string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ref := range s.m {
		if d, _, _, err := ParseRef(ref); err == nil && d == domain {
			delete(s.m, ref)
			n++
		}
	}
	return n, nil
}
