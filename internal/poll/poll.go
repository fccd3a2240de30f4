// Package poll is the one way deployer waits on AWS: a backoff that spaces
// polls (every second while things move, growing while nothing does), a
// sleep that ends with the context, and a heartbeat for long silences, all
// on a clock that tests replace. The SDK's waiters use fixed delays (the
// change-set waiter starts at 30 s), which notice a finished stack late.
package poll

import (
	"context"
	"math/rand/v2"
	"time"
)

// Clock is the time source of a wait.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done (then returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// Sleep waits d on a timer, or until ctx is done.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Or is c, or the wall clock when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return Real{}
	}
	return c
}

// Backoff spaces polls of a long operation: every Min during a warm-up (most
// stacks finish within it, and each second of polling delay is a second of
// pipeline time), then growing while nothing changes, back to Min when
// something does.
type Backoff struct {
	Min    time.Duration // delay during warm-up and after activity
	Max    time.Duration // cap while idle
	Factor float64       // growth per idle tick
	Jitter float64       // up to this fraction added, so parallel pipelines do not poll in step
	Warm   time.Duration // how long to stay at Min from the first poll
	Clock  Clock         // nil: the wall clock

	cur   time.Duration
	start time.Time
}

// Default: one call a second for two minutes, then growing to 12 s while
// idle (plus up to 10% jitter): at most 5 calls a minute, inside
// CloudFormation's Describe* limits shared by every pipeline of the account.
func Default() *Backoff {
	return &Backoff{Min: time.Second, Max: 12 * time.Second, Factor: 1.5, Jitter: 0.1, Warm: 2 * time.Minute}
}

// Next returns the delay before the next poll. changed says whether the last
// poll saw progress.
func (b *Backoff) Next(changed bool) time.Duration {
	now := Or(b.Clock).Now()
	if b.start.IsZero() {
		b.start = now
	}
	switch {
	case changed || b.cur == 0 || now.Sub(b.start) < b.Warm:
		b.cur = b.Min
	default:
		b.cur = time.Duration(float64(b.cur) * b.Factor)
		if b.cur > b.Max {
			b.cur = b.Max
		}
	}
	d := b.cur
	if b.Jitter > 0 {
		// Jitter only lengthens: a delay below Min would put two calls in
		// one second, over the rate the account's pipelines share.
		d = time.Duration(float64(d) * (1 + b.Jitter*rand.Float64()))
	}
	return d
}

// Heartbeat says when a wait has been silent for Every: CI kills jobs that
// print nothing for too long, and people want to know it still waits.
type Heartbeat struct {
	Every time.Duration // default one minute
	clock Clock
	start time.Time
	said  time.Time
}

// NewHeartbeat starts a heartbeat on clock c (nil: the wall clock).
func NewHeartbeat(c Clock, every time.Duration) *Heartbeat {
	if every <= 0 {
		every = time.Minute
	}
	c = Or(c)
	now := c.Now()
	return &Heartbeat{Every: every, clock: c, start: now, said: now}
}

// Said records that something was just printed.
func (h *Heartbeat) Said() { h.said = h.clock.Now() }

// Due reports whether the silence has lasted Every, and if so how long the
// wait has run; it counts as saying something.
func (h *Heartbeat) Due() (elapsed time.Duration, due bool) {
	now := h.clock.Now()
	if now.Sub(h.said) < h.Every {
		return 0, false
	}
	h.said = now
	return now.Sub(h.start), true
}
