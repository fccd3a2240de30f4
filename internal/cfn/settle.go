package cfn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// settle looks at the stack before anything is made: waits out operations
// in progress, removes a failed first create, and refuses a stack that needs
// a human. It returns the stack (nil if absent) and whether to CREATE. What
// l read of the stack is forgotten once the stack changed under it.
func (r *Runner) settle(ctx context.Context, o DeployOptions, l *look) (*types.Stack, bool, error) {
	continued := false
	for {
		st, err := l.describe(ctx, r, o.Stack)
		if err != nil {
			return nil, false, err
		}
		status := ""
		if st != nil {
			status = string(st.StackStatus)
		}
		switch decideStart(status) {
		case startCreate:
			if o.MustExist != "" {
				return nil, false, r.missingStack(o)
			}
			return nil, true, nil
		case startUpdate:
			r.explainUpdate(o.Stack, status)
			return st, false, nil
		case startReuseReview:
			r.Log.Info().Str("stack", o.Stack).Msg("stack is REVIEW_IN_PROGRESS with nothing executed: creating it with a new change set")
			return st, true, nil
		case startStuck:
			if status != "UPDATE_ROLLBACK_FAILED" || !o.ContinueUpdateRollback || continued {
				return nil, false, stuckError(o, status)
			}
			continued = true
			l.forget()
			if err := r.continueRollback(ctx, o); err != nil {
				return nil, false, err
			}
		case startWait:
			r.Log.Info().Str("stack", o.Stack).Str("status", status).Msg("another operation is running on the stack; waiting for it to settle")
			l.forget()
			f := newFollower(r.CFN, aws.ToString(st.StackId), r.printEvent)
			if err := f.prime(ctx); err != nil {
				return nil, false, err
			}
			if _, err := r.follow(ctx, f, o.Stack); err != nil {
				return nil, false, err
			}
		case startRecreate:
			if o.NoRecreate {
				return nil, false, exitcode.Guard(fmt.Errorf("stack %s is %s from a failed first create, and --no-recreate forbids deleting it (expected a person to look, or a run without --no-recreate)", o.Stack, status))
			}
			r.Log.Warn().Str("stack", o.Stack).Str("status", status).Msg("stack is left over from a failed first create; deleting it to create it again")
			l.forget()
			if err := r.deleteAndWait(ctx, st, o.ExecRoleARN, nil); err != nil {
				return nil, false, err
			}
		}
	}
}

func stuckError(o DeployOptions, status string) error {
	switch status {
	case "UPDATE_ROLLBACK_FAILED":
		role := ""
		if o.ExecRoleARN != "" {
			role = " --role-arn " + o.ExecRoleARN
		}
		return fmt.Errorf("stack %s is UPDATE_ROLLBACK_FAILED and cannot be updated; fix the cause, then rerun with --continue-update-rollback, or run: aws cloudformation continue-update-rollback --stack-name %s%s (add --resources-to-skip LOGICAL_ID for resources that cannot roll back)", o.Stack, o.Stack, role)
	case "DELETE_FAILED":
		return fmt.Errorf("stack %s is DELETE_FAILED and cannot be updated; finish the delete with: deployer cfn delete --stack %s --retain LOGICAL_ID", o.Stack, o.Stack)
	}
	return fmt.Errorf("stack %s is %s and cannot be deployed until a person repairs it", o.Stack, status)
}
