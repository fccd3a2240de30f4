package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

// deployOptions is a parsed and validated "cfn deploy".
type deployOptions struct {
	assume            settings.AssumeConfig
	target            settings.Target
	def               settings.Definition
	deploy            cfn.DeployOptions
	artifacts         settings.Artifacts
	outputs           settings.Outputs
	timeout           time.Duration
	cancelOnInterrupt bool
	fanout            settings.Fleet
	packLocal         bool // the template points at local code: package before the change set
	report            settings.Report
	awsCLI            settings.AWSCLI
}

var cfnDeploySpec = spec{
	name:    "cfn deploy",
	summary: "Deploys a stack in the target account through a change set, with the target account's execution role, and follows it to the end.",
	build: func(a *app, c call) (func(*settings.Set), runFunc) {
		o := &deployOptions{}
		// update-stack updates and never creates.
		if strings.HasSuffix(c.via, "=update-stack") {
			o.deploy.MustExist = c.via
		}
		return func(s *settings.Set) { a.declareDeploy(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runDeploy(ctx, o, log) }
	},
}

// declareDeploy declares every setting of "cfn deploy"; "cfn delete" and
// "tf" also use it to accept (and ignore) the deploy command line.
func (a *app) declareDeploy(s *settings.Set, o *deployOptions) {
	d := &o.deploy
	settings.Assume(s, &o.assume, a.host)
	settings.TargetGroup(s, &o.target, &o.assume)
	settings.DefinitionGroup(s, &o.def)
	settings.ArtifactGroup(s, &o.artifacts, true)
	settings.ChangeSetGroup(s, d)
	settings.Timeout(s, &o.timeout)
	settings.OutputsGroup(s, &o.outputs, true)
	settings.GuardGroup(s, d)
	settings.AWSCLIGroup(s, &o.awsCLI)
	settings.CancelOnInterrupt.Bind(s, &o.cancelOnInterrupt)
	settings.Force.Bind(s, &d.Force)
	settings.FanoutGroup(s, &o.fanout.Fanout)
	settings.PlanFile.Bind(s, &o.fanout.PlanFile)
	settings.ReportGroup(s, &o.report)
	s.After(func() error { return a.resolveDeploy(s, o) })
}

// resolveDeploy reads the files the settings name and applies the rules
// that span settings (settings.ResolveDeploy); all before any AWS call.
func (a *app) resolveDeploy(s *settings.Set, o *deployOptions) (err error) {
	o.packLocal, o.fanout, err = settings.ResolveDeploy(s, settings.Deploy{
		Target: o.target, Def: o.def, Artifacts: o.artifacts, Outputs: o.outputs, Report: o.report, AWSCLI: o.awsCLI,
		Fanout: o.fanout.Fanout, PlanFile: o.fanout.PlanFile, Region: o.assume.KnownRegion(a.environ), ChangeSetName: a.changeSetName,
	}, &o.deploy)
	return err
}

// runDeploy deploys once, or once per target, and presents the result.
func (a *app) runDeploy(ctx context.Context, o *deployOptions, log zerolog.Logger) error {
	e, run := a.runEnv(), o.engine(a.environ)
	if o.fanout.File != nil {
		sum, err := cfnrun.Fanout(ctx, e, run, log)
		if err != nil {
			return err
		}
		return a.finish(ctx, &o.fanout, sum)
	}
	res, err := cfnrun.One(ctx, e, run, log)
	if errors.Is(err, cfn.ErrEmpty) {
		return fmt.Errorf("stack %s: %w", o.deploy.Stack, err)
	}
	if err != nil {
		return err
	}
	if o.awsCLI.NoExecute && !res.NoChanges && res.ChangeSetID != "" {
		a.say("Change set %s created and kept, not executed (--no-execute-changeset). To execute it:\n  %s",
			res.ChangeSetID, output.ExecuteCommand(o.assume.Assume.RoleARNs, res.ChangeSetID))
	}
	if res.NoChanges {
		detail := "."
		if res.Skipped {
			detail = " (nothing submitted)"
		}
		a.say("No changes: stack %s is up to date%s", o.deploy.Stack, detail)
	}
	return nil
}

// engine is what cfnrun needs of the resolved settings.
func (o *deployOptions) engine(environ []string) cfnrun.Options {
	return cfnrun.Options{
		Assume: o.assume, Def: o.def, Deploy: o.deploy, Artifacts: o.artifacts, Outputs: o.outputs, Report: o.report,
		Timeout: o.timeout, CancelOnInterrupt: o.cancelOnInterrupt, PackLocal: o.packLocal, BuildID: settings.BuildID(environ),
		TargetsFile: o.fanout.Targets, Waves: o.fanout.Waves, Run: o.fanout.Opts, PlanFile: o.fanout.PlanFile,
	}
}
