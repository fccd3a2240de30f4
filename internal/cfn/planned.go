package cfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// ErrPlanStale marks a planned change set that can no longer run: it is
// gone, or CloudFormation no longer offers it for execution. The target
// fails; nothing is planned again behind the reviewer's back.
var ErrPlanStale = errors.New("the reviewed change set can no longer be executed")

// ExecutePlanned executes exactly the change set a reviewed plan names, and
// only when it is still what the preview recorded: on the plan's stack,
// with the same change list, on a stack nothing touched since. The
// preview's guards (o.Guards) are checked again against the change set.
// A difference is ErrNotReviewed (exit 2) and nothing is executed.
func (r *Runner) ExecutePlanned(ctx context.Context, o DeployOptions, want Reviewed) (*Result, error) {
	arn := want.ChangeSetARN
	described, err := r.CFN.DescribeChangeSet(ctx, describeInput(aws.String(arn), nil))
	if changeSetGone(err) {
		return nil, fmt.Errorf("change set %s is gone (executed, deleted, or dropped when another change set of %s ran); preview again: %w", arn, o.Stack, ErrPlanStale)
	}
	if err != nil {
		return nil, fmt.Errorf("describe change set: %w", err)
	}
	changes, err := changesOf(ctx, r.CFN, described, "", 0)
	if err != nil {
		return nil, err
	}
	res := &Result{Changes: changes, ChangeSetID: arn}
	if err := r.compareReview(ctx, o.Stack, want, described, changes); err != nil {
		if errors.Is(err, ErrNotReviewed) {
			return res, &exitcode.Error{Code: exitcode.BadInput, Err: err}
		}
		return res, err
	}
	if described.ExecutionStatus != types.ExecutionStatusAvailable {
		return nil, fmt.Errorf("change set %s is %s/%s (%s): the stack moved on since the review; preview again: %w",
			arn, described.Status, described.ExecutionStatus, aws.ToString(described.StatusReason), ErrPlanStale)
	}
	r.report().ChangeSet(o.Stack, changes)
	if !reviewInProgress(want.StackStatus) {
		if err := o.Guards.check(changes); err != nil {
			return res, exitcode.Guard(err)
		}
	}
	return r.execute(ctx, o, want.StackID, arn, r.token(), res)
}
