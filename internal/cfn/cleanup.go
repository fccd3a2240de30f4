package cfn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// gaveUp turns an error that our own deadline caused (a call or a wait cut
// short before anything was following the stack) into exit 4, as --timeout
// promises; errors already classified pass unchanged.
func gaveUp(ctx context.Context, stack string, err error) error {
	if err == nil || exitcode.Of(err) != exitcode.Failed {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return exitcode.Timeout(fmt.Errorf("gave up waiting on stack %s before its change set ran: %w", stack, err))
	}
	return err
}

// removeReviewStack deletes the empty REVIEW_IN_PROGRESS stack that a
// CREATE change set leaves behind, so a dry run of a new stack leaves
// nothing. A stack that is anything else is not ours to delete.
func (r *Runner) removeReviewStack(ctx context.Context, name, id string) {
	ctx = context.WithoutCancel(ctx)
	st, err := r.describeStack(ctx, id)
	if err != nil || st == nil || st.StackStatus != types.StackStatusReviewInProgress {
		return
	}
	if _, err := r.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(id)}); err != nil {
		r.Log.Warn().Err(err).Str("stack", name).Msg("could not delete the empty REVIEW_IN_PROGRESS stack the dry run made")
		return
	}
	r.Log.Info().Str("stack", name).Msg("dry run: deleted the empty REVIEW_IN_PROGRESS stack the change set had made")
}

func (r *Runner) cleanupChangeSet(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := deleteChangeSet(ctx, r.CFN, id); err != nil && !changeSetGone(err) {
		r.Log.Warn().Err(err).Str("change_set", id).Msg("could not delete change set")
	}
}
