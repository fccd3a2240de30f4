package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
	rep "github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// checkTfFanout validates "tf VERB --targets": each target needs its own
// state key and its own output files.
func (a *app) checkTfFanout(s *settings.Set, o *tfOptions) error {
	if err := o.fanout.load(s); err != nil || o.fanout.file == nil {
		return err
	}
	if o.tf.Options.Verb == "init" {
		return exitcode.Usagef("%s: init runs inside every target's plan or apply (expected tf plan|apply|destroy --targets)", s.Source("targets"))
	}
	if o.tf.Options.Backend.Key == "" {
		return exitcode.Usagef("--backend-key: each target needs a state of its own (expected --backend-key with --targets, e.g. '{account}/{region}/app.tfstate')")
	}
	if from := s.From("tf-plan-file"); from != "" {
		return exitcode.Usagef("%s: each target plans into its own file under --dir (expected --plan-file for the plan of all targets)", from)
	}
	if err := tfPlanSetting(s, o); err != nil {
		return err
	}
	if err := checkPlaceholders(s.Source("backend-key"), o.tf.Options.Backend.Key, nil); err != nil {
		return err
	}
	// Targets sharing a state key would overwrite each other's state; the
	// key prefix (the account by default) is applied first, as each run does.
	if err := targets.StatePerTarget(o.fanout.waves, func(t targets.Target) string {
		return tf.BackendKey(targets.Fill(o.tf.Options.Backend.Key, t), o.tf.KeyPrefix, t.Account, t.Region)
	}); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("backend-key"), err)
	}
	for flag, path := range map[string]string{"outputs-file": o.outputs.File, "outputs-env": o.outputs.Env, "changes-file": o.outputs.Changes} {
		if err := checkPlaceholders(s.Source(flag), path, o.fanout.waves); err != nil {
			return err
		}
	}
	return o.report.CheckPaths(s)
}

// runTfFanout runs terraform once per target: its own role and region, a
// TF_DATA_DIR and plan file of its own, its state key filled in, and its
// output lines prefixed with the target.
func (a *app) runTfFanout(ctx context.Context, o *tfOptions, log zerolog.Logger) error {
	fl, err := a.newFleet(ctx, o.assume, log)
	if err != nil {
		return err
	}
	opts := o.fanout.opts
	opts.Progress = targets.LogProgress{Log: log}
	// An interrupt stops new targets (this context) while each running
	// terraform gets it once, forwarded by its own subscription, and ends
	// as it chooses: its context must not interrupt it a second time.
	sctx, stop := a.signals.Context(ctx, log)
	defer stop()
	ctx = sctx
	waves := o.fanout.waves
	if o.tfPlan != nil {
		waves = o.tfPlanWaves()
	}
	report := rep.NewRun(o.report.Files(), rep.CommandLine("tf "+o.tf.Options.Verb, false, o.fanout.Targets), targets.IDs(waves))
	sum := targets.Run(ctx, waves, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		var res tf.Result
		var err error
		if o.tfPlan != nil {
			ran := false
			if res, ran, err = a.tfExecuteOne(context.WithoutCancel(ctx), fl, o, t, tlog); !ran {
				return targets.Result{Status: targets.NoChanges, Reason: "the preview found no changes"}
			}
		} else {
			res, err = a.tfOne(context.WithoutCancel(ctx), fl, o, t, "", tlog)
		}
		report.Put(tf.ReportTarget(t.ID(), filepath.Base(o.tf.Options.Dir), res, err))
		r := targets.TerraformResult(ctx, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if err := report.Write(a.files); err != nil {
		return err
	}
	if o.tf.Options.Verb == "plan" && o.fanout.planFile != "" {
		if err := a.writeTfPlan(o, sum, log); err != nil {
			return err
		}
	}
	return a.finish(ctx, &o.fanout, sum)
}

// tfOne runs terraform for one target; saved, when given, is the target's
// reviewed plan to apply as it is.
func (a *app) tfOne(ctx context.Context, fl *targets.Fleet, o *tfOptions, t targets.Target, saved string, log zerolog.Logger) (tf.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return tf.Result{}, err
	}
	work := targets.WorkDir(o.tf.Options.Dir, t)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return tf.Result{}, err
	}
	opts := o.tf.Options
	opts.InitFirst = true
	opts.PlanFile = filepath.Join(work, "plan.tfplan")
	if saved != "" {
		opts.PlanFile, opts.SavedPlan, opts.Extra = saved, true, nil
	}
	var others []string
	opts.Backend.Key, others = a.stateKeys(o, targets.Fill(o.tf.Options.Backend.Key, t), s.Target.Account, t.Region)
	if !opts.SavedPlan {
		if err := a.checkStateLocation(ctx, s, o, opts.Backend.Key, ownKeys(others, s.Target.Account), log); err != nil {
			return tf.Result{}, err
		}
	}
	out := &output.PrefixWriter{Out: a.blocks, Prefix: "[" + t.ID() + "] "}
	defer out.Flush()
	sigs, unsubscribe := a.signals.Subscribe()
	defer unsubscribe()
	res, runErr := a.tfTarget(ctx, s, o, opts, []string{"TF_DATA_DIR=" + filepath.Join(work, "data")}, sigs, out, log)
	if res.Plan != nil {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "[%s] ", t.ID())
		buf.WriteString(res.Plan.String() + "\n")
		a.blocks.Write(buf.Bytes())
	}
	files := settings.Outputs{File: targets.Fill(o.outputs.File, t), Env: targets.Fill(o.outputs.Env, t), Prefix: o.outputs.Prefix, Changes: targets.Fill(o.outputs.Changes, t)}
	if res.Plan != nil && files.Changes != "" {
		if err := a.files.JSON(t.ID(), files.Changes, res.Plan); err != nil && runErr == nil {
			runErr = fmt.Errorf("--changes-file: %w", err)
		}
	}
	if res.Outputs != nil && runErr == nil {
		runErr = a.writeOutputs(t.ID(), files, res.Outputs, log)
	}
	return res, runErr
}
