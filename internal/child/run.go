package child

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// DefaultGrace is how long a child gets after an interrupt before it is
// killed: long enough for terraform to release its state lock and upload.
const DefaultGrace = 60 * time.Second

// RunOptions says how to supervise a child.
type RunOptions struct {
	// Signals delivered to the deployer; each is forwarded to the child.
	Signals <-chan os.Signal
	// Grace after the first forwarded signal (or a cancelled context)
	// before the child is killed.
	Grace time.Duration
	// OwnGroup starts the child in its own process group, so a terminal's
	// Ctrl-C reaches it once, through us, and not twice (terraform treats a
	// second interrupt as "exit immediately", losing its state lock).
	OwnGroup bool
}

// Run starts cmd and waits for it. It returns the child's exit code (128+n
// when a signal ended it) and the first signal forwarded, if any. An error is
// returned only when the child could not be started.
func Run(ctx context.Context, cmd *exec.Cmd, o RunOptions) (code int, forwarded os.Signal, err error) {
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	if o.OwnGroup {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		var nf *exec.Error
		if errors.As(err, &nf) {
			return 0, nil, exitcode.Usagef("command %q: %v (expected a program on PATH or a path)", cmd.Args[0], nf.Err)
		}
		return 0, nil, fmt.Errorf("start %s: %w", cmd.Args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var killTimer <-chan time.Time
	ctxDone := ctx.Done()
	for {
		select {
		case werr := <-done:
			return exitCode(werr), forwarded, nil
		case sig := <-o.Signals:
			if forwarded == nil {
				forwarded = sig
				killTimer = time.After(grace)
			}
			_ = cmd.Process.Signal(sig)
		case <-ctxDone:
			ctxDone = nil
			if forwarded == nil {
				forwarded = os.Interrupt
				killTimer = time.After(grace)
			}
			_ = cmd.Process.Signal(os.Interrupt)
		case <-killTimer:
			_ = cmd.Process.Kill()
		}
	}
}

// exitCode turns Wait's error into the shell's convention.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return exitcode.Failed
}
