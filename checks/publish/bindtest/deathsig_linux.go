package bindtest

import (
	"os/exec"
	"syscall"
)

// dieWithParent has Linux kill named when the test binary dies without
// running its cleanups (go test's -timeout panics, a kill -9), so no
// server lingers on a port.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
