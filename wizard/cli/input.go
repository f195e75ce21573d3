package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// maxInputLine bounds one line of standard input: codes, passwords and
// answers are short, and a pipe of endless bytes must not fill memory.
const maxInputLine = 4096

// lineReader reads standard input one line at a time for every prompt of
// a run. A single goroutine reads, and only when a prompt asks, so a
// prompt that gives up (its deadline passed, or Ctrl+C) leaves the line
// being read for the next prompt instead of losing it, and no reader is
// left behind per prompt. The end of a pipe or file is the end: every
// later prompt gets io.EOF. On a terminal, Ctrl-D (Ctrl-Z on Windows)
// ends only the read it answers: the terminal reads on after it, so a
// person can end a paste that way and still answer what comes next.
type lineReader struct {
	once    sync.Once
	in      io.Reader
	rearm   bool // in is a terminal: an end of input is not the end
	ask     chan struct{}
	answers chan lineResult
	done    chan struct{}
	pending bool // a line was asked for and not yet taken
}

type lineResult struct {
	line string
	err  error
}

var errLineTooLong = fmt.Errorf("a line of input is longer than %d bytes", maxInputLine)

func newLineReader(in io.Reader) *lineReader {
	f, ok := in.(*os.File)
	return &lineReader{in: in, rearm: ok && term.IsTerminal(int(f.Fd())),
		ask: make(chan struct{}), answers: make(chan lineResult), done: make(chan struct{})}
}

func (l *lineReader) start() {
	go func() {
		br := bufio.NewReaderSize(l.in, maxInputLine)
		var last error
		for {
			select {
			case <-l.ask:
			case <-l.done:
				return
			}
			r := lineResult{err: last}
			if last == nil {
				r = readLine(br)
				if r.err != nil && r.err != errLineTooLong && !(l.rearm && r.err == io.EOF) {
					last = r.err
				}
			}
			select {
			case l.answers <- r:
			case <-l.done:
				return
			}
		}
	}()
}

func readLine(br *bufio.Reader) lineResult {
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of it
			_, err = br.ReadSlice('\n')
		}
		return lineResult{err: errLineTooLong}
	case err != nil && len(line) == 0:
		return lineResult{err: err}
	}
	return lineResult{line: strings.TrimRight(string(line), "\r\n")}
}

// Close ends the reader when the run ends; a read already waiting on the
// input ends with the input.
func (l *lineReader) Close() {
	select {
	case <-l.done:
	default:
		close(l.done)
	}
}

// ReadLine returns the next line, or ctx's error if it ends first.
func (l *lineReader) ReadLine(ctx context.Context) (string, error) {
	l.once.Do(l.start)
	if !l.pending {
		select {
		case l.ask <- struct{}{}:
			l.pending = true
		case <-ctx.Done():
			return "", ctx.Err()
		case <-l.done:
			return "", io.EOF
		}
	}
	select {
	case r := <-l.answers:
		l.pending = false
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Busy reports whether a line is being read for a prompt that gave up: a
// password must not be read from the terminal then, since the pending
// read could take it with echo on.
func (l *lineReader) Busy() bool { return l.pending }
