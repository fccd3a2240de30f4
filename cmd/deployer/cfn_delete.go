package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cfnDeleteSpec = spec{
	name:    "cfn delete",
	summary: "Deletes a stack with the execution role and waits for it. The deploy command line is accepted too (its deploy-only flags are ignored), so one line serves every ACTION.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &cfnrun.DeleteOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.Assume, a.host)
				settings.TargetGroup(s, &o.Target, &o.Assume)
				s.List(settings.Decl{Flag: "retain", Env: "DEPLOYER_RETAIN", Value: "LOGICAL_ID",
					Help: "resource to keep when finishing a DELETE_FAILED stack, repeatable"}, &o.Retain, settings.LogicalIDs)
				settings.Timeout(s, &o.Timeout)
				s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &cfnrun.Options{}) })
			},
			func(ctx context.Context, log zerolog.Logger) error { return cfnrun.Delete(ctx, a.runEnv(), *o, log) }
	},
}
