package stackset

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/id"
	"github.com/deployer-dev/deployer/internal/poll"
)

// Engine runs StackSet operations and follows them to their end.
type Engine struct {
	CFN API
	Log zerolog.Logger
	// Backoff returns a fresh poll schedule; nil means poll.Default on
	// Clock, as stacks are polled.
	Backoff func() *poll.Backoff
	// Clock is the time of every wait and heartbeat; nil is the wall clock.
	Clock poll.Clock
	// Heartbeat is the longest silence while waiting; default 60 s.
	Heartbeat time.Duration
	// NewOperationID makes operation ids; nil means random ones.
	NewOperationID func() string
	// Account and Region are the calling account's and the region the
	// StackSet lives in: the administration role must be in Account, and
	// errors name where a StackSet was looked for. Empty skips the check.
	Account, Region string
}

// session is one command's calls on one StackSet.
type session struct {
	*Engine
	name   string
	callAs types.CallAs
}

// finished is an operation at its end.
type finished struct {
	id      string
	status  types.StackSetOperationStatus
	reason  string
	results map[key]types.StackSetOperationResultSummary
}

// startFunc starts one operation with the given id and returns the id
// StackSets reports (moto makes up its own for some calls).
type startFunc func(ctx context.Context, id string) (string, error)

// Error codes this package acts on, from the CloudFormation API reference.
const (
	codeInProgress   = "OperationInProgressException"      // HTTP 409
	codeIDExists     = "OperationIdAlreadyExistsException" // HTTP 409
	codeSetNotFound  = "StackSetNotFoundException"
	codeSetNotEmpty  = "StackSetNotEmptyException"
	codeNameExists   = "NameAlreadyExistsException"
	maxOperationList = 5 // pages of ListStackSetOperations searched for a running one
)

func apiCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// operate starts an operation and follows it. The id is made once and
// reused only for this call's own retries: after OperationInProgressException
// no operation was created, so the same id is still unused; after
// OperationIdAlreadyExistsException an earlier attempt of this very call got
// through (its answer was lost), and that operation is followed.
func (s *session) operate(ctx context.Context, what string, start startFunc) (*finished, error) {
	id := s.newID()
	for {
		got, err := start(ctx, id)
		switch {
		case err == nil:
			if got == "" {
				got = id
			}
			s.Log.Info().Str("stack_set", s.name).Str("operation", got).Msg(what)
			return s.follow(ctx, got, true)
		case apiCode(err) == codeIDExists:
			return s.follow(ctx, id, true)
		case apiCode(err) == codeInProgress:
			if werr := s.waitIdle(ctx); werr != nil {
				return nil, werr
			}
		default:
			return nil, fmt.Errorf("%s on stack set %s: %w", what, s.name, err)
		}
	}
}

// waitIdle waits for the operations another run started. StackSets answers
// OperationInProgressException while one runs (a stack set without managed
// execution runs one operation at a time); the operation is found with
// ListStackSetOperations and followed like our own.
func (s *session) waitIdle(ctx context.Context) error {
	b := s.backoff()
	for {
		active, err := s.activeOperation(ctx)
		if err != nil {
			return err
		}
		if active == nil {
			// It ended between the refusal and the listing: try again
			// after one step.
			return poll.Or(s.Clock).Sleep(ctx, b.Next(false))
		}
		s.Log.Info().Str("stack_set", s.name).Str("operation", aws.ToString(active.OperationId)).
			Str("action", string(active.Action)).Str("status", string(active.Status)).
			Msg("another operation is running on the stack set; waiting for it to end")
		if _, err := s.follow(ctx, aws.ToString(active.OperationId), false); err != nil {
			return err
		}
	}
}

func (s *session) activeOperation(ctx context.Context) (*types.StackSetOperationSummary, error) {
	pages := cloudformation.NewListStackSetOperationsPaginator(s.CFN, &cloudformation.ListStackSetOperationsInput{
		StackSetName: aws.String(s.name), CallAs: s.callAs,
	})
	for i := 0; pages.HasMorePages() && i < maxOperationList; i++ {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list operations of stack set %s: %w", s.name, err)
		}
		for _, op := range page.Summaries {
			switch op.Status {
			case types.StackSetOperationStatusRunning, types.StackSetOperationStatusQueued, types.StackSetOperationStatusStopping:
				return &op, nil
			}
		}
	}
	return nil, nil
}

// follow polls the operation until it ends, within the context's budget,
// then reads its per-instance results when asked.
func (s *session) follow(ctx context.Context, id string, withResults bool) (*finished, error) {
	b, clock := s.backoff(), poll.Or(s.Clock)
	heartbeat := poll.NewHeartbeat(clock, s.Heartbeat)
	var last types.StackSetOperationStatus
	for {
		out, err := s.CFN.DescribeStackSetOperation(ctx, &cloudformation.DescribeStackSetOperationInput{
			StackSetName: aws.String(s.name), OperationId: aws.String(id), CallAs: s.callAs,
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, s.stopped(ctx, id, last)
			}
			return nil, fmt.Errorf("describe operation %s of stack set %s: %w", id, s.name, err)
		}
		op := out.StackSetOperation
		switch op.Status {
		case types.StackSetOperationStatusSucceeded, types.StackSetOperationStatusFailed, types.StackSetOperationStatusStopped:
			f := &finished{id: id, status: op.Status, reason: aws.ToString(op.StatusReason)}
			if withResults {
				if f.results, err = s.results(ctx, id); err != nil {
					return nil, err
				}
			}
			return f, nil
		}
		changed := op.Status != last
		last = op.Status
		if elapsed, due := heartbeat.Due(); due {
			s.Log.Info().Str("stack_set", s.name).Str("operation", id).Str("status", string(op.Status)).
				Str("elapsed", elapsed.Round(time.Second).String()).Msg("still waiting")
		}
		if err := clock.Sleep(ctx, b.Next(changed)); err != nil {
			return nil, s.stopped(ctx, id, last)
		}
	}
}

// results reads every instance's result of an operation.
func (s *session) results(ctx context.Context, id string) (map[key]types.StackSetOperationResultSummary, error) {
	out := map[key]types.StackSetOperationResultSummary{}
	pages := cloudformation.NewListStackSetOperationResultsPaginator(s.CFN, &cloudformation.ListStackSetOperationResultsInput{
		StackSetName: aws.String(s.name), OperationId: aws.String(id), CallAs: s.callAs,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list results of operation %s: %w", id, err)
		}
		for _, r := range page.Summaries {
			out[key{aws.ToString(r.Account), aws.ToString(r.Region)}] = r
		}
	}
	return out, nil
}

// stopped explains why following ended early: the budget (exit 4) or a
// signal; the operation goes on in CloudFormation either way.
func (s *session) stopped(ctx context.Context, id string, status types.StackSetOperationStatus) error {
	st := string(status)
	if st == "" {
		st = "in progress"
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, context.DeadlineExceeded) {
		return exitcode.Timeout(fmt.Errorf("gave up waiting: operation %s of stack set %s is still %s; it goes on in CloudFormation, run the same command again to follow it", id, s.name, st))
	}
	s.Log.Warn().Str("stack_set", s.name).Str("operation", id).Str("status", st).
		Msg("stopped following; the operation goes on in CloudFormation. Run the same command again to follow it to the end")
	return cause
}

func (s *session) backoff() *poll.Backoff {
	if s.Backoff != nil {
		return s.Backoff()
	}
	b := poll.Default()
	b.Clock = s.Clock
	return b
}

func (s *session) newID() string {
	if s.NewOperationID != nil {
		return s.NewOperationID()
	}
	return id.New("deployer")
}
