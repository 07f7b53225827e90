//go:build linux

package serving

import "syscall"

// sysProcAttr puts the copy in its own process group and has the kernel kill it if the
// runtime's process dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
