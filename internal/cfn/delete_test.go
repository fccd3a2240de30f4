package cfn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

const execRole = "arn:aws:iam::111122223333:role/cfn-exec"

func deleteOptions() cfn.DeleteOptions {
	return cfn.DeleteOptions{Stack: stackName, ExecRoleARN: execRole, ClientToken: "delete-token"}
}

func TestDeleteAbsentStackSucceeds(t *testing.T) {
	h := newHarness(t)
	status, err := h.runner.Delete(context.Background(), deleteOptions())
	if err != nil || status != "DELETE_COMPLETE" {
		t.Fatalf("Delete = %q, %v; want DELETE_COMPLETE, nil", status, err)
	}
	if got, want := h.api.methods(), []string{"DescribeStacks"}; !cmp.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

func TestDeleteRefusesTerminationProtection(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.protected = true

	_, err := h.runner.Delete(context.Background(), deleteOptions())
	if err == nil || !strings.Contains(err.Error(), "termination protection") ||
		!strings.Contains(err.Error(), "update-termination-protection --no-enable-termination-protection --stack-name app") {
		t.Fatalf("err = %v, want termination protection named with the command that lifts it", err)
	}
	if n := h.api.count("DeleteStack"); n != 0 {
		t.Errorf("DeleteStack called %d times, want 0", n)
	}
}

func TestDeleteStack(t *testing.T) {
	cases := map[string]struct {
		status types.StackStatus
		retain []string
	}{
		"complete stack":            {status: types.StackStatusUpdateComplete},
		"failed first create":       {status: types.StackStatusRollbackComplete},
		"delete failed, retain one": {status: types.StackStatusDeleteFailed, retain: []string{"Bucket"}},
		"empty review stack":        {status: types.StackStatusReviewInProgress},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(tc.status)
			id := h.sim.id
			o := deleteOptions()
			o.Retain = tc.retain

			status, err := h.runner.Delete(context.Background(), o)
			if err != nil || status != "DELETE_COMPLETE" {
				t.Fatalf("Delete = %q, %v; want DELETE_COMPLETE, nil", status, err)
			}
			want := []*cloudformation.DeleteStackInput{{
				StackName: aws.String(id), RoleARN: aws.String(execRole),
				ClientRequestToken: aws.String("delete-token"), RetainResources: tc.retain,
			}}
			if diff := cmp.Diff(want, inputsOf[cloudformation.DeleteStackInput](h.api, "DeleteStack"), ignoreSDK); diff != "" {
				t.Errorf("DeleteStack inputs (-want +got):\n%s", diff)
			}
			if !h.sim.gone[id] {
				t.Errorf("stack %s not deleted", id)
			}
		})
	}
}

// A delete waits for the operation in progress to settle first, rather than
// fail on CloudFormation's refusal.
func TestDeleteWaitsForOperationInProgress(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusCreateComplete)
	h.sim.start(h.sim.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete))
	deleteStack := h.api.DeleteStackFn
	h.api.DeleteStackFn = func(ctx context.Context, in *cloudformation.DeleteStackInput) (*cloudformation.DeleteStackOutput, error) {
		if h.sim.op != nil {
			t.Errorf("DeleteStack called while the stack is %s", h.sim.current())
		}
		return deleteStack(ctx, in)
	}

	if status, err := h.runner.Delete(context.Background(), deleteOptions()); err != nil || status != "DELETE_COMPLETE" {
		t.Fatalf("Delete = %q, %v; want DELETE_COMPLETE, nil", status, err)
	}
}

// A delete that fails names the resources and the command that finishes it.
func TestDeleteFailureSuggestsRetain(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.onDelete = func() *operation {
		s := h.sim
		return &operation{inProgress: types.StackStatusDeleteInProgress, final: types.StackStatusDeleteFailed, pending: []types.StackEvent{
			s.rootEvent(types.StackStatusDeleteInProgress, "User Initiated"),
			s.resourceEvent("Queue", types.ResourceStatusDeleteComplete, ""),
			s.resourceEvent("Bucket", types.ResourceStatusDeleteFailed, "The bucket you tried to delete is not empty"),
			s.rootEvent(types.StackStatusDeleteFailed, "The following resource(s) failed to delete: [Bucket]. "),
		}}
	}

	_, err := h.runner.Delete(context.Background(), deleteOptions())
	if got := exitcode.Of(err); got != exitcode.Failed {
		t.Fatalf("exit code = %d, want %d (err %v)", got, exitcode.Failed, err)
	}
	want := "stack app ended in DELETE_FAILED; root cause:\n" +
		"  Bucket (AWS::S3::Bucket): DELETE_FAILED: The bucket you tried to delete is not empty\n" +
		"  to finish the delete keeping them: deployer cfn delete --stack app --retain Bucket"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}
