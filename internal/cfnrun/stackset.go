package cfnrun

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/stackset"
	"github.com/deployer-dev/deployer/internal/targets"
)

// StackSetOptions is a "cfn stackset deploy" or "cfn stackset delete".
type StackSetOptions struct {
	Assume   settings.AssumeConfig
	Own      settings.StackSet
	Def      settings.Definition
	CallAs   string
	DryRun   bool // deploy: preview only
	IfExists bool // delete: a StackSet already gone is not an error
	Fleet    settings.Fleet
	Timeout  time.Duration
	Report   settings.Report
	// Input is the deploy's StackSet and instances, resolved by
	// settings.StackSetDeployInput.
	Input stackset.Input
}

// stacksetEngine is the StackSets engine acting with the source
// credentials (the CI/CD or delegated administrator account).
func stacksetEngine(ctx context.Context, e *runenv.Env, o StackSetOptions, log zerolog.Logger) (*stackset.Engine, error) {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return nil, err
	}
	account := s.Target.Account
	if account == "" {
		account = s.Source.Account
	}
	return &stackset.Engine{CFN: cloudformation.NewFromConfig(s.Config), Log: log, Account: account, Region: s.Config.Region}, nil
}

// StackSetDeploy makes the StackSet and its instances match the input (or
// previews that), writes the report, and returns the run as a fan-out
// summary, one result per instance.
func StackSetDeploy(ctx context.Context, e *runenv.Env, o StackSetOptions, log zerolog.Logger) (targets.Summary, error) {
	eng, err := stacksetEngine(ctx, e, o, log)
	if err != nil {
		return targets.Summary{}, err
	}
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	started := e.Now()
	run := eng.Deploy
	if o.DryRun {
		run = eng.Preview
	}
	res, err := run(ctx, o.Input)
	if err != nil {
		return targets.Summary{}, err
	}
	for _, c := range res.Changes {
		log.Info().Str("stack_set", o.Own.Name).Msg(c)
	}
	rep := report.NewRun(o.Report.Files(), report.CommandLine("cfn stackset deploy", o.DryRun, o.Fleet.Targets), nil)
	for _, t := range stackset.ReportTargets(o.Own.Name, res) {
		rep.Put(t)
	}
	if err := rep.Write(e.Files); err != nil {
		return targets.Summary{}, err
	}
	return res.Summary(o.Own.Name, started, e.Now().Sub(started)), nil
}

// StackSetDelete removes every instance, then the StackSet.
func StackSetDelete(ctx context.Context, e *runenv.Env, o StackSetOptions, log zerolog.Logger) (targets.Summary, error) {
	eng, err := stacksetEngine(ctx, e, o, log)
	if err != nil {
		return targets.Summary{}, err
	}
	ctx, cancel := runenv.WithTimeout(ctx, o.Timeout)
	defer cancel()
	started := e.Now()
	res, err := eng.Delete(ctx, stackset.DeleteInput{Name: o.Own.Name, CallAs: types.CallAs(o.CallAs), RetainStacks: o.Own.RetainStacks,
		IfExists: o.IfExists, Preferences: stackset.Preferences{MaxConcurrency: stackset.Limit{N: o.Fleet.Opts.MaxConcurrency}}})
	if err != nil {
		return targets.Summary{}, err
	}
	return res.Summary(o.Own.Name, started, e.Now().Sub(started)), nil
}
