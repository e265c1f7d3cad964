package s3test

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel kill moto when the test binary dies
// (a test timeout panics past every cleanup), so no server outlives it.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
