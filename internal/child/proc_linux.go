//go:build linux

package child

import (
	"syscall"
	"unsafe"
)

// sysProcAttr asks the kernel to send SIGTERM to the child when the deployer
// dies, even by SIGKILL, so terraform never runs on without its credential
// endpoint; SIGTERM rather than SIGKILL gives it the chance to write its
// state and release its lock with the credentials it still holds.
func sysProcAttr(ownGroup bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: ownGroup, Pdeathsig: syscall.SIGTERM}
}

func isTerminal(fd uintptr) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}
