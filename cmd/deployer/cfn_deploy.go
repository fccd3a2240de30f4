package main

import (
	"context"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cfnDeploySpec = spec{
	name:    "cfn deploy",
	summary: "Deploys a stack in the target account through a change set, with the target account's execution role, and follows it to the end.",
	build: func(a *app, c call) (func(*settings.Set), runFunc) {
		o := &cfnrun.Options{BuildID: settings.BuildID(a.environ)}
		// update-stack updates and never creates.
		if strings.HasSuffix(c.via, "=update-stack") {
			o.ChangeSet.MustExist = c.via
		}
		return func(s *settings.Set) { a.declareDeploy(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runDeploy(ctx, o, log) }
	},
}

// declareDeploy declares every setting of "cfn deploy"; "cfn delete" and
// "tf" also use it to accept (and ignore) the deploy command line. The
// files they name are read and the rules that span them applied
// (settings.ResolveDeploy) before any AWS call.
func (a *app) declareDeploy(s *settings.Set, o *cfnrun.Options) {
	d := &o.ChangeSet
	settings.Assume(s, &o.Assume, a.host)
	settings.TargetGroup(s, &o.Target, &o.Assume)
	settings.DefinitionGroup(s, &o.Def)
	settings.ArtifactGroup(s, &o.Artifacts, true)
	settings.ChangeSetGroup(s, d)
	settings.Timeout(s, &o.Timeout)
	settings.OutputsGroup(s, &o.Outputs, true)
	settings.GuardGroup(s, d)
	settings.AWSCLIGroup(s, &o.AWSCLI)
	settings.CancelOnInterrupt.Bind(s, &o.CancelOnInterrupt)
	settings.Force.Bind(s, &d.Force)
	settings.FanoutGroup(s, &o.Fleet.Fanout)
	settings.PlanFile.Bind(s, &o.Fleet.PlanFile)
	settings.ReportGroup(s, &o.Report)
	s.After(func() error {
		name := func() string { return cfnrun.ChangeSetName(o.BuildID, a.host.Now()) }
		return settings.ResolveDeploy(s, &o.Deploy, o.Assume.KnownRegion(a.environ), name)
	})
}

// runDeploy deploys once, or once per target, and presents the result.
func (a *app) runDeploy(ctx context.Context, o *cfnrun.Options, log zerolog.Logger) error {
	if o.Fleet.File != nil {
		sum, err := cfnrun.Fanout(ctx, a.runEnv(), *o, log)
		if err != nil {
			return err
		}
		return a.finish(ctx, &o.Fleet, sum)
	}
	res, err := cfnrun.One(ctx, a.runEnv(), *o, log)
	if err != nil {
		return err
	}
	output.DeployEnd(a.io.err, o.ChangeSet.Stack, res, o.AWSCLI.NoExecute, o.Assume.Assume.RoleARNs)
	return nil
}
