package cfn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/poll"
)

const (
	stackType = "AWS::CloudFormation::Stack"
	nestedID  = arnPrefix + "stack/app-Nested-ABC/99999999"
)

// nestedUpdate is an update of the root stack whose nested stack updates a
// queue.
func (s *sim) nestedUpdate() *operation {
	nested := func(logical, typ string, status types.ResourceStatus, phys string) types.StackEvent {
		return s.event(nestedID, logical, typ, status, "", phys)
	}
	return &operation{inProgress: types.StackStatusUpdateInProgress, final: types.StackStatusUpdateComplete, pending: []types.StackEvent{
		s.rootEvent(types.StackStatusUpdateInProgress, "User Initiated"),
		s.event(s.id, "Nested", stackType, types.ResourceStatusUpdateInProgress, "", nestedID),
		nested("app-Nested-ABC", stackType, types.ResourceStatusUpdateInProgress, nestedID),
		nested("Queue", "AWS::SQS::Queue", types.ResourceStatusUpdateInProgress, "queue-url"),
		nested("Queue", "AWS::SQS::Queue", types.ResourceStatusUpdateComplete, "queue-url"),
		nested("app-Nested-ABC", stackType, types.ResourceStatusUpdateComplete, nestedID),
		s.event(s.id, "Nested", stackType, types.ResourceStatusUpdateComplete, "", nestedID),
		s.rootEvent(types.StackStatusUpdateCompleteCleanupInProgress, ""),
		s.rootEvent(types.StackStatusUpdateComplete, ""),
	}}
}

func TestFollowReportsEveryEventOnceInOrder(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.output = []types.Output{{OutputKey: aws.String("QueueUrl"), OutputValue: aws.String("queue-url")}}
	h.sim.pageSize = 1 // every poll reads several pages
	var want []string
	h.sim.onExecute = func(*simChangeSet) *operation {
		op := h.sim.nestedUpdate()
		want = eventIDs(op.pending)
		return op
	}

	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if diff := cmp.Diff(want, h.report.eventIDs()); diff != "" {
		t.Errorf("events reported (-want +got):\n%s", diff)
	}
	if res.Status != "UPDATE_COMPLETE" || len(res.Outputs) != 1 {
		t.Errorf("result = %+v, want UPDATE_COMPLETE with the outputs", res)
	}
}

// A nested stack that existed before has a history of its own; only this
// operation's events are reported (and only they can be a root cause).
func TestFollowSkipsNestedStackHistory(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	old := h.sim.event(nestedID, "Queue", "AWS::SQS::Queue", types.ResourceStatusUpdateFailed, "an old failure", "queue-url")
	h.sim.show(old)
	var want []string
	h.sim.onExecute = func(*simChangeSet) *operation {
		op := h.sim.nestedUpdate()
		want = eventIDs(op.pending)
		return op
	}

	if _, err := h.runner.Deploy(context.Background(), deployOptions()); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if diff := cmp.Diff(want, h.report.eventIDs()); diff != "" {
		t.Errorf("events reported (-want +got):\n%s", diff)
	}
}

// The stack's final status is noticed from DescribeStacks when its event
// never comes.
func TestFollowNoticesFinalStatusWithoutItsEvent(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.onExecute = func(*simChangeSet) *operation {
		op := h.sim.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete)
		op.pending = op.pending[:len(op.pending)-1]
		return op
	}
	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if res.Status != "UPDATE_COMPLETE" {
		t.Errorf("status = %s, want UPDATE_COMPLETE", res.Status)
	}
}

