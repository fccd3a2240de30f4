package poll

import (
	"context"
	"sync"
	"time"
)

// Fake is a clock for tests: Sleep returns at once and moves the time on by
// what was asked, so a wait of an hour takes no time and every reading of
// the clock is exact.
type Fake struct {
	mu  sync.Mutex
	now time.Time
	// Slept counts the sleeps, for tests that check how often a loop polled.
	slept int
}

// NewFake is a fake clock at t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now is the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Sleep moves the time on by d, unless ctx is already done.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.slept++
	return nil
}

// Advance moves the time on by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Sleeps is how many times Sleep moved the time on.
func (f *Fake) Sleeps() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.slept
}
