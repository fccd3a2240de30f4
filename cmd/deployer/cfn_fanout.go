package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	rep "github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// checkFanout validates the many-targets settings of "cfn deploy".
func (a *app) checkFanout(s *settings.Set, o *deployOptions) error {
	f := &o.fanout
	if err := f.load(s, "plan-file"); err != nil || f.file == nil {
		return err
	}
	if f.planFile != "" && !o.deploy.DryRun {
		return exitcode.Usagef("%s: a plan is a preview (expected --dry-run too)", s.Source("plan-file"))
	}
	if f.planFile != "" {
		o.deploy.KeepChangeSet = true
	}
	for flag, path := range map[string]string{"outputs-file": o.outputs.File, "outputs-env": o.outputs.Env, "changes-file": o.outputs.Changes} {
		if err := checkPlaceholders(s.Source(flag), path, f.waves); err != nil {
			return err
		}
	}
	return o.report.CheckPaths(s)
}

// runFanout deploys to every target of the targets file, in waves.
func (a *app) runFanout(ctx context.Context, o *deployOptions, log zerolog.Logger) error {
	fl, err := a.newFleet(ctx, o.assume, log)
	if err != nil {
		return err
	}
	opts := o.fanout.opts
	opts.Progress = targets.LogProgress{Log: log}
	report := rep.NewRun(o.report.Files(), rep.CommandLine("cfn deploy", o.deploy.DryRun, o.fanout.Targets), targets.IDs(o.fanout.waves))
	sum := targets.Run(ctx, o.fanout.waves, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		res, err := a.deployOne(ctx, fl, o, t, tlog)
		r := targets.DeployResult(ctx, res, err)
		r.Stack = o.deploy.Stack
		if t.Stack != "" {
			r.Stack = t.Stack
		}
		report.CFN(t.ID(), r.Stack, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if o.fanout.planFile != "" {
		if err := a.writePlan(o, sum, log); err != nil {
			return err
		}
	}
	if err := report.Write(a.files); err != nil {
		return err
	}
	return a.finish(ctx, &o.fanout, sum)
}

// writePlan writes the preview as a plan, only when every target previewed:
// a plan of part of the fleet would deploy part of it. Otherwise it writes
// nothing, removes an older plan at the same path, and says so.
func (a *app) writePlan(o *deployOptions, sum targets.Summary, log zerolog.Logger) error {
	path := o.fanout.planFile
	if ok, missing := targets.Planable(sum); !ok {
		why := fmt.Sprintf("%d of %d targets did not preview: %s", len(missing), len(sum.Results), strings.Join(missing, ", "))
		if len(missing) == 0 {
			why = "the preview was interrupted"
		}
		if err := os.Remove(path); err == nil {
			why += "; the older plan there was removed"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--plan-file: remove the older plan %s: %w", path, err)
		}
		log.Warn().Str("plan", path).Msg("no plan written: " + why)
		return nil
	}
	plan := targets.NewPlan(sum)
	plan.MaxConcurrency, plan.FailureTolerance = o.fanout.opts.MaxConcurrency, o.fanout.opts.Tolerance.String()
	plan.AllowReplacement, plan.AllowDelete = o.deploy.Guards.AllowReplacement, o.deploy.Guards.AllowDelete
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = a.files.File("", path, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", path).Msg("plan written: review it, then run deployer cfn execute --plan-file with it")
	return nil
}

// deployOne is the ordinary deploy, once per target: its own role, region,
// parameter files over the command's, tags, logger and output files.
func (a *app) deployOne(ctx context.Context, fl *targets.Fleet, o *deployOptions, t targets.Target, log zerolog.Logger) (*cfn.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	d := o.deploy
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
		files := append(append([]string(nil), o.def.ParamFiles...), t.ParameterFiles...)
		if d.Inputs, err = settings.Parameters("parameters", "--parameter", files, o.def.ParamKVs); err != nil {
			return nil, err
		}
	}
	d.Tags = targets.MergeTags(d.Tags, t.Tags)
	d.ChangeSetName = a.changeSetName()
	files := settings.Outputs{
		File:    targets.Fill(o.outputs.File, t),
		Env:     targets.Fill(o.outputs.Env, t),
		Prefix:  o.outputs.Prefix,
		Changes: targets.Fill(o.outputs.Changes, t),
	}
	return a.deployTarget(ctx, s, o, d, files, a.presenter(log, t.ID()), log, t.ID())
}
