package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/id"
	"github.com/deployer-dev/deployer/internal/settings"
)

// deleteOptions is a parsed and validated "cfn delete".
type deleteOptions struct {
	assume  settings.AssumeConfig
	target  settings.Target
	retain  []string
	timeout time.Duration
}

var cfnDeleteSpec = spec{
	name:    "cfn delete",
	summary: "Deletes a stack with the execution role and waits for it. The deploy command line is accepted too (its deploy-only flags are ignored), so one line serves every ACTION.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &deleteOptions{}
		return func(s *settings.Set) {
				settings.Assume(s, &o.assume, a.host)
				settings.TargetGroup(s, &o.target, &o.assume)
				s.List(settings.Decl{Flag: "retain", Env: "DEPLOYER_RETAIN", Value: "LOGICAL_ID",
					Help: "resource to keep when finishing a DELETE_FAILED stack, repeatable"}, &o.retain, func(ids []string) error {
					for _, id := range ids {
						if !cfn.ValidLogicalID(id) {
							return fmt.Errorf("%q is not a logical id (expected letters and digits)", id)
						}
					}
					return nil
				})
				settings.Timeout(s, &o.timeout)
				s.IgnoreFrom(func(other *settings.Set) { a.declareDeploy(other, &deployOptions{}) })
			},
			func(ctx context.Context, log zerolog.Logger) error { return a.runDelete(ctx, o, log) }
	},
}

func (a *app) runDelete(ctx context.Context, o *deleteOptions, log zerolog.Logger) error {
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	if err := settings.ExecRoleIn("--cfn-role-arn", o.target.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	runner := &cfn.Runner{CFN: a.clients.cfn(s.Config), Log: log, Report: a.presenter(log, ""), Region: s.Config.Region, Account: s.Target.Account}
	_, err = runner.Delete(ctx, cfn.DeleteOptions{
		Stack: o.target.Stack, ExecRoleARN: o.target.ExecRoleARN, Retain: o.retain,
		ClientToken: id.New("deployer-delete"),
	})
	return err
}
