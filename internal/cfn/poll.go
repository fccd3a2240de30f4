package cfn

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces polls of a long operation: every Min during a warm-up (most
// stacks finish within it, and each second of polling delay is a second of
// pipeline time), then growing while nothing changes, back to Min when
// something does. The SDK's waiters use fixed delays (the change-set waiter
// starts at 30 s), which notice a finished stack late; this is the one
// polling helper the package uses.
type Backoff struct {
	Min    time.Duration // delay during warm-up and after activity
	Max    time.Duration // cap while idle
	Factor float64       // growth per idle tick
	Jitter float64       // up to this fraction added, so parallel pipelines do not poll in step
	Warm   time.Duration // how long to stay at Min from the first poll

	cur   time.Duration
	start time.Time
}

// DefaultBackoff: one call a second for two minutes, then growing to 12 s
// while idle (plus up to 10% jitter): at most 5 calls a minute, inside CloudFormation's Describe* limits
// shared by every pipeline of the account.
func DefaultBackoff() *Backoff {
	return &Backoff{Min: time.Second, Max: 12 * time.Second, Factor: 1.5, Jitter: 0.1, Warm: 2 * time.Minute}
}

// Next returns the delay before the next poll. changed says whether the last
// poll saw progress.
func (b *Backoff) Next(changed bool) time.Duration {
	if b.start.IsZero() {
		b.start = time.Now()
	}
	switch {
	case changed || b.cur == 0 || time.Since(b.start) < b.Warm:
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
