//go:build windows

package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"sync"

	"golang.org/x/sys/windows"

	"mailwizard/wizard/cli"
	"mailwizard/wizard/i18n"
)

// Windows gives mailwizard two faces as two programs. mailwizard.exe is
// linked for the GUI subsystem: Explorer and the Start menu open the
// window without a console flashing up, and cmd and PowerShell do not
// wait for it. mailwizard-cli.exe is the same code linked for the console
// subsystem: the shells wait for it, and its prompts read the console.
//
// consoleStdio is the streams a run talks through. With a console (the
// twin, or any program started with one) they are the process's own.
// Without one (mailwizard.exe), a stream cmd redirected to a file or pipe
// is used as it is; otherwise the first text a command prints attaches
// to the console of the shell that started it, if there is one, and goes
// there after one line that points to mailwizard-cli.exe: cmd has shown
// its prompt already and reads the keyboard again, so the text lands after
// the prompt. For the same reason the console is never read: a question
// would compete with cmd for each line typed. Standard input from a pipe
// or a file still answers setup's questions; from the console it reads as
// ended, after the same pointer. The window prints nothing and never
// attaches, so closing the console does not close it.
func consoleStdio() cli.Stdio {
	if consoleWindow() != 0 {
		return cli.OSStdio()
	}
	p := &parentConsole{}
	s := cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	if !redirected(os.Stdout) {
		s.Out = lazyConsole{p, &p.out}
	}
	if !redirected(os.Stderr) {
		s.Err = lazyConsole{p, &p.err}
	}
	if !redirected(os.Stdin) || isCharDevice(os.Stdin) {
		s.In = noConsoleInput{p}
	}
	return s
}

var (
	kernel32             = windows.NewLazySystemDLL("kernel32.dll")
	procAttachConsole    = kernel32.NewProc("AttachConsole")
	procGetConsoleWindow = kernel32.NewProc("GetConsoleWindow")
)

// attachParentProcess is ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uintptr(0)

func consoleWindow() uintptr {
	h, _, _ := procGetConsoleWindow.Call()
	return h
}

// redirected reports whether f is a file, pipe or device the process was
// given (cmd's "> out.txt" or "| more"), as opposed to no handle at all.
func redirected(f *os.File) bool {
	if f == nil {
		return false
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

func isCharDevice(f *os.File) bool {
	t, err := windows.GetFileType(windows.Handle(f.Fd()))
	return err == nil && t == windows.FILE_TYPE_CHAR
}

// parentConsole attaches to the parent's console once, on first use.
type parentConsole struct {
	once     sync.Once
	out, err io.Writer // the console's output, or io.Discard without one
	hinted   bool
}

func (p *parentConsole) attach() {
	p.once.Do(func() {
		p.out, p.err = io.Discard, io.Discard
		if ok, _, _ := procAttachConsole.Call(attachParentProcess); ok == 0 {
			return // started from Explorer or a shortcut: nobody to tell
		}
		con, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
		if err != nil {
			return
		}
		p.out, p.err = con, con
		// Panics go to the standard handles and Fyne's errors to the log
		// package's writer, taken at start: point them there too.
		_ = windows.SetStdHandle(windows.STD_OUTPUT_HANDLE, windows.Handle(con.Fd()))
		_ = windows.SetStdHandle(windows.STD_ERROR_HANDLE, windows.Handle(con.Fd()))
		os.Stdout, os.Stderr = con, con
		log.SetOutput(con)
		tr := i18n.New(i18n.System())
		fmt.Fprintln(con, "\n"+tr.X("cmd.windows.gui_console",
			"mailwizard: mailwizard.exe is the window's program, so the shell does not wait for it; for commands run mailwizard-cli.exe, which waits and can ask questions."))
	})
}

// lazyConsole is one output stream of the parent console.
type lazyConsole struct {
	p *parentConsole
	w *io.Writer
}

func (l lazyConsole) Write(b []byte) (int, error) {
	l.p.attach()
	return (*l.w).Write(b)
}

// noConsoleInput is standard input when it would be the console: ended.
type noConsoleInput struct{ p *parentConsole }

func (n noConsoleInput) Read([]byte) (int, error) {
	n.p.attach()
	if !n.p.hinted {
		n.p.hinted = true
		tr := i18n.New(i18n.System())
		fmt.Fprintln(n.p.err, tr.X("cmd.windows.no_console_input",
			"mailwizard: mailwizard.exe cannot read answers from the console; run mailwizard-cli.exe, or pass the answers on standard input (setup ... < answers.txt)."))
	}
	return 0, io.EOF
}
