package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
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
	if o.tf.Verb == "init" {
		return exitcode.Usagef("%s: init runs inside every target's plan or apply (expected tf plan|apply|destroy --targets)", s.Source("targets"))
	}
	if o.tf.Backend.Key == "" {
		return exitcode.Usagef("--backend-key: each target needs a state of its own (expected --backend-key with --targets, e.g. '{account}/{region}/app.tfstate')")
	}
	if err := tfPlanSetting(s, o); err != nil {
		return err
	}
	if err := checkPlaceholders(s.Source("backend-key"), o.tf.Backend.Key, nil); err != nil {
		return err
	}
	// Targets sharing a state key would overwrite each other's state; the
	// key prefix (the account by default) is applied first, as each run does.
	keys := map[string]string{}
	for _, t := range targets.Flatten(o.fanout.waves) {
		key := backendKey(targets.Fill(o.tf.Backend.Key, t), o.keyPrefix, t.Account, t.Region)
		if prev, ok := keys[key]; ok && key != "" {
			return exitcode.Usagef("%s: %s is one state for targets %s and %s (expected {region} in the key, like {account}/{region}/app.tfstate)", s.Source("backend-key"), key, prev, t.ID())
		}
		keys[key] = t.ID()
	}
	for flag, path := range map[string]string{"outputs-file": o.outputs.File, "outputs-env": o.outputs.Env, "changes-file": o.outputs.Changes} {
		if err := checkPlaceholders(s.Source(flag), path, o.fanout.waves); err != nil {
			return err
		}
	}
	return checkReportPaths(s, o.report)
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
	opts.Progress = progressLog{log}
	// An interrupt stops new targets (this context) while each running
	// terraform gets it once, forwarded by its own subscription, and ends
	// as it chooses: its context must not interrupt it a second time.
	sctx, stop := a.signals.context(ctx, log)
	defer stop()
	ctx = sctx
	waves := o.fanout.waves
	if o.tfPlan != nil {
		waves = o.tfPlanWaves()
	}
	rep := newChangeReport(o.report, reportCommand("tf "+o.tf.Verb, false, o.fanout.Targets), targetIDs(waves))
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
		rep.tf(t.ID(), filepath.Base(o.tf.Dir), res, err)
		r := tfResult(ctx, res, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return r
	})
	if err := rep.write(a); err != nil {
		return err
	}
	if o.tf.Verb == "plan" && o.fanout.planFile != "" {
		if err := a.writeTfPlan(o, sum, log); err != nil {
			return err
		}
	}
	return a.finish(ctx, &o.fanout, sum)
}

// tfOne runs terraform for one target; saved, when given, is the target's
// reviewed plan to apply as it is.
func (a *app) tfOne(ctx context.Context, fl *fleet, o *tfOptions, t targets.Target, saved string, log zerolog.Logger) (tf.Result, error) {
	s, err := a.fleetSession(ctx, fl, t, log)
	if err != nil {
		return tf.Result{}, err
	}
	work := filepath.Join(o.tf.Dir, ".deployer", t.Account+"-"+t.Region)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return tf.Result{}, err
	}
	opts := o.tf
	opts.InitFirst = true
	opts.PlanFile = filepath.Join(work, "plan.tfplan")
	if saved != "" {
		opts.PlanFile, opts.SavedPlan, opts.Extra = saved, true, nil
	}
	var others []string
	opts.Backend.Key, others = a.stateKeys(o, targets.Fill(o.tf.Backend.Key, t), s.Target.Account, t.Region)
	if !opts.SavedPlan {
		if err := a.checkStateLocation(ctx, s, o, opts.Backend.Key, ownKeys(others, s.Target.Account), log); err != nil {
			return tf.Result{}, err
		}
	}
	out := &prefixWriter{w: a.io.err, mu: &a.tableMu, prefix: "[" + t.ID() + "] "}
	defer out.Flush()
	sigs, unsubscribe := a.signals.subscribe()
	defer unsubscribe()
	res, runErr := a.tfTarget(ctx, s, o, opts, []string{"TF_DATA_DIR=" + filepath.Join(work, "data")}, sigs, out, log)
	if res.Plan != nil {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "[%s] ", t.ID())
		buf.WriteString(res.Plan.String() + "\n")
		a.write(buf.Bytes())
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

// tfResult is a target's summary row for a terraform run.
func tfResult(ctx context.Context, res tf.Result, err error) targets.Result {
	r := targetResult(ctx, nil, err)
	if p := res.Plan; p != nil {
		r.Counts = targets.Counts{Add: p.Create, Modify: p.Update + p.Replace, Remove: p.Delete, Replace: p.Replace}
		if err == nil && !p.HasChanges {
			r.Status = targets.NoChanges
		}
	}
	return r
}

// prefixWriter writes whole lines, each with the target in front, so the
// output of terraform runs side by side stays readable.
type prefixWriter struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.emit(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
}

// Flush writes a last line that had no newline.
func (p *prefixWriter) Flush() {
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}

func (p *prefixWriter) emit(line []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = io.WriteString(p.w, p.prefix)
	_, _ = p.w.Write(line)
}
