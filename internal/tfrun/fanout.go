package tfrun

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// Fanout runs terraform once per target: its own role and region, a
// TF_DATA_DIR and plan file of its own, its state key filled in, and its
// output lines prefixed with the target. ctx is the run's: an interrupt
// ends it to stop new targets, while each running terraform gets the
// signal once through its own subscription and ends as it chooses. The
// summary is for the caller to present.
func Fanout(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (targets.Summary, error) {
	fl, err := e.Fleet(ctx, o.Assume, log)
	if err != nil {
		return targets.Summary{}, err
	}
	opts := o.Fleet.Opts
	opts.Progress = targets.LogProgress{Log: log}
	waves := o.Fleet.Waves
	if o.Plan != nil {
		waves = planWaves(o)
	}
	rep := report.NewRun(o.Report.Files(), report.CommandLine("tf "+o.TF.Options.Verb, false, o.Fleet.Targets), targets.IDs(waves))
	sum := targets.Run(ctx, waves, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		var res tf.Result
		var err error
		if o.Plan != nil {
			ran := false
			if res, ran, err = executeOne(context.WithoutCancel(ctx), e, fl, o, t, tlog); !ran {
				return targets.Result{Status: targets.NoChanges, Reason: "the preview found no changes"}
			}
		} else {
			res, err = one(context.WithoutCancel(ctx), e, fl, o, t, "", tlog)
		}
		rep.Put(tf.ReportTarget(t.ID(), filepath.Base(o.TF.Options.Dir), res, err))
		r := targets.TerraformResult(ctx, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if err := rep.Write(e.Files); err != nil {
		return sum, err
	}
	if o.TF.Options.Verb == "plan" && o.Fleet.PlanFile != "" {
		if err := writePlan(e, o, sum, log); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// one runs terraform for one target; saved, when given, is the target's
// reviewed plan to apply as it is.
func one(ctx context.Context, e *runenv.Env, fl *targets.Fleet, o Options, t targets.Target, saved string, log zerolog.Logger) (tf.Result, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return tf.Result{}, err
	}
	work := targets.WorkDir(o.TF.Options.Dir, t)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return tf.Result{}, err
	}
	opts := o.TF.Options
	opts.InitFirst = true
	opts.PlanFile = filepath.Join(work, "plan.tfplan")
	if saved != "" {
		opts.PlanFile, opts.SavedPlan, opts.Extra = saved, true, nil
	}
	var others []string
	opts.Backend.Key, others = stateKeys(o, targets.Fill(o.TF.Options.Backend.Key, t), s.Target.Account, t.Region)
	if !opts.SavedPlan {
		if err := checkStateLocation(ctx, e, s, o, opts.Backend.Key, ownKeys(others, s.Target.Account), log); err != nil {
			return tf.Result{}, err
		}
	}
	out := &output.PrefixWriter{Out: e.Blocks, Prefix: "[" + t.ID() + "] "}
	defer out.Flush()
	sigs, unsubscribe := e.Signals.Subscribe()
	defer unsubscribe()
	res, runErr := runTarget(ctx, e, s, o, opts, []string{"TF_DATA_DIR=" + filepath.Join(work, "data")}, sigs, out, log)
	if res.Plan != nil {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "[%s] ", t.ID())
		buf.WriteString(res.Plan.String() + "\n")
		e.Blocks.Write(buf.Bytes())
	}
	files := settings.Outputs{File: targets.Fill(o.Outputs.File, t), Env: targets.Fill(o.Outputs.Env, t), Prefix: o.Outputs.Prefix, Changes: targets.Fill(o.Outputs.Changes, t)}
	if res.Plan != nil && files.Changes != "" {
		if err := e.Files.JSON(t.ID(), files.Changes, res.Plan); err != nil && runErr == nil {
			runErr = fmt.Errorf("--changes-file: %w", err)
		}
	}
	if res.Outputs != nil && runErr == nil {
		runErr = e.WriteOutputs(t.ID(), files, res.Outputs, log)
	}
	return res, runErr
}

// executeOne applies one target's saved plan, checking its checksum again
// right before: the file could have changed since the run started. ran is
// false for a target whose preview found no changes: nothing is applied
// there.
func executeOne(ctx context.Context, e *runenv.Env, fl *targets.Fleet, o Options, t targets.Target, log zerolog.Logger) (res tf.Result, ran bool, err error) {
	pt, ok := planEntry(o.Plan, t.ID())
	if !ok || pt.Status == targets.NoChanges {
		return tf.Result{}, false, nil
	}
	if err := CheckSavedPlan(o.TF.Options.Dir, pt); err != nil {
		return tf.Result{}, true, exitcode.Usagef("%v", err)
	}
	res, err = one(ctx, e, fl, o, t, filepath.Join(o.TF.Options.Dir, filepath.FromSlash(pt.PlanFile)), log)
	return res, true, err
}
