package main

import (
	"context"
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
