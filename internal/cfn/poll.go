package cfn

import (
	"math/rand/v2"
	"time"
)

// Backoff spaces polls of a long operation: quick at first, growing while
// nothing changes, back to quick when something does. The SDK's waiters use
// fixed delays (the change-set waiter starts at 30 s), which notice a finished
// stack late; this is the one polling helper the package uses.
type Backoff struct {
	Min    time.Duration // first and post-activity delay
	Max    time.Duration // cap while idle
	Factor float64       // growth per idle tick
	Jitter float64       // +/- fraction, so parallel pipelines do not poll in step

	cur time.Duration
}

// DefaultBackoff: about 1 s growing to 10 s. At the cap that is 6 calls a
// minute, well inside CloudFormation's Describe* throttling limits.
func DefaultBackoff() *Backoff {
	return &Backoff{Min: time.Second, Max: 10 * time.Second, Factor: 1.5, Jitter: 0.15}
}

// Next returns the delay before the next poll. changed says whether the last
// poll saw progress.
func (b *Backoff) Next(changed bool) time.Duration {
	switch {
	case changed || b.cur == 0:
		b.cur = b.Min
	default:
		b.cur = time.Duration(float64(b.cur) * b.Factor)
		if b.cur > b.Max {
			b.cur = b.Max
		}
	}
	d := b.cur
	if b.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + b.Jitter*(2*rand.Float64()-1)))
	}
	return d
}
