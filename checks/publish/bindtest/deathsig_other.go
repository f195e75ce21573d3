//go:build !linux

package bindtest

import "os/exec"

// dieWithParent: only Linux can tie a child's life to its parent's;
// elsewhere the test's cleanup stops named.
func dieWithParent(*exec.Cmd) {}
