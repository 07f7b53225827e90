//go:build unix && !linux

package serving

import "syscall"

// sysProcAttr puts the copy in its own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
