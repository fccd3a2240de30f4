package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// checkTargets: with --targets, every selected stack must be placeable in
// every target: an environment-agnostic stack goes anywhere, a stack pinned
// at synth only to its own account and region. The outputs files need
// {account} and {region}. All before any call.
func (o *cdkDeployOptions) checkTargets(s *settings.Set) error {
	if o.fanout.File == nil {
		return nil
	}
	for _, t := range targets.Flatten(o.fanout.Waves) {
		for _, st := range o.asm.stacks {
			if !st.Environment.Admits(cdk.Environment{Account: t.Account, Region: t.Region}) {
				return exitcode.Usagef("%s: stack %s is pinned to %s at synth, so it cannot go to target %s (expected environment-agnostic stacks: no env in the app, or one targets file entry per pinned environment)",
					s.Source("targets"), st.DisplayName, st.Environment, t.ID())
			}
		}
	}
	if err := checkPlaceholders(s.Source("outputs-file"), o.outputs.File, o.fanout.Waves); err != nil {
		return err
	}
	return checkPlaceholders(s.Source("outputs-env"), o.outputs.Env, o.fanout.Waves)
}

// runCDKFanout deploys the selected stacks to every target of the targets
// file, in waves: each target's roles and buckets are the manifest's,
// placed in that target's account and region; a role line in the file is
// assumed first and, being in the target's account, then used instead.
func (a *app) runCDKFanout(ctx context.Context, o *cdkDeployOptions, log zerolog.Logger) error {
	fl, err := a.newFleet(ctx, o.assume, log)
	if err != nil {
		return err
	}
	opts := o.fanout.Opts
	opts.Progress = targets.LogProgress{Log: log}
	if o.exec != nil {
		return a.finish(ctx, &o.fanout, a.executeCDKPlan(ctx, fl, o, opts, log))
	}
	sum := targets.Run(ctx, o.fanout.Waves, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		res, err := a.cdkTarget(ctx, fl, o, t, tlog)
		r := targets.DeployResult(ctx, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if o.plan != nil {
		if err := a.writeCDKPlan(o, sum, log); err != nil {
			return err
		}
	}
	return a.finish(ctx, &o.fanout, sum)
}

// cdkTarget runs one target and folds its stacks into one result: no
// changes only when no stack changed.
func (a *app) cdkTarget(ctx context.Context, fl *targets.Fleet, o *cdkDeployOptions, t targets.Target, log zerolog.Logger) (*cfn.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	results, err := a.cdkIn(ctx, o, s, cdk.Environment{Account: t.Account, Region: t.Region}, t.ID(), log)
	if o.plan != nil {
		o.plan.add(t.ID(), cdk.PlanStacks(ctx, results, o.deploy))
	}
	return cdk.Folded(results), err
}
