//go:build darwin

package child

import (
	"syscall"
	"unsafe"
)

// sysProcAttr: macOS has no parent-death signal; the process group still
// keeps a terminal's Ctrl-C from reaching the child twice.
func sysProcAttr(ownGroup bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: ownGroup}
}

func isTerminal(fd uintptr) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGETA, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
