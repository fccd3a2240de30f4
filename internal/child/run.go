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
	// Signals delivered to the deployer; each is forwarded to the child once.
	Signals <-chan os.Signal
	// Grace after the first forwarded signal (or a cancelled context)
	// before the child is killed.
	Grace time.Duration
	// Deprecated: OwnGroup is ignored; every child gets a process group of
	// its own (see Run). It stays until internal/tf stops setting it.
	OwnGroup bool
}

// Run starts cmd and waits for it. It returns the child's exit code (128+n
// when a signal ended it) and the first signal forwarded, if any. An error is
// returned only when the child could not be started.
//
// On Unix the child gets a process group of its own, so a terminal's Ctrl-C
// reaches it once, through us, and not twice (terraform takes a second
// interrupt as "exit now" and loses its state lock); forwarded signals and
// the final kill go to that whole group (terraform's providers included).
// The one exception is a child reading a terminal: it must stay in the
// terminal's foreground group to read it, so the terminal's SIGINT already
// reached it and is not sent again. On Linux the child also gets SIGTERM
// when the deployer dies, even by SIGKILL.
func Run(ctx context.Context, cmd *exec.Cmd, o RunOptions) (code int, forwarded os.Signal, err error) {
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	interactive := readsTerminal(cmd.Stdin)
	cmd.SysProcAttr = sysProcAttr(!interactive)
	if err := cmd.Start(); err != nil {
		var nf *exec.Error
		if errors.As(err, &nf) {
			return 0, nil, exitcode.Usagef("command %q: %v (expected a program on PATH or a path)", cmd.Args[0], nf.Err)
		}
		return 0, nil, fmt.Errorf("start %s: %w", cmd.Args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	send := func(sig os.Signal) {
		if interactive && sig == os.Interrupt {
			return // the terminal delivered it to the child already
		}
		signalChild(cmd.Process, sig, !interactive)
	}

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
			send(sig)
		case <-ctxDone:
			ctxDone = nil
			if forwarded == nil {
				forwarded = os.Interrupt
				killTimer = time.After(grace)
				// Not the terminal's: a deadline or a caller's cancel.
				signalChild(cmd.Process, os.Interrupt, !interactive)
			}
		case <-killTimer:
			signalChild(cmd.Process, os.Kill, !interactive)
		}
	}
}

// readsTerminal reports whether the child's stdin is a terminal.
func readsTerminal(stdin any) bool {
	f, ok := stdin.(*os.File)
	return ok && isTerminal(f.Fd())
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
