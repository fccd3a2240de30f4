package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

var stacksetGroup = group{name: "cfn stackset", noVerb: func(*app, *runLog) (string, string, error) {
	return noVerbError("cfn stackset: no verb given (expected deploy or delete)")
}}

var (
	stacksetDeploySpec = stacksetSpec("deploy", cfnrun.StackSetDeploy,
		"Hands the targets file to CloudFormation StackSets: creates or updates the StackSet in this account and makes its stack instances match the file, wave by wave.")
	stacksetDeleteSpec = stacksetSpec("delete", cfnrun.StackSetDelete, "Removes every stack instance of a StackSet, then the StackSet.")
)

// stacksetSpec is "cfn stackset VERB": run does the verb, and its
// instances are presented as a fan-out run.
func stacksetSpec(verb string, run stacksetRun, summary string) spec {
	return spec{name: "cfn stackset " + verb, summary: summary, build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &cfnrun.StackSetOptions{}
		return func(s *settings.Set) { a.declareStackset(s, o, verb) }, func(ctx context.Context, log zerolog.Logger) error {
			sum, err := run(ctx, a.runEnv(), *o, log)
			if err != nil {
				return err
			}
			return a.finish(ctx, &o.Fleet, sum)
		}
	}}
}

// stacksetRun is cfnrun.StackSetDeploy or cfnrun.StackSetDelete.
type stacksetRun func(context.Context, *runenv.Env, cfnrun.StackSetOptions, zerolog.Logger) (targets.Summary, error)

func (a *app) declareStackset(s *settings.Set, o *cfnrun.StackSetOptions, verb string) {
	settings.Assume(s, &o.Assume, a.host)
	settings.StackSetName(s, &o.Own)
	settings.CallAs.Bind(s, &o.CallAs)
	settings.FanoutRunGroup(s, &o.Fleet.Fanout)
	settings.Timeout(s, &o.Timeout)
	if verb == "delete" {
		settings.StackSetDelete(s, &o.Own)
		settings.IfExists.Bind(s, &o.IfExists)
		s.After(func() error { return settings.StackSetDeleteCheck(s, o.Own, &o.Fleet) })
		return
	}
	settings.Template.Bind(s, &o.Def.Template)
	settings.TargetsFile.Bind(s, &o.Fleet.Targets)
	settings.ParameterFiles.Bind(s, &o.Def.ParamFiles)
	settings.ParameterOverrides.Bind(s, &o.Def.ParamKVs)
	settings.CapabilityList.Bind(s, &o.Def.Caps)
	settings.Tags.Bind(s, &o.Def.Tags)
	settings.StackSetDeploy(s, &o.Own)
	settings.DryRun.Bind(s, &o.DryRun)
	settings.ReportGroup(s, &o.Report)
	s.After(func() (err error) {
		o.Input, err = settings.StackSetDeployInput(s, o.Own, o.Def, o.CallAs, &o.Fleet, o.Assume.KnownRegion(a.environ))
		return err
	})
}