func TestFollowFailureNamesRootCause(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.onExecute = func(*simChangeSet) *operation {
		s := h.sim
		return &operation{inProgress: types.StackStatusUpdateInProgress, final: types.StackStatusUpdateRollbackComplete, pending: []types.StackEvent{
			s.rootEvent(types.StackStatusUpdateInProgress, "User Initiated"),
			s.resourceEvent("Bucket", types.ResourceStatusUpdateInProgress, ""),
			s.resourceEvent("Queue", types.ResourceStatusUpdateInProgress, ""),
			s.resourceEvent("Bucket", types.ResourceStatusUpdateFailed, "Access Denied (Service: S3, Status Code: 403)"),
			s.resourceEvent("Queue", types.ResourceStatusUpdateFailed, "Resource update cancelled"),
			s.rootEvent(types.StackStatusUpdateRollbackInProgress, "The following resource(s) failed to update: [Bucket, Queue]."),
			s.resourceEvent("Bucket", types.ResourceStatusUpdateComplete, ""),
			s.rootEvent(types.StackStatusUpdateRollbackComplete, ""),
		}}
	}

	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if err == nil {
		t.Fatal("Deploy succeeded, want the failure")
	}
	if got := exitcode.Of(err); got != exitcode.Failed {
		t.Errorf("exit code = %d, want %d", got, exitcode.Failed)
	}
	want := "stack app ended in UPDATE_ROLLBACK_COMPLETE; root cause:\n" +
		"  Bucket (AWS::S3::Bucket): UPDATE_FAILED: Access Denied (Service: S3, Status Code: 403)"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if res == nil || res.Status != "UPDATE_ROLLBACK_COMPLETE" {
		t.Errorf("result = %+v, want status UPDATE_ROLLBACK_COMPLETE", res)
	}
}

// endlessUpdate makes the next execution an update that never ends.
func (s *sim) endlessUpdate() {
	s.onExecute = func(*simChangeSet) *operation {
		return &operation{inProgress: types.StackStatusUpdateInProgress, endless: true}
	}
}

func TestFollowTimeoutGivesUp(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.endlessUpdate()
	h.runner.CancelOnInterrupt = true // a timeout is not an interrupt: nothing is cancelled
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	_, err := h.runner.Deploy(ctx, deployOptions())
	if got := exitcode.Of(err); got != exitcode.GaveUp {
		t.Fatalf("exit code = %d, want %d (err %v)", got, exitcode.GaveUp, err)
	}
	if !strings.Contains(err.Error(), "stack app is still UPDATE_IN_PROGRESS") {
		t.Errorf("error %q does not say where the stack stands", err)
	}
}

// interruptAfter cancels ctx with SIGTERM as the cause on the nth
// DescribeStacks call after the first ExecuteChangeSet (or from the start when
// afterExecute is false).
func interruptAfter(h *harness, n int, afterExecute bool, cancel context.CancelCauseFunc) {
	describe := h.api.DescribeStacksFn
	calls := 0
	h.api.DescribeStacksFn = func(ctx context.Context, in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		out, err := describe(ctx, in)
		if !afterExecute || h.api.count("ExecuteChangeSet") > 0 {
			if calls++; calls == n {
				cancel(&exitcode.Interrupted{Signal: syscall.SIGTERM})
			}
		}
		return out, err
	}
}

func TestFollowInterrupt(t *testing.T) {
	for _, cancelOnInterrupt := range []bool{true, false} {
		name := "follow only"
		if cancelOnInterrupt {
			name = "cancel on interrupt"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(types.StackStatusUpdateComplete)
			h.sim.endlessUpdate()
			h.runner.CancelOnInterrupt = cancelOnInterrupt
			h.api.CancelUpdateStackFn = func(context.Context, *cloudformation.CancelUpdateStackInput) (*cloudformation.CancelUpdateStackOutput, error) {
				return &cloudformation.CancelUpdateStackOutput{}, nil
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			interruptAfter(h, 2, true, cancel)

			_, err := h.runner.Deploy(ctx, deployOptions())
			var in *exitcode.Interrupted
			if !errors.As(err, &in) || exitcode.Of(err) != 128+int(syscall.SIGTERM) {
				t.Fatalf("err = %v (exit %d), want the interrupt (exit 143)", err, exitcode.Of(err))
			}
			cancels := inputsOf[cloudformation.CancelUpdateStackInput](h.api, "CancelUpdateStack")
			wantCancels := 0
			if cancelOnInterrupt {
				wantCancels = 1
			}
			if len(cancels) != wantCancels {
				t.Fatalf("CancelUpdateStack called %d times, want %d", len(cancels), wantCancels)
			}
			if wantCancels == 1 && aws.ToString(cancels[0].StackName) != stackName {
				t.Errorf("CancelUpdateStack on %s, want %s", aws.ToString(cancels[0].StackName), stackName)
			}
		})
	}
}

