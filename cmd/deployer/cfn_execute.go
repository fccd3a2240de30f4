package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// executeOptions is a parsed "cfn execute".
type executeOptions struct {
	assume            settings.AssumeConfig
	planFile          string
	plan              *targets.Plan
	run               fanoutSettings
	outputs           settings.Outputs
	timeout           time.Duration
	disableRollback   bool
	cancelOnInterrupt bool
}

var cfnExecuteSpec = spec{
	name: "cfn execute",
	summary: "Executes exactly the change sets of a plan written by \"cfn deploy --targets --dry-run --plan-file\", in the same waves. " +
		"A change set that is gone or whose stack moved on fails its target; nothing is planned again.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &executeOptions{}
		return func(s *settings.Set) { a.declareExecute(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runExecute(ctx, o, log) }
	},
}

func (a *app) declareExecute(s *settings.Set, o *executeOptions) {
	settings.Assume(s, &o.assume, a.host)
	settings.PlanFile.Bind(s, &o.planFile)
	settings.FanoutRunGroup(s, &o.run.Fanout)
	settings.OutputsGroup(s, &o.outputs, false)
	settings.Timeout(s, &o.timeout)
	settings.DisableRollback.Bind(s, &o.disableRollback)
	settings.CancelOnInterrupt.Bind(s, &o.cancelOnInterrupt)
	s.After(func() error {
		if o.planFile == "" {
			return exitcode.Usagef("--plan-file: no plan given (expected --plan-file FILE from cfn deploy --targets --dry-run --plan-file)")
		}
		if err := settings.RegularFile(o.planFile); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
		}
		data, err := os.ReadFile(o.planFile)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
		}
		if o.plan, err = targets.DecodePlan(data, o.planFile); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
		}
		for flag, path := range map[string]string{"outputs-file": o.outputs.File, "outputs-env": o.outputs.Env} {
			if err := checkPlaceholders(s.Source(flag), path, o.plan.Schedule()); err != nil {
				return err
			}
		}
		tol := targets.Tolerance{}
		if o.plan.FailureTolerance != "" {
			if tol, err = targets.ParseTolerance(o.plan.FailureTolerance); err != nil {
				return exitcode.Usagef("%s: failure_tolerance: %v", s.Source("plan-file"), err)
			}
		}
		return o.run.runOptions(s, o.plan.MaxConcurrency, tol)
	})
}

// runExecute executes each planned change set in its target account.
func (a *app) runExecute(ctx context.Context, o *executeOptions, log zerolog.Logger) error {
	fl, err := a.newFleet(ctx, o.assume, log)
	if err != nil {
		return err
	}
	opts := o.run.opts
	opts.Progress = targets.LogProgress{Log: log}
	deploy := &deployOptions{timeout: o.timeout, cancelOnInterrupt: o.cancelOnInterrupt}
	sum := o.plan.Execute(ctx, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		res, err := a.executeOne(ctx, fl, deploy, o, t, tlog)
		r := targets.DeployResult(ctx, res, err)
		r.Stack = t.Stack
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	return a.finish(ctx, &o.run, sum)
}

func (a *app) executeOne(ctx context.Context, fl *targets.Fleet, o *deployOptions, eo *executeOptions, t targets.Target, log zerolog.Logger) (*cfn.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	// The preview's guards, checked again against the change set itself.
	d := cfn.DeployOptions{Stack: t.Stack, ExecRoleARN: t.CfnRoleARN, DisableRollback: eo.disableRollback,
		Guards: cfn.Guards{AllowReplacement: eo.plan.AllowReplacement, AllowDelete: eo.plan.AllowDelete}}
	p := a.presenter(log, t.ID())
	runner := &cfn.Runner{CFN: a.clients.cfn(s.Config), Log: log, Report: p, Region: s.Config.Region, CancelOnInterrupt: o.cancelOnInterrupt}
	ctx, cancel := withTimeout(ctx, o.timeout)
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
	files := settings.Outputs{File: targets.Fill(eo.outputs.File, t), Env: targets.Fill(eo.outputs.Env, t), Prefix: eo.outputs.Prefix}
	if err := a.writeOutputs(t.ID(), files, outputStrings(res), log); err != nil {
		return res, fmt.Errorf("%s: %w", t.ID(), err)
	}
	return res, nil
}
