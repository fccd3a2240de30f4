package cdk

import (
	"context"

	"github.com/deployer-dev/deployer/internal/targets"
)

// PlanStacks records one target's preview (Deploy with DryRun and
// KeepChangeSet) as the stacks of a cdk plan entry, in the results' order,
// which is the dependency order: each stack's name, the deploy role that
// made its change set and the execution role it names (--cfn-role-arn over
// the manifest's, as deployStack chose), its status, change set, counts and
// what the preview saw.
func PlanStacks(ctx context.Context, results []StackResult, o Options) []targets.PlanStack {
	out := make([]targets.PlanStack, 0, len(results))
	for _, sr := range results {
		r := targets.DeployResult(ctx, sr.Result, sr.Err)
		exec := sr.Stack.ExecutionRoleARN
		if o.ExecRoleARN != "" {
			exec = o.ExecRoleARN
		}
		out = append(out, targets.PlanStack{Stack: sr.Stack.StackName, RoleARN: sr.Stack.DeployRoleARN, CfnRoleARN: exec,
			Status: r.Status, ChangeSetARN: r.ChangeSetARN, Changes: r.Counts, Review: r.Review})
	}
	return out
}
