//go:build unix

package child

import (
	"os"
	"syscall"
)

// signalChild sends sig to the child's process group when it has one of its
// own (terraform's providers are in it too), else to the child alone.
func signalChild(p *os.Process, sig os.Signal, group bool) {
	s, ok := sig.(syscall.Signal)
	if !ok || !group {
		_ = p.Signal(sig)
		return
	}
	_ = syscall.Kill(-p.Pid, s)
}
