package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2/widget"
)

// Long work (discovery, key generation, an SMTP test, sending a code,
// polling) runs off the UI goroutine, one task at a time, with a progress
// bar and Cancel in the footer; Escape cancels too. Its results come back
// through fyne.Do, and only while the page that started it is shown: a
// task whose page was left is cancelled and its late results dropped.

// task is the running piece of work.
type task struct {
	cancel context.CancelFunc
	gen    int // the page generation it belongs to
}

// post applies a result on the UI goroutine if the task's page is still
// shown: the one way work hands anything to widgets.
type post func(apply func())

// run starts work with a deadline. label says what runs ("Testing the
// connection…"). work may call post any number of times (polling rounds);
// when it returns, the progress bar goes and done (if any) runs on the UI
// goroutine with work's error: context.Canceled when the admin cancelled.
func (u *ui) run(label string, timeout time.Duration, work func(ctx context.Context, post post) error, done func(error)) {
	u.stopTask()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t := &task{cancel: cancel, gen: u.gen}
	u.task = t
	u.busy.SetText(label)
	u.progress.Show()
	u.progress.Start()
	u.busy.Show()
	u.cancelBtn.Show()
	u.refreshNav()
	p := func(apply func()) {
		u.do(func() {
			if u.task == t && u.gen == t.gen {
				apply()
			}
		})
	}
	go func() {
		err := work(ctx, p)
		cancel()
		u.do(func() {
			if u.task != t {
				return // replaced or stopped: its page is gone
			}
			u.endTask()
			if done != nil && u.gen == t.gen {
				done(err)
			}
		})
	}()
}

// running reports whether a task is under way.
func (u *ui) running() bool { return u.task != nil }

// stopTask cancels the running task, if any, without calling its done.
func (u *ui) stopTask() {
	if u.task == nil {
		return
	}
	u.task.cancel()
	u.endTask()
}

// cancelTask is the Cancel button and Escape: the task ends and its done
// sees context.Canceled. With no task, Escape stops the discovery the
// page waits for, as its Stop does: it is the check running there.
func (u *ui) cancelTask() {
	if u.task != nil {
		u.task.cancel()
		return
	}
	if w, ok := u.view.(discoveryWaiter); ok && w.discoveryNote() != nil && u.discoveryRunning() {
		w.discoveryNote().stopped()
	}
}

func (u *ui) endTask() {
	u.task = nil
	u.progress.Stop()
	u.progress.Hide()
	u.busy.Hide()
	u.cancelBtn.Hide()
	u.refreshNav()
}

// newProgress makes the footer's progress widgets, hidden until a task runs.
func (u *ui) newProgress() {
	u.progress = widget.NewProgressBarInfinite()
	u.progress.Stop()
	u.progress.Hide()
	u.busy = widget.NewLabel("")
	u.busy.Hide()
	u.cancelBtn = u.newKeyButton(u.tr.X("button.cancel", "Cancel"), nil, u.cancelTask, enterPresses)
	u.cancelBtn.Hide()
}
