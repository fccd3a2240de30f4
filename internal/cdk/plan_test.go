package cdk

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/targets"
)

// A preview's stacks become a cdk entry's stacks in order, each with the
// roles that made and will run its change set and what the preview saw.
func TestPlanStacksKeepsOrderRolesAndReview(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	producer := &Stack{StackName: "Producer", DeployRoleARN: "arn:aws:iam::111111111111:role/deploy",
		ExecutionRoleARN: "arn:aws:iam::111111111111:role/exec"}
	consumer := &Stack{StackName: "Consumer", DeployRoleARN: "arn:aws:iam::111111111111:role/deploy"}
	cs := "arn:aws:cloudformation:us-east-1:111111111111:changeSet/deployer-x-0a1b2c3d/1"
	results := []StackResult{
		{Stack: producer, Result: &cfn.Result{ChangeSetID: cs, Changes: []cfn.Change{{Action: "Add"}, {Action: "Modify", Replacement: "True"}},
			Review: &cfn.Reviewed{ChangeSetARN: cs, StackID: "arn:stack", StackStatus: "UPDATE_COMPLETE", StackUpdated: at, ChangeDigest: "sha256:ab"}}},
		{Stack: consumer, Result: &cfn.Result{NoChanges: true}},
	}
	got := PlanStacks(context.Background(), results, Options{})
	if len(got) != 2 || got[0].Stack != "Producer" || got[1].Stack != "Consumer" {
		t.Fatalf("stacks = %+v", got)
	}
	p := got[0]
	if p.Status != targets.Succeeded || p.ChangeSetARN != cs || p.CfnRoleARN != producer.ExecutionRoleARN || p.RoleARN != producer.DeployRoleARN ||
		p.Changes != (targets.Counts{Add: 1, Modify: 1, Replace: 1}) || p.StackID != "arn:stack" || !p.StackUpdated.Equal(at) {
		t.Errorf("producer = %+v", p)
	}
	if got[1].Status != targets.NoChanges || got[1].ChangeSetARN != "" {
		t.Errorf("consumer = %+v", got[1])
	}
	// --cfn-role-arn wins, as it did when the change set was made; a
	// failed stack is recorded failed (the plan is then not written).
	results[1] = StackResult{Stack: consumer, Err: errors.New("boom")}
	got = PlanStacks(context.Background(), results, Options{ExecRoleARN: "arn:aws:iam::111111111111:role/given"})
	if got[0].CfnRoleARN != "arn:aws:iam::111111111111:role/given" || got[1].Status != targets.Failed {
		t.Errorf("stacks = %+v", got)
	}
}
