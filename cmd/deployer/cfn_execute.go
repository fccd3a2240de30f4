package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cfnExecuteSpec = spec{
	name: "cfn execute",
	summary: "Executes exactly the change sets of a plan written by \"cfn deploy --targets --dry-run --plan-file\", in the same waves. " +
		"A change set that is gone or whose stack moved on fails its target; nothing is planned again.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &cfnrun.ExecuteOptions{}
		return func(s *settings.Set) { a.declareExecute(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runExecute(ctx, o, log) }
	},
}

func (a *app) declareExecute(s *settings.Set, o *cfnrun.ExecuteOptions) {
	settings.Assume(s, &o.Assume, a.host)
	settings.PlanFile.Bind(s, &o.Fleet.PlanFile)
	settings.FanoutRunGroup(s, &o.Fleet.Fanout)
	settings.OutputsGroup(s, &o.Outputs, false)
	settings.Timeout(s, &o.Timeout)
	settings.DisableRollback.Bind(s, &o.DisableRollback)
	settings.CancelOnInterrupt.Bind(s, &o.CancelOnInterrupt)
	s.After(func() (err error) {
		o.Plan, err = settings.ResolveExecute(s, &o.Fleet, o.Outputs)
		return err
	})
}

// runExecute executes each planned change set in its target account.
func (a *app) runExecute(ctx context.Context, o *cfnrun.ExecuteOptions, log zerolog.Logger) error {
	sum, err := cfnrun.Execute(ctx, a.runEnv(), *o, log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.Fleet, sum)
}
