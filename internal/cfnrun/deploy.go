// Package cfnrun runs the cfn commands once their settings are resolved:
// a deploy in the session of the command line or once per target of a
// targets file (writing the reviewed plan of a preview), the execution of
// such a plan, and packaging. It writes the files each run produces
// through the run's one writer and returns results; cmd/deployer presents
// them.
//
// It sits above internal/settings (whose resolved groups it takes) and
// drives internal/cfn and internal/artifact once per target.
package cfnrun

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/id"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Options is a "cfn deploy": the settings cmd/deployer binds and
// settings.ResolveDeploy resolves, and what the engine alone needs.
type Options struct {
	settings.Deploy
	Assume            settings.AssumeConfig
	Timeout           time.Duration
	CancelOnInterrupt bool
	// BuildID is the CI build's id (CODEBUILD_BUILD_ID, else
	// CODEPIPELINE_EXECUTION_ID), readable in change set names.
	BuildID string
}

// ExecuteOptions is a "cfn execute": the plan and the run's concurrency
// and tolerance are resolved by settings.ResolveExecute.
type ExecuteOptions struct {
	Assume            settings.AssumeConfig
	Plan              *targets.Plan
	Fleet             settings.Fleet
	Outputs           settings.Outputs
	Timeout           time.Duration
	DisableRollback   bool
	CancelOnInterrupt bool
}

// One assumes the role and runs the change-set lifecycle once, then writes
// the report. The result is for the caller to present.
func One(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (*cfn.Result, error) {
	// A deploy reads no identity STS alone knows unless it packages local
	// code (bucket and prefix carry accounts) or must check an execution
	// role's account without a role to name it: otherwise asking would cost
	// every run a round trip.
	o.Assume.Assume.SourceOnDemand = !o.PackLocal && (len(o.Assume.Assume.RoleARNs) > 0 || o.ChangeSet.ExecRoleARN == "")
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return nil, err
	}
	if err := settings.ExecRoleIn("--cfn-role-arn", o.ChangeSet.ExecRoleARN, s.Target.Account); err != nil {
		return nil, err
	}
	res, err := deployTarget(ctx, e, s, o, o.ChangeSet, o.Outputs, e.Presenter(log, ""), log, "")
	id := report.TargetID(s.Target.Account, s.Config.Region)
	rep := report.NewRun(o.Report.Files(), report.CommandLine("cfn deploy", o.ChangeSet.DryRun, ""), []string{id})
	rep.CFN(id, o.ChangeSet.Stack, res, err)
	if werr := rep.Write(e.Files); werr != nil && err == nil {
		err = werr
	}
	if errors.Is(err, cfn.ErrEmpty) {
		err = fmt.Errorf("stack %s: %w", o.ChangeSet.Stack, err)
	}
	return res, err
}

// ChangeSetName is readable (the build id, else the time) and unique: two
// deploys of one stack in one build or one second must not share it.
func ChangeSetName(buildID string, now time.Time) string {
	base := cfn.ChangeSetName(buildID, now)
	suffix := id.Hex(4)
	if len(base)+1+len(suffix) > 128 {
		base = base[:128-1-len(suffix)]
	}
	return base + "-" + suffix
}

// DeleteOptions is a resolved "cfn delete".
type DeleteOptions struct {
	Assume  settings.AssumeConfig
	Target  settings.Target
	Retain  []string
	Timeout time.Duration
}

// Delete deletes the stack with the execution role and waits for it.
func Delete(ctx context.Context, e *runenv.Env, o DeleteOptions, log zerolog.Logger) error {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return err
	}
	if err := settings.ExecRoleIn("--cfn-role-arn", o.Target.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	runner := &cfn.Runner{CFN: e.Clients.CFN(s.Config), Log: log, Report: e.Presenter(log, ""), Region: s.Config.Region, Account: s.Target.Account}
	_, err = runner.Delete(ctx, cfn.DeleteOptions{
		Stack: o.Target.Stack, ExecRoleARN: o.Target.ExecRoleARN, Retain: o.Retain,
		ClientToken: id.New("deployer-delete"),
	})
	return err
}
