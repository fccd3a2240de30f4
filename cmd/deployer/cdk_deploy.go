package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cdkrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

// cdkSpec is "cdk deploy", "cdk diff" or "cdk publish": the settings parsed
// into cdkrun.Options and resolved there (Select, Resolve), the run
// cdkrun's; a many-targets run's summary is presented here.
func cdkSpec(verb, summary string) spec {
	return spec{
		name:     "cdk " + verb,
		summary:  summary,
		synopsis: "deployer cdk " + verb + " [flags] [STACK...]",
		build: func(a *app, _ call) (func(*settings.Set), runFunc) {
			o := &cdkrun.Options{Verb: verb}
			return func(s *settings.Set) { a.declareCDKDeploy(s, o) },
				func(ctx context.Context, log zerolog.Logger) error {
					sum, err := cdkrun.Run(ctx, a.runEnv(), *o, log)
					if err != nil || sum == nil {
						return err
					}
					return a.finish(ctx, &o.Fleet, *sum)
				}
		},
	}
}

var (
	cdkDeploySpec  = cdkSpec("deploy", "Deploys the stacks of a CDK cloud assembly without Node: bootstrap checked, assets published under their hashes, stacks through change sets with the bootstrap roles, dependencies first.")
	cdkDiffSpec    = cdkSpec("diff", "Shows each selected stack's change set against the deployed stack, then deletes it; publishes and changes nothing.")
	cdkPublishSpec = cdkSpec("publish", "Publishes the assets of the selected stacks (files and directories to S3, images to ECR), each only when missing.")
)

// declareCDKDeploy declares the settings of a verb, in the order its help
// lists them.
func (a *app) declareCDKDeploy(s *settings.Set, o *cdkrun.Options) {
	d := &o.Deploy
	settings.Assume(s, &o.Assume, a.host)
	declareAssembly(s, &o.CDK, &o.Stacks, o.Verb == cdk.VerbDeploy, false)
	if o.Verb == cdk.VerbPublish {
		return
	}
	settings.ParameterOverrides.Bind(s, &o.Params)
	settings.CfnRoleARN.Bind(s, &d.ExecRoleARN)
	settings.ReportGroup(s, &o.Report)
	// diff needs the rules too (DryRun, the targets): registered before its
	// early return.
	s.After(func() error { return o.Resolve(s) })
	// diff --targets previews every target's change sets, as deploy
	// --targets would make them, and changes nothing.
	settings.FanoutGroup(s, &o.Fleet.Fanout)
	if o.Verb == cdk.VerbDiff {
		return
	}
	// deploy --targets --dry-run --plan-file: every target's change sets
	// kept and written as a plan; without --dry-run, that plan executed.
	settings.DryRun.Bind(s, &d.DryRun)
	settings.PlanFile.Bind(s, &o.Fleet.PlanFile)
	settings.Tags.Bind(s, &o.Tags)
	settings.NotificationARNs.Bind(s, &d.NotificationARNs)
	settings.Force.Bind(s, &d.Force)
	settings.OutputsGroup(s, &o.Outputs, false)
	settings.Timeout(s, &o.Timeout)
}
