package child

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// A signal while a command's settings are parsed (which reads local files)
// ends the parse at once with the signal's exit code.
func TestSignalDuringParseEndsIt(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	b := NewBroadcaster(sigs)
	defer b.Stop()
	release := make(chan struct{})
	defer close(release)
	got := make(chan error, 1)
	go func() { got <- b.Interruptible(func() error { <-release; return nil }) }()
	time.Sleep(50 * time.Millisecond)
	sigs <- syscall.SIGTERM
	select {
	case err := <-got:
		if exitcode.Of(err) != 143 {
			t.Errorf("got %v, want the interrupt (143)", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("parse not abandoned on SIGTERM")
	}
}

// A run whose wait a signal cut short returns the interrupt, not the
// wait's own error; a run that fails on its own keeps its error.
func TestRunReturnsTheInterruptOfASignal(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	b := NewBroadcaster(sigs)
	defer b.Stop()
	err := b.Run(context.Background(), zerolog.Nop(), func(ctx context.Context) error {
		sigs <- syscall.SIGINT
		<-ctx.Done()
		return errors.New("wait for the stack: context canceled")
	})
	if exitcode.Of(err) != 130 {
		t.Errorf("interrupted: got %v (exit %d), want the interrupt (130)", err, exitcode.Of(err))
	}
	own := errors.New("stack failed")
	if err := b.Run(context.Background(), zerolog.Nop(), func(context.Context) error { return own }); err != own {
		t.Errorf("own failure: got %v, want it unchanged", err)
	}
}
