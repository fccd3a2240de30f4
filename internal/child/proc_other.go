//go:build !linux && !darwin

package child

import (
	"syscall"
)

// sysProcAttr: elsewhere the child keeps the default attributes; Windows
// has neither process groups in this sense nor a parent-death signal.
func sysProcAttr(bool) *syscall.SysProcAttr { return nil }

func isTerminal(uintptr) bool { return false }
