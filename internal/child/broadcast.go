package child

import (
	"context"
	"errors"
	"os"
	"sync"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Broadcaster is the one reader of the process's signal channel. Commands
// without a child take a context that ends on the first signal; commands
// with a child subscribe and forward. Nothing else reads the channel.
type Broadcaster struct {
	mu   sync.Mutex
	subs map[chan os.Signal]struct{}
	done chan struct{}
	// pending holds a signal that came before anyone listened, so a child
	// is not started only to be interrupted at once.
	pending os.Signal
}

// NewBroadcaster reads in (nil: no signals) until Stop.
func NewBroadcaster(in <-chan os.Signal) *Broadcaster {
	b := &Broadcaster{subs: map[chan os.Signal]struct{}{}, done: make(chan struct{})}
	if in != nil {
		go b.loop(in)
	}
	return b
}

func (b *Broadcaster) loop(in <-chan os.Signal) {
	for {
		select {
		case sig := <-in:
			b.mu.Lock()
			if len(b.subs) == 0 && b.pending == nil {
				b.pending = sig
			}
			for c := range b.subs {
				select {
				case c <- sig:
				default: // a subscriber that is behind loses a repeat, never blocks the rest
				}
			}
			b.mu.Unlock()
		case <-b.done:
			return
		}
	}
}

// Stop ends the reading.
func (b *Broadcaster) Stop() { close(b.done) }

// Subscribe returns a channel of the signals from now on.
func (b *Broadcaster) Subscribe() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 4)
	b.mu.Lock()
	b.subs[c] = struct{}{}
	b.mu.Unlock()
	return c, func() {
		b.mu.Lock()
		delete(b.subs, c)
		b.mu.Unlock()
	}
}

// TakePending returns a signal that arrived before any subscriber, once.
func (b *Broadcaster) TakePending() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		return nil
	}
	sig := b.pending
	b.pending = nil
	return &exitcode.Interrupted{Signal: sig}
}

// Context ends on the first signal with the cause exitcode.Interrupted, so
// waits stop cleanly and the exit code is 128+n.
func (b *Broadcaster) Context(ctx context.Context, log zerolog.Logger) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	if err := b.TakePending(); err != nil {
		cancel(err)
	}
	sigs, unsubscribe := b.Subscribe()
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			log.Warn().Str("signal", sig.String()).Msg("interrupted: stopping")
			cancel(&exitcode.Interrupted{Signal: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		unsubscribe()
		cancel(nil)
	}
}

// Run runs f under Context: a run that fails because a signal ended its
// context returns the interrupt (exit 128+n), not the error the wait it
// cut short made of it.
func (b *Broadcaster) Run(ctx context.Context, log zerolog.Logger, f func(context.Context) error) error {
	ctx, stop := b.Context(ctx, log)
	defer stop()
	err := f(ctx)
	var in *exitcode.Interrupted
	if err != nil && ctx.Err() != nil && errors.As(context.Cause(ctx), &in) {
		return in
	}
	return err
}

// Interruptible runs a command's parse step, which reads local files
// (targets, parameters, the template and the paths it packages), and
// returns at once when a signal comes first. Parsing touches nothing, so
// leaving it behind is safe: a slow disk or a huge tree must not make the
// process deaf to signals before any work has begun.
func (b *Broadcaster) Interruptible(parse func() error) error {
	if err := b.TakePending(); err != nil {
		return err
	}
	sigs, unsubscribe := b.Subscribe()
	defer unsubscribe()
	done := make(chan error, 1)
	go func() { done <- parse() }()
	select {
	case err := <-done:
		select {
		case sig := <-sigs:
			return &exitcode.Interrupted{Signal: sig}
		default:
			return err
		}
	case sig := <-sigs:
		return &exitcode.Interrupted{Signal: sig}
	}
}
