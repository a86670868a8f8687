package load

import (
	"os/exec"
	"syscall"
)

// orphanProof makes the kernel kill cmd if this process dies first (a
// test that times out, a Ctrl-C): no replica or Redis outlives its run.
func orphanProof(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
