package cfnrun

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Execute executes each planned change set in its target account, in the
// plan's waves. The summary is for the caller to present.
func Execute(ctx context.Context, e *runenv.Env, o ExecuteOptions, log zerolog.Logger) (targets.Summary, error) {
	fl, err := e.Fleet(ctx, o.Assume, log)
	if err != nil {
		return targets.Summary{}, err
	}
	opts := o.Fleet.Opts
	opts.Progress = targets.LogProgress{Log: log}
	return o.Plan.Execute(ctx, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		res, err := executeOne(ctx, e, fl, o, t, tlog)
		r := targets.DeployResult(ctx, res, err)
		r.Stack = t.Stack
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	}), nil
}

func executeOne(ctx context.Context, e *runenv.Env, fl *targets.Fleet, o ExecuteOptions, t targets.Target, log zerolog.Logger) (*cfn.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	// The preview's guards, checked again against the change set itself.
	d := cfn.DeployOptions{Stack: t.Stack, ExecRoleARN: t.CfnRoleARN, DisableRollback: o.DisableRollback,
		Guards: cfn.Guards{AllowReplacement: o.Plan.AllowReplacement, AllowDelete: o.Plan.AllowDelete}}
	p := e.Presenter(log, t.ID())
	runner := &cfn.Runner{CFN: e.Clients.CFN(s.Config), Log: log, Report: p, Region: s.Config.Region, CancelOnInterrupt: o.CancelOnInterrupt}
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	want := cfn.Reviewed{ChangeSetARN: t.ChangeSetARN, StackID: t.Review.StackID, StackStatus: t.Review.StackStatus,
		LastEventID: t.Review.LastEventID, ChangeDigest: t.Review.ChangeDigest}
	if t.Review.StackUpdated != nil {
		want.StackUpdated = *t.Review.StackUpdated
	}
	res, err := runner.ExecutePlanned(ctx, d, want)
	if err != nil {
		return res, err
	}
	p.Outputs(t.Stack, res.Outputs)
	files := settings.Outputs{File: targets.Fill(o.Outputs.File, t), Env: targets.Fill(o.Outputs.Env, t), Prefix: o.Outputs.Prefix}
	if err := e.WriteOutputs(t.ID(), files, output.StackOutputs(res.Outputs), log); err != nil {
		return res, fmt.Errorf("%s: %w", t.ID(), err)
	}
	return res, nil
}