// Waiting for another run's update is not our update: an interrupt stops
// the wait and leaves that run alone, even with --cancel-on-interrupt.
func TestInterruptWhileWaitingCancelsNothing(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.start(&operation{inProgress: types.StackStatusUpdateInProgress, endless: true})
	h.runner.CancelOnInterrupt = true
	h.api.CancelUpdateStackFn = func(context.Context, *cloudformation.CancelUpdateStackInput) (*cloudformation.CancelUpdateStackOutput, error) {
		return &cloudformation.CancelUpdateStackOutput{}, nil
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	interruptAfter(h, 2, false, cancel)

	_, err := h.runner.Deploy(ctx, deployOptions())
	if got := exitcode.Of(err); got != 128+int(syscall.SIGTERM) {
		t.Fatalf("exit code = %d, want 143 (err %v)", got, err)
	}
	if n := h.api.count("CancelUpdateStack"); n != 0 {
		t.Errorf("CancelUpdateStack called %d times while waiting for another run's update, want 0", n)
	}
}

// syncBuffer is a log destination the engine and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A long silence is broken by a heartbeat line, so CI does not kill the job:
// on a fake clock, the first comes once a minute has passed with nothing
// new, and the wait goes on polling until the context ends.
func TestFollowHeartbeatAfterAMinuteOfSilence(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.endlessUpdate()
	clock := poll.NewFake(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	h.runner.Clock = clock
	h.runner.Backoff = func() *poll.Backoff {
		return &poll.Backoff{Min: time.Second, Max: 12 * time.Second, Factor: 1.5, Warm: 2 * time.Minute, Clock: clock}
	}
	h.runner.Heartbeat = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &heartbeatLog{stop: cancel, after: 2}
	h.runner.Log = zerolog.New(logs)

	if _, err := h.runner.Deploy(ctx, deployOptions()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the wait ended by its context", err)
	}
	if len(logs.beats) != 2 {
		t.Fatalf("%d heartbeats, want 2 (logs:\n%s)", len(logs.beats), logs.all.String())
	}
	for i, beat := range logs.beats {
		if beat.Status != "UPDATE_IN_PROGRESS" || beat.Elapsed < time.Duration(i+1)*time.Minute || beat.Elapsed > time.Duration(i+1)*time.Minute+15*time.Second {
			t.Errorf("heartbeat %d: %+v, want UPDATE_IN_PROGRESS about %d minute(s) in", i+1, beat, i+1)
		}
	}
}

// heartbeatLog collects the "still waiting" lines and ends the wait after
// the given number of them.
type heartbeatLog struct {
	stop  context.CancelFunc
	after int
	all   syncBuffer
	beats []struct {
		Status  string
		Elapsed time.Duration
	}
}

func (l *heartbeatLog) Write(p []byte) (int, error) {
	l.all.Write(p)
	var line struct{ Message, Status, Elapsed string }
	if err := json.Unmarshal(p, &line); err != nil || line.Message != "still waiting" {
		return len(p), nil
	}
	d, err := time.ParseDuration(line.Elapsed)
	if err != nil {
		return 0, err
	}
	l.beats = append(l.beats, struct {
		Status  string
		Elapsed time.Duration
	}{line.Status, d})
	if len(l.beats) >= l.after {
		l.stop()
	}
	return len(p), nil
}

// --timeout bounds every wait, the change set's computation included: exit
// 4, as the README promises, never a plain error.
func TestTimeoutWhileChangeSetComputesGivesUp(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.api.DescribeChangeSetFn = func(_ context.Context, in *cloudformation.DescribeChangeSetInput) (*cloudformation.DescribeChangeSetOutput, error) {
		return &cloudformation.DescribeChangeSetOutput{ChangeSetId: in.ChangeSetName, Status: types.ChangeSetStatusCreateInProgress}, nil
	}
	h.api.DeleteChangeSetFn = func(context.Context, *cloudformation.DeleteChangeSetInput) (*cloudformation.DeleteChangeSetOutput, error) {
		return &cloudformation.DeleteChangeSetOutput{}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	_, err := h.runner.Deploy(ctx, deployOptions())
	if got := exitcode.Of(err); got != exitcode.GaveUp {
		t.Errorf("exit code = %d, want %d (err %v)", got, exitcode.GaveUp, err)
	}
}
