package cfnrun

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Fanout deploys to every target of the targets file, in waves, then
// writes the report and, for a preview with a plan file, the plan. The
// summary is for the caller to present.
func Fanout(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (targets.Summary, error) {
	fl, err := e.Fleet(ctx, o.Assume, log)
	if err != nil {
		return targets.Summary{}, err
	}
	opts := o.Fleet.Opts
	opts.Progress = targets.LogProgress{Log: log}
	rep := report.NewRun(o.Report.Files(), report.CommandLine("cfn deploy", o.ChangeSet.DryRun, o.Fleet.Targets), targets.IDs(o.Fleet.Waves))
	sum := targets.Run(ctx, o.Fleet.Waves, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		res, err := deployOne(ctx, e, fl, o, t, tlog)
		r := targets.DeployResult(ctx, res, err)
		r.Stack = o.ChangeSet.Stack
		if t.Stack != "" {
			r.Stack = t.Stack
		}
		rep.CFN(t.ID(), r.Stack, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if o.Fleet.PlanFile != "" {
		if err := writePlan(e, o, sum, log); err != nil {
			return sum, err
		}
	}
	return sum, rep.Write(e.Files)
}

// writePlan writes the preview as a plan (runenv's one plan writer, which
// writes it only when every target previewed).
func writePlan(e *runenv.Env, o Options, sum targets.Summary, log zerolog.Logger) error {
	return e.WritePlan(o.Fleet.PlanFile, sum, o.Fleet.Opts, func() targets.Plan {
		plan := targets.NewPlan(sum)
		plan.AllowReplacement, plan.AllowDelete = o.ChangeSet.Guards.AllowReplacement, o.ChangeSet.Guards.AllowDelete
		return plan
	}, "deployer cfn execute --plan-file with it", log)
}

// deployOne is the ordinary deploy, once per target: its own role, region,
// parameter files over the command's, tags, logger and output files.
func deployOne(ctx context.Context, e *runenv.Env, fl *targets.Fleet, o Options, t targets.Target, log zerolog.Logger) (*cfn.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	d := o.ChangeSet
	if t.Stack != "" {
		d.Stack = t.Stack
	}
	if t.CfnRoleARN != "" {
		d.ExecRoleARN = t.CfnRoleARN
	}
	if err := settings.ExecRoleIn("cfn-role", d.ExecRoleARN, s.Target.Account); err != nil {
		return nil, err
	}
	if len(t.ParameterFiles) > 0 {
		files := append(append([]string(nil), o.Def.ParamFiles...), t.ParameterFiles...)
		if d.Inputs, err = settings.Parameters("parameters", "--parameter", files, o.Def.ParamKVs); err != nil {
			return nil, err
		}
	}
	d.Tags = targets.MergeTags(d.Tags, t.Tags)
	d.ChangeSetName = ChangeSetName(o.BuildID, e.Now())
	files := settings.Outputs{
		File:    targets.Fill(o.Outputs.File, t),
		Env:     targets.Fill(o.Outputs.Env, t),
		Prefix:  o.Outputs.Prefix,
		Changes: targets.Fill(o.Outputs.Changes, t),
	}
	return deployTarget(ctx, e, s, o, d, files, e.Presenter(log, t.ID()), log, t.ID())
}
