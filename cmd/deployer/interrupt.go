package main

import (
	"context"
	"errors"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// interruptible returns a context that ends on the first SIGINT/SIGTERM
// (cause: exitcode.Interrupted, so the exit code is 128+n) or when timeout
// passes (zero: no timeout). Waits end cleanly instead of the process dying
// mid-write.
func (a *app) interruptible(ctx context.Context, timeout time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	stopTimeout := func() {}
	if timeout > 0 {
		var c context.CancelFunc
		ctx, c = context.WithTimeout(ctx, timeout)
		stopTimeout = c
	}
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-a.signals:
			a.log.Warn().Str("signal", sig.String()).Msg("interrupted: stopping")
			cancel(&exitcode.Interrupted{Signal: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		stopTimeout()
		cancel(nil)
	}
}

// stoppable runs a command that starts no child: the first SIGINT/SIGTERM
// cancels its context, and the command's error becomes the interruption
// (exit 128+n). Commands with a child (exec, tf) forward signals instead.
func (a *app) stoppable(ctx context.Context, args []string, cmd func(context.Context, []string) error) error {
	ctx, stop := a.interruptible(ctx, 0)
	defer stop()
	err := cmd(ctx, args)
	var in *exitcode.Interrupted
	if err != nil && ctx.Err() != nil && errors.As(context.Cause(ctx), &in) {
		return in
	}
	return err
}

// pendingSignal returns a signal that arrived before a child was started,
// so the child is not started only to be interrupted at once.
func (a *app) pendingSignal() error {
	select {
	case sig := <-a.signals:
		return &exitcode.Interrupted{Signal: sig}
	default:
		return nil
	}
}
