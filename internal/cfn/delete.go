package cfn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// DeleteOptions is a validated "cfn delete".
type DeleteOptions struct {
	Stack       string
	ExecRoleARN string
	Retain      []string // logical ids to keep; only allowed on DELETE_FAILED stacks
	ClientToken string
}

// Delete deletes the stack with the execution role and waits for the end.
// A stack that does not exist is success: the goal state holds.
func (r *Runner) Delete(ctx context.Context, o DeleteOptions) (string, error) {
	st, err := r.describeStack(ctx, o.Stack)
	if err != nil {
		return "", err
	}
	if st == nil {
		r.Log.Info().Str("stack", o.Stack).Str("account", r.Account).Str("region", r.Region).
			Msg("stack does not exist: nothing to delete (if it lives in another region, pass --region)")
		return "DELETE_COMPLETE", nil
	}
	if aws.ToBool(st.EnableTerminationProtection) {
		return string(st.StackStatus), fmt.Errorf("stack %s has termination protection enabled; turn it off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name %s", o.Stack, o.Stack)
	}
	if s := string(st.StackStatus); strings.HasSuffix(s, "_IN_PROGRESS") && s != "REVIEW_IN_PROGRESS" {
		r.Log.Info().Str("stack", o.Stack).Str("status", s).Msg("another operation is running on the stack; waiting for it to settle")
		f := newFollower(r.CFN, aws.ToString(st.StackId), r.printEvent)
		if err := f.prime(ctx); err != nil {
			return "", err
		}
		if st, err = r.follow(ctx, f, o.Stack); err != nil {
			return "", err
		}
	}
	r.Log.Info().Str("stack", o.Stack).Msg("deleting stack")
	if err := r.deleteAndWait(ctx, st, o.ExecRoleARN, o.Retain, o.ClientToken); err != nil {
		return "", err
	}
	r.Log.Info().Str("stack", o.Stack).Msg("stack deleted")
	return "DELETE_COMPLETE", nil
}

// deleteAndWait deletes by stack id (so the wait can still read a deleted
// stack) and fails with the resources that could not be deleted.
func (r *Runner) deleteAndWait(ctx context.Context, st *types.Stack, role string, retain []string, token ...string) error {
	id := aws.ToString(st.StackId)
	name := aws.ToString(st.StackName)
	f := newFollower(r.CFN, id, r.printEvent)
	f.deleting = true
	if err := f.prime(ctx); err != nil {
		return err
	}
	in := &cloudformation.DeleteStackInput{StackName: aws.String(id), RetainResources: retain}
	if role != "" {
		in.RoleARN = aws.String(role)
	}
	if len(token) > 0 && token[0] != "" {
		in.ClientRequestToken = aws.String(token[0])
	}
	if _, err := r.CFN.DeleteStack(ctx, in); err != nil {
		return fmt.Errorf("delete stack %s: %w", name, err)
	}
	final, err := r.follow(ctx, f, name)
	if err != nil {
		return err
	}
	if s := string(final.StackStatus); s != "DELETE_COMPLETE" {
		return r.deleteFailure(name, s, f)
	}
	return nil
}

func (r *Runner) deleteFailure(name, status string, f *follower) error {
	var ids []string
	for _, e := range f.rootCause(20) {
		if id := aws.ToString(e.LogicalResourceId); id != name && aws.ToString(e.ResourceType) != stackType {
			ids = append(ids, id)
		}
	}
	base := r.failure(name, status, f).Error()
	if len(ids) == 0 {
		return fmt.Errorf("%s", base)
	}
	return fmt.Errorf("%s\n  to finish the delete keeping them: deployer cfn delete --stack %s --retain %s", base, name, strings.Join(ids, " --retain "))
}

// stackGone reports whether err is CloudFormation saying the stack does not
// exist ("Stack with id ... does not exist", ValidationError). Waiting on a
// delete by stack id, that is the delete's end: CloudFormation keeps deleted
// stacks readable by id for a while, but not always (and not every
// emulator), and then answers so.
func stackGone(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ValidationError" && strings.Contains(api.ErrorMessage(), "does not exist")
}

// deletedStack is what a delete's wait returns when the stack is gone.
func deletedStack(f *follower, name string) *types.Stack {
	return &types.Stack{StackId: aws.String(f.root), StackName: aws.String(name), StackStatus: types.StackStatusDeleteComplete}
}
