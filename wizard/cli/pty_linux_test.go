//go:build linux

package cli

import (
	"io"
	"os"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: a real terminal, so that Ctrl-D ends a
// read the way it does for a person (the kernel's line discipline sends
// the read zero bytes, and reads on after). It skips when the system has
// none (no devpts mounted).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	// The devpts instance's own ptmx first: in a container /dev/ptmx may
	// belong to another instance than the /dev/pts mounted.
	for _, ptmx := range []string{"/dev/pts/ptmx", "/dev/ptmx"} {
		m, err := os.OpenFile(ptmx, os.O_RDWR|syscall.O_NOCTTY, 0)
		if err != nil {
			continue
		}
		n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
		if err == nil {
			err = unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0) // unlockpt
		}
		var s *os.File
		if err == nil {
			s, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
		}
		if err != nil {
			m.Close()
			continue
		}
		t.Cleanup(func() { s.Close(); m.Close() })
		go io.Copy(io.Discard, m) // the terminal's echo
		return m, s
	}
	t.Skip("no pseudo-terminal: mount devpts (/dev/pts) to test Ctrl-D on a terminal")
	return nil, nil
}
