package cfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// ErrPlanStale marks a planned change set that can no longer run as
// reviewed: it is gone, or its stack moved on. The target fails; nothing is
// planned again behind the reviewer's back.
var ErrPlanStale = errors.New("the reviewed change set can no longer be executed")

// ExecutePlanned executes exactly the change set a reviewed plan names, with
// the same guards as a deploy, and follows the stack to its end.
func (r *Runner) ExecutePlanned(ctx context.Context, o DeployOptions, changeSetARN string) (*Result, error) {
	described, err := r.CFN.DescribeChangeSet(ctx, describeInput(aws.String(changeSetARN), nil))
	if changeSetGone(err) {
		return nil, fmt.Errorf("change set %s is gone (executed, deleted, or dropped when another change set of %s ran); preview again: %w", changeSetARN, o.Stack, ErrPlanStale)
	}
	if err != nil {
		return nil, fmt.Errorf("describe change set: %w", err)
	}
	if described.ExecutionStatus != types.ExecutionStatusAvailable {
		return nil, fmt.Errorf("change set %s is %s/%s (%s): the stack moved on since the review; preview again: %w",
			changeSetARN, described.Status, described.ExecutionStatus, aws.ToString(described.StatusReason), ErrPlanStale)
	}
	changes, err := changesOf(ctx, r.CFN, described, "", 0)
	if err != nil {
		return nil, err
	}
	r.report().ChangeSet(o.Stack, changes)
	res := &Result{Changes: changes, ChangeSetID: changeSetARN}
	st, err := r.describeStack(ctx, aws.ToString(described.StackId))
	if err != nil {
		return nil, err
	}
	if st != nil && st.StackStatus != types.StackStatusReviewInProgress {
		if err := o.Guards.check(changes); err != nil {
			return res, exitcode.Guard(err)
		}
	}
	return r.execute(ctx, o, aws.ToString(described.StackId), changeSetARN, r.token(), res)
}
