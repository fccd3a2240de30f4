package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
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
	run              fanoutSettings
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
			return o.run.runOptions(s, 0, targets.Tolerance{})
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

// resolveStackset reads the template, parameters and targets file.
func (a *app) resolveStackset(s *settings.Set, o *stacksetOptions) error {
	if o.own.Name == "" {
		return exitcode.Usagef("--stack-set: no name given (expected --stack-set NAME)")
	}
	if o.def.Template == "" || o.run.Targets == "" {
		return exitcode.Usagef("--template and --targets: both are needed (expected --template FILE --targets FILE)")
	}
	tmpl, err := settings.LoadTemplate(o.def.Template, o.assume.KnownRegion(a.environ))
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	if err := o.run.load(s); err != nil {
		return err
	}
	in, err := settings.Parameters(s.Source("parameters"), s.Source("parameter"), o.def.ParamFiles, o.def.ParamKVs)
	if err != nil {
		return err
	}
	waves, prefs, err := stackset.FromTargets(o.run.file, o.run.waves, func(files []string) ([]types.Parameter, error) {
		tin, err := settings.Parameters("parameters of a target", "--parameter", files, nil)
		return cfn.ParameterList(tin.Values), err
	})
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), err)
	}
	r := stackset.Request{
		Definition: stackset.Definition{
			Name: o.own.Name, Template: string(tmpl.Body), TemplateURL: tmpl.URL, Parameters: cfn.ParameterList(in.Values),
			AdministrationRoleARN: o.own.AdminRole, ExecutionRoleName: o.own.ExecRole, CallAs: types.CallAs(o.callAs), Description: "deployed by deployer",
		},
		Capabilities: o.def.Caps, ServiceManaged: o.own.Permission == "service-managed", AutoDeployment: o.own.AutoDeploy,
		RetainStacksOnAccountRemoval: o.own.RetainOnRemoval, Removal: stackset.Removal(o.own.Removal), Parallel: o.own.Parallel,
	}
	if s.From("max-concurrency") != "" {
		r.MaxConcurrency = &stackset.Limit{N: o.run.opts.MaxConcurrency}
	}
	if t := o.run.opts.Tolerance; s.From("failure-tolerance") != "" {
		r.FailureTolerance = &stackset.Limit{N: t.Count}
		if t.IsPercent {
			r.FailureTolerance = &stackset.Limit{N: t.Percent, Percent: true}
		}
	}
	tags, err := settings.StackTags(s.Source("tag"), o.def.Tags)
	if err != nil {
		return err
	}
	r.Definition.Tags = cfn.TagList(tags)
	if o.input, err = stackset.Build(r, waves, prefs); err != nil {
		return exitcode.Usagef("%v", err)
	}
	return nil
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
			Preferences: stackset.Preferences{MaxConcurrency: stackset.Limit{N: o.run.opts.MaxConcurrency}}},
	}
}
