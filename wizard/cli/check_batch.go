package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/domaincheck"
)

// defaultParallel is how many domains check --domains looks at at once.
// Each domain asks about five questions at a time, so 16 domains keep
// some 80 questions in flight: quick on a nearby resolver, and far below
// what public resolvers allow a client (Google Public DNS documents 1,500
// queries a second per address), once the run's cache holds the shared
// includes.
const defaultParallel = 16

// maxParallel bounds --parallel: beyond it a run only fills the resolver's
// queues (and its rate limits) faster.
const maxParallel = 256

// checkBatch checks domains, parallel at a time, with a progress line on
// stderr when it is a terminal. On Ctrl-C it stops starting domains and
// returns the reports finished before it, in order, and interrupted; a
// check cut short by the interrupt is left out rather than reported with
// the timeouts the cancel caused.
func (e *env) checkBatch(ctx context.Context, c *dnsq.Client, domains []string, opts domaincheck.Options, parallel int) (reports []*domaincheck.Report, interrupted bool) {
	got := make([]*domaincheck.Report, len(domains))
	bar := newProgress(e.rawErr(), len(domains))
	domaincheck.CheckEach(ctx, c, domains, opts, parallel, func(i int, rep *domaincheck.Report) {
		if e.ctx.Err() != nil {
			return // finished only because the interrupt cancelled its questions
		}
		got[i] = rep
		bar.step()
	})
	bar.done()
	interrupted = e.ctx.Err() != nil
	for _, r := range got {
		if r != nil {
			reports = append(reports, r)
		}
	}
	return reports, interrupted
}

// rawErr is stderr without the printable filter, for the progress line's
// carriage return and erase; nil when it is not a terminal.
func (e *env) rawErr() *os.File {
	p, ok := e.Err.(printableWriter)
	if !ok {
		return nil
	}
	f, ok := p.w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return f
}

// progress draws "[####....] 312/1000  850/s  1s left" on one terminal
// line, at most ten times a second; with no terminal it draws nothing, so
// logs and pipes stay clean.
type progress struct {
	w           io.Writer
	total, n    int
	start, last time.Time
}

func newProgress(f *os.File, total int) *progress {
	p := &progress{total: total, start: time.Now()}
	if f != nil && total > 1 {
		p.w = f
	}
	return p
}

func (p *progress) step() {
	p.n++
	if p.w == nil || time.Since(p.last) < 100*time.Millisecond && p.n < p.total {
		return
	}
	p.last = time.Now()
	fmt.Fprint(p.w, "\r"+progressLine(p.n, p.total, time.Since(p.start))+"\x1b[K")
}

// done erases the line, so the report starts on a clean one.
func (p *progress) done() {
	if p.w != nil && p.n > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// progressLine is the bar's text for n of total done after elapsed.
func progressLine(n, total int, elapsed time.Duration) string {
	const width = 30
	filled := width * n / max(total, 1)
	rate := float64(n) / max(elapsed.Seconds(), 1e-3)
	left := time.Duration(float64(total-n) / max(rate, 1e-3) * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("[%s%s] %d/%d  %.0f/s  %v left", strings.Repeat("#", filled), strings.Repeat(".", width-filled), n, total, rate, left)
}
