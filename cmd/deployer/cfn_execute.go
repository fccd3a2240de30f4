package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// executeOptions is a parsed "cfn execute".
type executeOptions struct {
	assume            settings.AssumeConfig
	planFile          string
	plan              *targets.Plan
	run               settings.Fleet
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
		var err error
		if o.plan, err = settings.ReadPlan(s.Source("plan-file"), o.planFile); err != nil {
			return err
		}
		if err := o.plan.Only(targets.KindCfn); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
		}
		if err := o.outputs.PerTarget(s, o.plan.Schedule()); err != nil {
			return err
		}
		tol := targets.Tolerance{}
		if o.plan.FailureTolerance != "" {
			if tol, err = targets.ParseTolerance(o.plan.FailureTolerance); err != nil {
				return exitcode.Usagef("%s: failure_tolerance: %v", s.Source("plan-file"), err)
			}
		}
		return o.run.RunOptions(s, o.plan.MaxConcurrency, tol)
	})
}

// runExecute executes each planned change set in its target account.
func (a *app) runExecute(ctx context.Context, o *executeOptions, log zerolog.Logger) error {
	sum, err := cfnrun.Execute(ctx, a.runEnv(), cfnrun.ExecuteOptions{
		Assume: o.assume, Plan: o.plan, Run: o.run.Opts, Outputs: o.outputs, Timeout: o.timeout,
		DisableRollback: o.disableRollback, CancelOnInterrupt: o.cancelOnInterrupt,
	}, log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.run, sum)
}
