package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// tfPlanSetting reads --plan-file under --targets: there it names the
// deployer plan (each target's terraform plan has a file of its own under
// --dir), written by "tf plan" and applied exactly by "tf apply". The path
// is taken as given, relative to the working directory, as cfn's is.
func tfPlanSetting(s *settings.Set, o *tfOptions) error {
	raw := s.Raw("plan-file")
	if len(raw) == 0 || raw[len(raw)-1] == "" {
		return nil
	}
	if o.tf.Options.Verb == "destroy" {
		return exitcode.Usagef("%s: a plan file with --targets is written by tf plan and applied by tf apply (expected tf plan or tf apply)", s.Source("plan-file"))
	}
	o.fanout.planFile = raw[len(raw)-1]
	o.tf.Options.SavedPlan = false
	if o.tf.Options.Verb != "apply" {
		return nil
	}
	if err := settings.RegularFile(o.fanout.planFile); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
	}
	data, err := os.ReadFile(o.fanout.planFile)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
	}
	plan, err := targets.DecodePlan(data, o.fanout.planFile)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
	}
	known := map[string]targets.Target{}
	for _, t := range targets.Flatten(o.fanout.waves) {
		known[t.ID()] = t
	}
	for _, w := range plan.Waves {
		for _, pt := range w.Targets {
			if pt.Kind != targets.KindTf {
				return exitcode.Usagef("%s: target %s is a %s entry (expected a plan written by tf plan --targets; cfn plans run with cfn execute)", s.Source("plan-file"), pt.ID(), pt.Kind)
			}
			if _, ok := known[pt.ID()]; !ok {
				return exitcode.Usagef("%s: target %s is not in %s (expected the targets file of the preview)", s.Source("plan-file"), pt.ID(), o.fanout.Targets)
			}
			if err := checkSavedPlan(o.tf.Options.Dir, pt); err != nil {
				return exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
			}
		}
	}
	o.tfPlan = plan
	return nil
}

// checkSavedPlan refuses a saved plan that is missing or is not the one
// the preview made: applying it would apply what nobody reviewed.
func checkSavedPlan(dir string, pt targets.PlanTarget) error {
	path := filepath.Join(dir, filepath.FromSlash(pt.PlanFile))
	sum, err := targets.FileSHA256(path)
	if err != nil {
		return fmt.Errorf("target %s: saved plan %s is missing (%v); plan again", pt.ID(), pt.PlanFile, err)
	}
	if sum != pt.PlanSHA256 {
		return fmt.Errorf("target %s: saved plan %s changed since the preview (%s, the plan records %s); plan again", pt.ID(), pt.PlanFile, sum, pt.PlanSHA256)
	}
	return nil
}

// writeTfPlan records a "tf plan --targets" preview: every target's saved
// plan with its checksum. Like cfn's, a plan is written only when every
// target previewed.
func (a *app) writeTfPlan(o *tfOptions, sum targets.Summary, log zerolog.Logger) error {
	if ok, missing := targets.Planable(sum); !ok {
		return exitcode.Usagef("--plan-file: not written: targets %v did not preview (a plan must cover every target)", missing)
	}
	saved := map[string]targets.TfPlan{}
	for _, r := range sum.Results {
		rel := targets.TfPlanPath(r.Target.Account, r.Target.Region)
		digest, err := targets.FileSHA256(filepath.Join(o.tf.Options.Dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("--plan-file: %s: %w", r.Target.ID(), err)
		}
		key := tf.BackendKey(targets.Fill(o.tf.Options.Backend.Key, r.Target), o.tf.KeyPrefix, r.Target.Account, r.Target.Region)
		saved[r.Target.ID()] = targets.TfPlan{PlanFile: rel, PlanSHA256: digest, StateKey: key}
	}
	plan := targets.NewTfPlan(sum, saved)
	plan.MaxConcurrency, plan.FailureTolerance = o.fanout.opts.MaxConcurrency, o.fanout.opts.Tolerance.String()
	plan.AllowDelete = o.tf.Options.AllowDestroy
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = a.files.File("", o.fanout.planFile, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", o.fanout.planFile).Msg("plan written: review it, then run deployer tf apply --targets with the same --plan-file and the saved plans under --dir")
	return nil
}

// tfExecuteOne applies one target's saved plan, checking its checksum again
// right before: the file could have changed since the run started.
// ran is false for a target whose preview found no changes: nothing is
// applied there.
func (a *app) tfExecuteOne(ctx context.Context, fl *targets.Fleet, o *tfOptions, t targets.Target, log zerolog.Logger) (res tf.Result, ran bool, err error) {
	pt, ok := o.tfPlanEntry(t.ID())
	if !ok || pt.Status == targets.NoChanges {
		return tf.Result{}, false, nil
	}
	if err := checkSavedPlan(o.tf.Options.Dir, pt); err != nil {
		return tf.Result{}, true, exitcode.Usagef("%v", err)
	}
	res, err = a.tfOne(ctx, fl, o, t, filepath.Join(o.tf.Options.Dir, filepath.FromSlash(pt.PlanFile)), log)
	return res, true, err
}

// tfPlanWaves are the plan's waves, each target as the targets file has it
// (external id, tags) with the role the plan was reviewed with.
func (o *tfOptions) tfPlanWaves() []targets.Wave {
	known := map[string]targets.Target{}
	for _, t := range targets.Flatten(o.fanout.waves) {
		known[t.ID()] = t
	}
	var ts []targets.Target
	for _, t := range targets.Flatten(o.tfPlan.Schedule()) {
		ft := known[t.ID()]
		ft.Wave, ft.RoleARN = t.Wave, t.RoleARN
		ts = append(ts, ft)
	}
	return targets.Group(ts)
}

// tfPlanEntry finds the plan's entry of a target.
func (o *tfOptions) tfPlanEntry(id string) (targets.PlanTarget, bool) {
	for _, w := range o.tfPlan.Waves {
		for _, pt := range w.Targets {
			if pt.ID() == id {
				return pt, true
			}
		}
	}
	return targets.PlanTarget{}, false
}
