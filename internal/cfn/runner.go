package cfn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/poll"
)

// Runner holds what deploy and delete share: the clients of the target
// account, the logger, and how to wait.
type Runner struct {
	CFN API
	// Uploader puts templates over the inline limit where CloudFormation
	// reads them; nil refuses them.
	Uploader TemplateUploader
	// Reader reads the template and policy a stack holds, for the check
	// that skips a change set when nothing can have changed; nil never skips.
	Reader TemplateReader
	Log    zerolog.Logger
	// Report receives the change set and the stack events as they come;
	// nil drops them.
	Report Reporter
	Region string
	// Account is the target account, named where a stack is not found.
	Account string
	// Backoff returns a fresh poll schedule; nil means poll.Default on Clock.
	Backoff func() *poll.Backoff
	// Clock is the time of every wait and heartbeat; nil is the wall clock.
	Clock poll.Clock
	// Heartbeat is the longest silence while waiting; default 60 s, so CI
	// systems that kill silent jobs do not.
	Heartbeat time.Duration
	// CancelOnInterrupt calls CancelUpdateStack when a signal stops the wait
	// of an update.
	CancelOnInterrupt bool
	// NewToken returns a fresh idempotency token; nil means random.
	NewToken func() string
}

func (r *Runner) backoff() *poll.Backoff {
	if r.Backoff != nil {
		return r.Backoff()
	}
	b := poll.Default()
	b.Clock = r.Clock
	return b
}

// describeStack returns the stack, or nil when it does not exist.
func (r *Runner) describeStack(ctx context.Context, name string) (*types.Stack, error) {
	out, err := r.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorMessage(), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("describe stack %s: %w", name, err)
	}
	if len(out.Stacks) == 0 {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// follow prints the operation's events until the stack reaches a final
// status, and returns the stack as DescribeStacks then reports it. Each tick
// is one call: DescribeStackEvents while events flow; when a tick brings
// none, the next is DescribeStacks, so the final status is noticed even if
// its event is late. The events' own final status triggers DescribeStacks at
// once.
func (r *Runner) follow(ctx context.Context, f *follower, name string) (*types.Stack, error) {
	b, clock := r.backoff(), poll.Or(r.Clock)
	heartbeat := poll.NewHeartbeat(clock, r.Heartbeat)
	status := ""
	for {
		n, err := f.poll(ctx)
		if err != nil && f.deleting && stackGone(err) {
			return deletedStack(f, name), nil
		}
		if err != nil {
			return nil, r.stopped(ctx, f, name, status, err)
		}
		if n > 0 {
			heartbeat.Said()
		}
		statusTick := n == 0 || terminal(f.rootStatus)
		if !terminal(f.rootStatus) {
			if err := clock.Sleep(ctx, f.settle.next(b, n > 0, f.rootStatus)); err != nil {
				return nil, r.stopped(ctx, f, name, status, err)
			}
		}
		if !statusTick {
			continue
		}
		st, err := r.describeStack(ctx, f.root)
		if err != nil {
			return nil, r.stopped(ctx, f, name, status, err)
		}
		if st == nil && f.deleting {
			return deletedStack(f, name), nil
		}
		if st == nil {
			return nil, fmt.Errorf("stack %s disappeared while waiting", name)
		}
		status = string(st.StackStatus)
		if terminal(status) {
			// Events that arrived with the final status are printed too,
			// unless the root's own final event, CloudFormation's last of
			// an operation, was already among them: then there is nothing
			// left to read, and one more call would only delay the exit.
			if terminal(f.rootStatus) {
				return st, nil
			}
			if _, err := f.poll(ctx); err != nil && ctx.Err() != nil {
				return nil, r.stopped(ctx, f, name, status, err)
			}
			return st, nil
		}
		f.rootStatus = status
		if elapsed, due := heartbeat.Due(); due {
			r.Log.Info().Str("stack", name).Str("status", status).
				Str("elapsed", elapsed.Round(time.Second).String()).Msg("still waiting")
		}
		if err := clock.Sleep(ctx, f.settle.next(b, false, f.rootStatus)); err != nil {
			return nil, r.stopped(ctx, f, name, status, err)
		}
	}
}

// stopped explains why waiting ended early: our timeout (exit 4), a signal
// (128+n, with CancelUpdateStack when asked), or an API error.
func (r *Runner) stopped(ctx context.Context, f *follower, name, status string, err error) error {
	stackID := f.root
	if ctx.Err() == nil {
		return err
	}
	// A fresh context: the one we were given is done, and these calls are
	// how the user learns where the stack stands.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if st, derr := r.describeStack(bg, stackID); derr == nil && st != nil {
		status = string(st.StackStatus)
	}
	cause := context.Cause(ctx)
	var in *exitcode.Interrupted
	if errors.As(cause, &in) {
		// Only our own update is ours to cancel: a wait on another run's
		// operation must never roll that run back.
		if r.CancelOnInterrupt && f.ours && status == string(types.StackStatusUpdateInProgress) {
			if _, cerr := r.CFN.CancelUpdateStack(bg, &cloudformation.CancelUpdateStackInput{StackName: aws.String(name)}); cerr != nil {
				r.Log.Warn().Err(cerr).Msg("cancel update failed")
			} else {
				r.Log.Warn().Str("stack", name).Msg("asked CloudFormation to cancel the update; it will roll back")
			}
		}
		r.Log.Warn().Str("stack", name).Str("status", status).
			Msg("stopped following; the operation goes on in CloudFormation. Run the same command again to follow it to the end")
		return cause
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(cause, context.DeadlineExceeded) {
		return exitcode.Timeout(fmt.Errorf("gave up waiting: stack %s is still %s; it goes on in CloudFormation, run the same command again to follow it", name, orUnknown(status)))
	}
	return cause
}

func orUnknown(s string) string {
	if s == "" {
		return "in progress"
	}
	return s
}

// Reporter is told what people follow while an operation runs: the change
// set before it executes and every stack event once. The command layer
// presents them; the engine only reports.
type Reporter interface {
	ChangeSet(stack string, changes []Change)
	Event(e types.StackEvent)
}

type noReport struct{}

func (noReport) ChangeSet(string, []Change) {}
func (noReport) Event(types.StackEvent)     {}

func (r *Runner) report() Reporter {
	if r.Report == nil {
		return noReport{}
	}
	return r.Report
}

// printEvent is the follower's printer.
func (r *Runner) printEvent(e types.StackEvent) { r.report().Event(e) }
