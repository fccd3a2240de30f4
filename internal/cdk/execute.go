package cdk

import (
	"context"
	"fmt"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

// ExecutePlan runs one target's cdk plan entry: the planned stacks found
// among o.Stacks placed in o.Env (each with the deploy role the preview
// used), their assets published with the bootstrap checked, then each
// planned change set executed in the entry's (dependency) order, after
// checking it is what was reviewed (cfn.Runner.ExecutePlanned). A stack
// that fails stops the stacks after it. Nothing is planned again.
func ExecutePlan(ctx context.Context, deps Deps, o RunOptions, entry targets.PlanTarget) ([]StackResult, error) {
	byName := map[string]*Stack{}
	for _, st := range o.Stacks {
		p := st.In(o.Env)
		byName[p.StackName] = p
	}
	stacks := make([]*Stack, 0, len(entry.Stacks))
	for _, ps := range entry.Stacks {
		st := byName[ps.Stack]
		switch {
		case st == nil:
			return nil, exitcode.Usagef("stack %s of the plan is not among the selected stacks of the assembly (expected the cdk.out and stacks the preview read)", ps.Stack)
		case st.DeployRoleARN != ps.RoleARN:
			return nil, exitcode.Usagef("stack %s: the plan's deploy role %s is not the assembly's %s (expected the cdk.out the preview read)", ps.Stack, ps.RoleARN, st.DeployRoleARN)
		}
		stacks = append(stacks, st)
	}
	pub := &Publisher{Access: deps.Access, Log: deps.Log, Concurrency: o.AssetParallelism, Docker: o.Docker, DockerEnv: o.DockerEnv, Builds: o.ImageBuilds, NewS3: deps.NewS3}
	d := &Deployer{Access: deps.Access, Publisher: pub, SourceAccount: o.SourceAccount, SourceIdentity: deps.SourceIdentity, Log: deps.Log, Runner: deps.Runner}
	if _, err := d.Publish(ctx, stacks); err != nil {
		return nil, bootstrapExit(err)
	}
	results := make([]StackResult, 0, len(stacks))
	for i, ps := range entry.Stacks {
		st := stacks[i]
		sr := StackResult{Stack: st}
		if ps.Status != targets.Succeeded {
			sr.Result = &cfn.Result{NoChanges: true}
			results = append(results, sr)
			continue
		}
		cfg, err := deps.Access.Config(ctx, st.DeployRoleARN, st.DeployRoleExternalID, st.Environment.Region)
		if err != nil {
			return results, fmt.Errorf("%s: deploy role: %w", st.DisplayName, err)
		}
		want := cfn.Reviewed{ChangeSetARN: ps.ChangeSetARN, StackID: ps.StackID, StackStatus: ps.StackStatus,
			LastEventID: ps.LastEventID, ChangeDigest: ps.ChangeDigest}
		if ps.StackUpdated != nil {
			want.StackUpdated = *ps.StackUpdated
		}
		sr.Result, sr.Err = deps.Runner(cfg, st.Environment.Region).ExecutePlanned(ctx, cfn.DeployOptions{Stack: st.StackName,
			ExecRoleARN: ps.CfnRoleARN, Guards: cfn.Guards{AllowReplacement: true, AllowDelete: true}}, want)
		results = append(results, sr)
		if sr.Err != nil {
			return results, fmt.Errorf("%s: %w", st.DisplayName, sr.Err)
		}
	}
	return results, nil
}
