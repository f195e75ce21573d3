package gui

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailwizard/wizard/i18n"
)

// queue stands in for the UI goroutine in tests: what work hands to the
// UI waits here until the test's own goroutine runs it (pump), so the
// widgets are touched from one goroutine only, as fyne.Do guarantees in
// the real app (Fyne's test driver runs fyne.Do inline instead).
type queue struct{ ch chan func() }

var uiQueue = queue{ch: make(chan func(), 4096)}

func (q queue) push(f func()) { q.ch <- f }

// pump runs what was queued when it was called, on the calling (test)
// goroutine. Only that much: a task that posts faster than the test
// goroutine runs its updates (polling every 20 ms, each round redrawing
// the DNS page under the race detector on a loaded machine) would
// otherwise keep pump from ever returning, and waitFor from ever reading
// its clock: CI hung for ten minutes that way.
func pump() {
	for n := len(uiQueue.ch); n > 0; n-- {
		(<-uiQueue.ch)()
	}
}

// waitFor pumps the UI queue until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		pump()
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// A running task shows its progress and Cancel, blocks Back and Next, hands
// its results to the page through post, and Escape cancels it.
func TestTaskRunsOffTheUIAndCancels(t *testing.T) {
	test.NewTempApp(t)
	u, w := openWizard(t, filepath.Join(t.TempDir(), "draft.json"), i18n.English)
	welcome(t, u).radio.SetSelected("ClockWise")

	rounds := make(chan int, 10)
	var ended error
	u.run("Working…", time.Minute, func(ctx context.Context, post post) error {
		for i := 1; ; i++ {
			post(func() { rounds <- i })
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}, func(err error) { ended = err })
	if !u.progress.Visible() || !u.cancelBtn.Visible() || !u.next.Disabled() {
		t.Errorf("while running: progress %v, cancel %v, next disabled %v", u.progress.Visible(), u.cancelBtn.Visible(), u.next.Disabled())
	}
	waitFor(t, "two rounds posted", func() bool { return len(rounds) >= 2 })
	// Escape goes to the focused widget, the language here: it cancels.
	if w.Canvas().Focused() == nil {
		t.Fatal("nothing has the focus on the welcome step")
	}
	press(w.Canvas(), fyne.KeyEscape)
	waitFor(t, "the task to end", func() bool { return !u.running() })
	if !errors.Is(ended, context.Canceled) || u.progress.Visible() || u.next.Disabled() {
		t.Errorf("after Escape: done got %v, progress %v, next disabled %v", ended, u.progress.Visible(), u.next.Disabled())
	}

	// Escape cancels whatever has the focus: a text field, a button,
	// Cancel itself, or nothing.
	welcome(t, u).radio.SetSelected("Other service")
	focus := map[string]fyne.Focusable{
		"a text field": welcome(t, u).fields["custom.name"].input.(fyne.Focusable),
		"a service":    welcome(t, u).radio.items[0],
		"Cancel":       u.cancelBtn,
		"nothing":      nil,
	}
	for what, f := range focus {
		var err error
		u.run("Working…", time.Minute, func(ctx context.Context, _ post) error { <-ctx.Done(); return ctx.Err() }, func(e error) { err = e })
		w.Canvas().Focus(f)
		if w.Canvas().Focused() != f {
			t.Fatalf("%s did not take the focus", what)
		}
		press(w.Canvas(), fyne.KeyEscape)
		waitFor(t, "the task to end after Escape on "+what, func() bool { return !u.running() })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Escape on %s: done got %v", what, err)
		}
	}

	// A task whose page is left is stopped, and its results are dropped.
	late := false
	u.run("Working…", time.Minute, func(ctx context.Context, post post) error {
		<-ctx.Done()
		post(func() { late = true })
		return ctx.Err()
	}, func(error) { late = true })
	u.show()
	time.Sleep(20 * time.Millisecond)
	pump()
	if late || u.running() {
		t.Errorf("a left page's task still reported (late %v) or runs (%v)", late, u.running())
	}
}
