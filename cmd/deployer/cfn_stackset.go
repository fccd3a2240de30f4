package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/stackset"
	"github.com/deployer-dev/deployer/internal/targets"
)

// stacksetOptions is a parsed "cfn stackset deploy|delete".
type stacksetOptions struct {
	assume           settings.AssumeConfig
	own              settings.StackSet
	def              settings.Definition
	callAs           string
	ifExists, dryRun bool
	run              settings.Fleet
	timeout          time.Duration
	input            stackset.Input
	report           settings.Report
}

var stacksetGroup = group{name: "cfn stackset",
	usage: "usage: deployer cfn stackset deploy|delete [flags]\n\nrun \"deployer cfn stackset <verb> -h\" for the flags of a verb.\n",
	noVerb: func(*app, *runLog) (string, string, error) {
		return noVerbError("cfn stackset: no verb given (expected deploy or delete)")
	}}

var stacksetDeploySpec = spec{
	name:    "cfn stackset deploy",
	summary: "Hands the targets file to CloudFormation StackSets: creates or updates the StackSet in this account and makes its stack instances match the file, wave by wave.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &stacksetOptions{}
		return func(s *settings.Set) { a.declareStackset(s, o, "deploy") },
			func(ctx context.Context, log zerolog.Logger) error { return a.runStacksetDeploy(ctx, o, log) }
	},
}

var stacksetDeleteSpec = spec{
	name:    "cfn stackset delete",
	summary: "Removes every stack instance of a StackSet, then the StackSet.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &stacksetOptions{}
		return func(s *settings.Set) { a.declareStackset(s, o, "delete") },
			func(ctx context.Context, log zerolog.Logger) error { return a.runStacksetDelete(ctx, o, log) }
	},
}

func (a *app) declareStackset(s *settings.Set, o *stacksetOptions, verb string) {
	settings.Assume(s, &o.assume, a.host)
	settings.StackSetName(s, &o.own)
	settings.CallAs.Bind(s, &o.callAs)
	settings.FanoutRunGroup(s, &o.run.Fanout)
	settings.Timeout(s, &o.timeout)
	if verb == "delete" {
		settings.StackSetDelete(s, &o.own)
		settings.IfExists.Bind(s, &o.ifExists)
		s.After(func() error {
			if o.own.Name == "" {
				return exitcode.Usagef("--stack-set: no name given (expected --stack-set NAME)")
			}
			return o.run.RunOptions(s, 0, targets.Tolerance{})
		})
		return
	}
	settings.Template.Bind(s, &o.def.Template)
	settings.TargetsFile.Bind(s, &o.run.Targets)
	settings.ParameterFiles.Bind(s, &o.def.ParamFiles)
	settings.ParameterOverrides.Bind(s, &o.def.ParamKVs)
	settings.CapabilityList.Bind(s, &o.def.Caps)
	settings.Tags.Bind(s, &o.def.Tags)
	settings.StackSetDeploy(s, &o.own)
	settings.DryRun.Bind(s, &o.dryRun)
	settings.ReportGroup(s, &o.report)
	s.After(func() error { return a.resolveStackset(s, o) })
}

// resolveStackset reads the template, parameters and targets file
// (settings.StackSetDeployInput).
func (a *app) resolveStackset(s *settings.Set, o *stacksetOptions) (err error) {
	o.input, o.run, err = settings.StackSetDeployInput(s, o.own, o.def, o.callAs, o.run.Fanout, o.assume.KnownRegion(a.environ))
	return err
}

func (a *app) runStacksetDeploy(ctx context.Context, o *stacksetOptions, log zerolog.Logger) error {
	sum, err := cfnrun.StackSetDeploy(ctx, a.runEnv(), o.engine(), log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.run, sum)
}

func (a *app) runStacksetDelete(ctx context.Context, o *stacksetOptions, log zerolog.Logger) error {
	sum, err := cfnrun.StackSetDelete(ctx, a.runEnv(), o.engine(), log)
	if err != nil {
		return err
	}
	return a.finish(ctx, &o.run, sum)
}

// engine is what cfnrun needs of the resolved settings.
func (o *stacksetOptions) engine() cfnrun.StackSetOptions {
	return cfnrun.StackSetOptions{
		Assume: o.assume, Name: o.own.Name, Input: o.input, DryRun: o.dryRun, Timeout: o.timeout, Report: o.report, TargetsFile: o.run.Targets,
		Delete: stackset.DeleteInput{Name: o.own.Name, CallAs: types.CallAs(o.callAs), RetainStacks: o.own.RetainStacks, IfExists: o.ifExists,
			Preferences: stackset.Preferences{MaxConcurrency: stackset.Limit{N: o.run.Opts.MaxConcurrency}}},
	}
}
