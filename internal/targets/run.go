package targets

import (
	"context"
	"time"
)

// DeployFunc deploys one target and says how it ended. It runs on its own
// goroutine, with the run's context: when that context is cancelled it
// should stop as a single deploy does and return Interrupted.
type DeployFunc func(ctx context.Context, t Target) Result

// Progress hears of targets starting and ending, for the command's log.
// Its methods are called from one goroutine, never concurrently.
type Progress interface {
	Started(t Target)
	Finished(r Result)
}

// Options are the run's settings, resolved by the command layer.
type Options struct {
	// MaxConcurrency bounds the targets in flight; below 1 means 1.
	MaxConcurrency int
	// Tolerance is how many targets of each wave may fail (or be refused,
	// or be interrupted) before no further target starts.
	Tolerance Tolerance
	// Now reads the clock for durations; nil means time.Now.
	Now      func() time.Time
	Progress Progress
}

// Run deploys the waves in order. Within a wave at most MaxConcurrency
// targets run at once. When a wave's failures exceed its tolerance, or ctx
// is cancelled, no further target starts: the rest are NotStarted, and the
// running ones finish as their deploy function decides. Results keep the
// order of the plan.
func Run(ctx context.Context, plan []Wave, opts Options, deploy DeployFunc) Summary {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	limit := max(opts.MaxConcurrency, 1)
	sum := Summary{Started: now()}
	stopped := false
	for _, w := range plan {
		if stopped || ctx.Err() != nil {
			for _, t := range w.Targets {
				sum.Results = append(sum.Results, notStarted(ctx, t, sum.StoppedAfter))
			}
			continue
		}
		results, exceeded := runWave(ctx, w, limit, opts.Tolerance.Allowed(len(w.Targets)), now, opts.Progress, deploy)
		sum.Results = append(sum.Results, results...)
		// Targets interrupted count as failures, but the run stopped because
		// of the interrupt, and the summary says so.
		if exceeded && ctx.Err() == nil {
			stopped, sum.StoppedAfter = true, w.Name
		}
	}
	sum.Interrupted = ctx.Err() != nil
	sum.Duration = now().Sub(sum.Started)
	return sum
}

type done struct {
	i int
	r Result
}

// runWave runs one wave and reports whether its failures exceeded allowed.
func runWave(ctx context.Context, w Wave, limit, allowed int, now func() time.Time, progress Progress, deploy DeployFunc) ([]Result, bool) {
	results := make([]Result, len(w.Targets))
	finished := make(chan done)
	next, inFlight, failures := 0, 0, 0
	exceeded := false
	for {
		// Cancellation is checked before each start rather than selected on:
		// after it, the loop only waits for the running targets.
		for inFlight < limit && next < len(w.Targets) && !exceeded && ctx.Err() == nil {
			t := w.Targets[next]
			if progress != nil {
				progress.Started(t)
			}
			go func(i int, t Target, start time.Time) {
				r := deploy(ctx, t)
				r.Target, r.Started, r.Duration = t, start, now().Sub(start)
				if r.Status == "" {
					r.Status = Failed
					r.Reason = "the deploy ended without a status"
				}
				finished <- done{i, r}
			}(next, t, now())
			next++
			inFlight++
		}
		if inFlight == 0 {
			break
		}
		d := <-finished
		inFlight--
		results[d.i] = d.r
		if progress != nil {
			progress.Finished(d.r)
		}
		if d.r.Status.counts() {
			failures++
			exceeded = exceeded || failures > allowed
		}
	}
	reason := ""
	if exceeded && ctx.Err() == nil {
		reason = w.Name
	}
	for i := next; i < len(w.Targets); i++ {
		results[i] = notStarted(ctx, w.Targets[i], reason)
	}
	return results, exceeded
}

// notStarted records a target that never ran and says why.
func notStarted(ctx context.Context, t Target, stoppedAfter string) Result {
	reason := "not started: wave " + stoppedAfter + " exceeded its failure tolerance"
	if stoppedAfter == "" && ctx.Err() != nil {
		reason = "not started: the run was interrupted"
	}
	return Result{Target: t, Status: NotStarted, Reason: reason}
}
