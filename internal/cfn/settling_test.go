package cfn_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/poll"
)

// sleepLog is a fake clock that keeps each delay the engine asked for.
type sleepLog struct {
	*poll.Fake
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepLog) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return s.Fake.Sleep(ctx, d)
}

// settleRun deploys one change set whose execution shows one event per
// DescribeStackEvents call, on the default schedule and a fake clock, and
// returns the delays slept after the execution.
func settleRun(t *testing.T, changes []types.Change, events func(h *harness) []types.StackEvent, final types.StackStatus) []time.Duration {
	t.Helper()
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.perPoll = 1
	h.sim.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) { return changes, "" }
	clock := &sleepLog{Fake: poll.NewFake(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))}
	h.runner.Clock, h.runner.Backoff = clock, nil
	h.sim.onExecute = func(*simChangeSet) *operation {
		clock.mu.Lock()
		clock.delays = nil // the change set's own wait is not the follow
		clock.mu.Unlock()
		return &operation{inProgress: types.StackStatusUpdateInProgress, final: final, pending: events(h)}
	}
	o := deployOptions()
	o.Guards.AllowReplacement = true
	if _, err := h.runner.Deploy(context.Background(), o); err != nil && final == types.StackStatusUpdateComplete {
		t.Fatalf("Deploy: %v", err)
	}
	return clock.delays
}

func countDelays(ds []time.Duration, fast bool) int {
	n := 0
	for _, d := range ds {
		if (d < time.Second) == fast {
			n++
		}
	}
	return n
}

// Once every resource the change set named is final, the stack's own final
// status is imminent: the follow polls every 250 ms, not once a second.
func TestFollowPollsFastOnceEveryNamedResourceIsFinal(t *testing.T) {
	changes := []types.Change{change("Bucket", types.ChangeActionModify, types.ReplacementFalse)}
	delays := settleRun(t, changes, func(h *harness) []types.StackEvent {
		return []types.StackEvent{
			h.sim.rootEvent(types.StackStatusUpdateInProgress, "User Initiated"),
			h.sim.resourceEvent("Bucket", types.ResourceStatusUpdateInProgress, ""),
			h.sim.resourceEvent("Bucket", types.ResourceStatusUpdateComplete, ""),
			h.sim.resourceEvent("Unnamed", types.ResourceStatusUpdateComplete, ""),
			h.sim.rootEvent(types.StackStatusUpdateCompleteCleanupInProgress, ""),
			h.sim.rootEvent(types.StackStatusUpdateComplete, ""),
		}
	}, types.StackStatusUpdateComplete)
	// Two polls before the one that brings the bucket's final event, each
	// followed by a second's sleep; from it on, every sleep is the
	// settling one.
	if len(delays) < 4 || countDelays(delays[:2], false) != 2 || countDelays(delays[2:], true) != len(delays)-2 {
		t.Errorf("delays after execute = %v, want two of a second or more, then 250 ms each", delays)
	}
	for _, d := range delays[2:] {
		if d != 250*time.Millisecond {
			t.Errorf("settling delay %v, want 250ms", d)
		}
	}
}

// The fast polls are bounded: a stack that stays in progress after its last
// named resource goes back to the usual schedule after eight of them.
func TestFollowSettlingPollsAreBounded(t *testing.T) {
	changes := []types.Change{change("Bucket", types.ChangeActionAdd, "")}
	delays := settleRun(t, changes, func(h *harness) []types.StackEvent {
		evs := []types.StackEvent{h.sim.resourceEvent("Bucket", types.ResourceStatusCreateComplete, "")}
		for range 20 {
			evs = append(evs, h.sim.resourceEvent("Unnamed", types.ResourceStatusUpdateInProgress, ""))
		}
		return append(evs, h.sim.rootEvent(types.StackStatusUpdateComplete, ""))
	}, types.StackStatusUpdateComplete)
	if fast := countDelays(delays, true); fast != 8 {
		t.Errorf("%d fast polls in %v, want exactly 8", fast, delays)
	}
}

// A replaced or removed resource is final only when its old resource is
// deleted, in the cleanup; a rollback is never polled fast.
func TestFollowSettlingWaitsForTheCleanupAndNeverForARollback(t *testing.T) {
	changes := []types.Change{change("Bucket", types.ChangeActionModify, types.ReplacementTrue)}
	delays := settleRun(t, changes, func(h *harness) []types.StackEvent {
		return []types.StackEvent{
			h.sim.resourceEvent("Bucket", types.ResourceStatusUpdateComplete, ""),
			h.sim.rootEvent(types.StackStatusUpdateCompleteCleanupInProgress, ""),
			h.sim.resourceEvent("Bucket", types.ResourceStatusDeleteInProgress, ""),
			h.sim.resourceEvent("Bucket", types.ResourceStatusDeleteComplete, ""),
			h.sim.rootEvent(types.StackStatusUpdateComplete, ""),
		}
	}, types.StackStatusUpdateComplete)
	if len(delays) < 4 || countDelays(delays[:3], false) != 3 || countDelays(delays[3:], true) != len(delays)-3 {
		t.Errorf("replacement: delays %v, want slow polls until the old bucket is deleted, then fast ones", delays)
	}
	delays = settleRun(t, []types.Change{change("Bucket", types.ChangeActionModify, types.ReplacementFalse)}, func(h *harness) []types.StackEvent {
		return []types.StackEvent{
			h.sim.resourceEvent("Bucket", types.ResourceStatusUpdateFailed, "denied"),
			h.sim.rootEvent(types.StackStatusUpdateRollbackInProgress, ""),
			h.sim.resourceEvent("Bucket", types.ResourceStatusUpdateComplete, ""),
			h.sim.rootEvent(types.StackStatusUpdateRollbackComplete, ""),
		}
	}, types.StackStatusUpdateRollbackComplete)
	if fast := countDelays(delays, true); fast > 1 {
		t.Errorf("rollback: %d fast polls in %v, want at most the one before the rollback began", fast, delays)
	}
}
