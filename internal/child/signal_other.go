//go:build !unix

package child

import "os"

// signalChild sends sig to the child alone (no process groups here).
func signalChild(p *os.Process, sig os.Signal, _ bool) { _ = p.Signal(sig) }
