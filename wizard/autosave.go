package wizard

import "sync"

// Autosaver writes the draft in the background so that typing never waits
// on the disk (each save flushes to disk, which can take many
// milliseconds). Saves coalesce: only the newest state is written.
type Autosaver struct {
	drafts  Drafts
	onError func(error)

	mu      sync.Mutex
	pending []byte
	wake    chan struct{}
	done    chan struct{}
	closed  bool
}

// NewAutosaver starts the writer. onError is called from the writer's
// goroutine; a GUI must hop to its UI goroutine before showing it.
func NewAutosaver(d Drafts, onError func(error)) *Autosaver {
	a := &Autosaver{drafts: d, onError: onError, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go a.loop()
	return a
}

// Save schedules s to be written. It encodes s before returning, so the
// caller may change s at once.
func (a *Autosaver) Save(s *State) {
	raw, err := Encode(s)
	if err != nil {
		a.report(err)
		return
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.pending = raw
	select { // under mu, so Close cannot close wake in between
	case a.wake <- struct{}{}:
	default: // a wake-up is already queued; it will pick up the newest bytes
	}
	a.mu.Unlock()
}

// Close writes what is pending and stops the writer.
func (a *Autosaver) Close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	close(a.wake)
	a.mu.Unlock()
	<-a.done
}

func (a *Autosaver) loop() {
	defer close(a.done)
	for range a.wake {
		a.flush()
	}
	a.flush()
}

func (a *Autosaver) flush() {
	a.mu.Lock()
	raw := a.pending
	a.pending = nil
	a.mu.Unlock()
	if raw != nil {
		a.report(a.drafts.write(raw))
	}
}

func (a *Autosaver) report(err error) {
	if err != nil && a.onError != nil {
		a.onError(err)
	}
}
