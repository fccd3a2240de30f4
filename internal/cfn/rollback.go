package cfn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// rollbackContinuer is the one call --continue-update-rollback needs;
// *cloudformation.Client has it. It is asked for only when the flag is set,
// so fakes of API need not carry it.
type rollbackContinuer interface {
	ContinueUpdateRollback(ctx context.Context, in *cloudformation.ContinueUpdateRollbackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ContinueUpdateRollbackOutput, error)
}

// continueRollback asks CloudFormation to finish the rollback of a stack
// left UPDATE_ROLLBACK_FAILED, with the execution role, as the old
// pipeline's operator did by hand. settle then waits for it and updates the
// stack from UPDATE_ROLLBACK_COMPLETE.
func (r *Runner) continueRollback(ctx context.Context, o DeployOptions) error {
	c, ok := r.CFN.(rollbackContinuer)
	if !ok {
		return fmt.Errorf("stack %s is UPDATE_ROLLBACK_FAILED and this CloudFormation client cannot continue the rollback", o.Stack)
	}
	in := &cloudformation.ContinueUpdateRollbackInput{StackName: aws.String(o.Stack), ClientRequestToken: aws.String(r.token())}
	if o.ExecRoleARN != "" {
		in.RoleARN = aws.String(o.ExecRoleARN)
	}
	r.Log.Warn().Str("stack", o.Stack).Msg("stack is UPDATE_ROLLBACK_FAILED: a rollback could not finish; continuing it (--continue-update-rollback), then updating")
	if _, err := c.ContinueUpdateRollback(ctx, in); err != nil {
		return fmt.Errorf("continue the rollback of stack %s: %w", o.Stack, err)
	}
	return nil
}

// explainUpdate says in one line why a stack in a state a migrating
// pipeline may have left is updated as it is.
func (r *Runner) explainUpdate(stack, status string) {
	if status == "UPDATE_ROLLBACK_COMPLETE" {
		r.Log.Info().Str("stack", stack).Str("status", status).
			Msg("the stack's last update failed and was rolled back to its previous template; it is usable and is updated as usual")
	}
}
