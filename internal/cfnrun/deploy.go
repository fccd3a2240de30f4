package cfnrun

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// One assumes the role and runs the change-set lifecycle once, then writes
// the report. The result is for the caller to present.
func One(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (*cfn.Result, error) {
	// A deploy reads no identity STS alone knows unless it packages local
	// code (bucket and prefix carry accounts) or must check an execution
	// role's account without a role to name it: otherwise asking would cost
	// every run a round trip.
	o.Assume.Assume.SourceOnDemand = !o.PackLocal && (len(o.Assume.Assume.RoleARNs) > 0 || o.Deploy.ExecRoleARN == "")
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return nil, err
	}
	if err := settings.ExecRoleIn("--cfn-role-arn", o.Deploy.ExecRoleARN, s.Target.Account); err != nil {
		return nil, err
	}
	res, err := deployTarget(ctx, e, s, o, o.Deploy, o.Outputs, e.Presenter(log, ""), log, "")
	id := report.TargetID(s.Target.Account, s.Config.Region)
	rep := report.NewRun(o.Report.Files(), report.CommandLine("cfn deploy", o.Deploy.DryRun, ""), []string{id})
	rep.CFN(id, o.Deploy.Stack, res, err)
	if werr := rep.Write(e.Files); werr != nil && err == nil {
		err = werr
	}
	return res, err
}
