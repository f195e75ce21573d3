//go:build linux

// Command firstwindow starts window programs on an X display and measures,
// from outside and the same way for each: the time from exec to the first
// drawn frame of a window with the given title, and the resident memory a
// few seconds after, when the program sits idle. Programs run in turn
// (A B A B ...) so that a drift of the machine's speed hits both.
//
// "Drawn" means the window is mapped (xdotool search --onlyvisible) and
// its pixels, read back from the X server (ImageMagick import), show more
// than two colours: a window that is mapped but not yet painted is one
// flat colour. Reading pixels costs about 30 ms a try, which bounds the
// resolution; a timestamp printed by the program itself would be finer
// but would trust the program to say when it drew, and Fyne has no
// "frame painted" callback to hang it on.
//
//	firstwindow -runs 5 -idle 5s 'Title A=cmd a...' 'Title B=cmd b...'
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type program struct {
	title string
	argv  []string
	first []time.Duration // exec to first drawn frame, per run
	rss   []int64         // KiB, idle
}

func main() {
	runs := flag.Int("runs", 5, "runs of each program")
	idle := flag.Duration("idle", 5*time.Second, "wait after the first frame before reading RSS")
	flag.Parse()
	var progs []*program
	for _, arg := range flag.Args() {
		title, cmd, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "firstwindow: want TITLE=COMMAND, got", arg)
			os.Exit(2)
		}
		progs = append(progs, &program{title: title, argv: strings.Fields(cmd)})
	}
	if len(progs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstwindow [-runs N] [-idle D] 'TITLE=COMMAND' ...")
		os.Exit(2)
	}
	for i := -1; i < *runs; i++ { // run -1 warms the page cache, not counted
		for _, p := range progs {
			first, rss, err := measure(p, *idle)
			if err != nil {
				fmt.Fprintf(os.Stderr, "firstwindow: %s: %v\n", p.title, err)
				os.Exit(1)
			}
			if i >= 0 {
				p.first = append(p.first, first)
				p.rss = append(p.rss, rss)
			}
		}
	}
	for _, p := range progs {
		fmt.Printf("%s\tfirst-frame-ms %s\tidle-rss-mib %s\n", p.title, spread(p.first, func(d time.Duration) float64 { return float64(d) / 1e6 }),
			spread(p.rss, func(k int64) float64 { return float64(k) / 1024 }))
	}
}

// spread prints median (min-max).
func spread[T any](xs []T, f func(T) float64) string {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = f(x)
	}
	sort.Float64s(v)
	return fmt.Sprintf("%.1f (%.1f-%.1f)", v[len(v)/2], v[0], v[len(v)-1])
}

func measure(p *program, idle time.Duration) (time.Duration, int64, error) {
	if out, _ := exec.Command("xdotool", "search", "--name", "^"+p.title+"$").Output(); len(bytes.TrimSpace(out)) > 0 {
		return 0, 0, errors.New("a window of that title is already open on this display")
	}
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := os.CreateTemp("", "firstwindow-stderr") // told when the program exits early
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()
	cmd.Stderr = stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	}()
	exited := make(chan struct{})
	go func() { cmd.Process.Wait(); close(exited) }()
	deadline := start.Add(60 * time.Second)
	win := ""
	for win == "" {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+p.title+"$").Output()
		win = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
		if err := alive(exited, deadline); err != nil {
			return 0, 0, fmt.Errorf("%w; its stderr: %q", err, readAll(stderr.Name()))
		}
		if win == "" {
			time.Sleep(2 * time.Millisecond)
		}
	}
	for {
		px, err := exec.Command("import", "-window", win, "-depth", "8", "rgb:-").Output()
		if err == nil && colours(px) > 2 {
			break
		}
		if err := alive(exited, deadline); err != nil {
			return 0, 0, fmt.Errorf("%w; its stderr: %q", err, readAll(stderr.Name()))
		}
	}
	first := time.Since(start)
	time.Sleep(idle)
	rss, err := residentKiB(cmd.Process.Pid)
	return first, rss, err
}

func alive(exited chan struct{}, deadline time.Time) error {
	select {
	case <-exited:
		return errors.New("exited before drawing its window")
	default:
	}
	if time.Now().After(deadline) {
		return errors.New("no drawn window within 60 s")
	}
	return nil
}

// colours counts distinct RGB triples, stopping at 3.
func colours(px []byte) int {
	seen := map[[3]byte]bool{}
	for i := 0; i+2 < len(px) && len(seen) <= 2; i += 3 {
		seen[[3]byte{px[i], px[i+1], px[i+2]}] = true
	}
	return len(seen)
}

// residentKiB is VmRSS from /proc: what the process holds in memory now.
func residentKiB(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

func readAll(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
