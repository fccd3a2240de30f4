package tfrun

import (
	"fmt"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/tf"
)

// CheckSavedPlan refuses a saved plan that is missing or is not the one
// the preview made: applying it would apply what nobody reviewed.
func CheckSavedPlan(dir string, pt targets.PlanTarget) error {
	path := filepath.Join(dir, filepath.FromSlash(pt.PlanFile))
	sum, err := targets.FileSHA256(path)
	if err != nil {
		return fmt.Errorf("target %s: saved plan %s is missing (%w); plan again", pt.ID(), pt.PlanFile, err)
	}
	if sum != pt.PlanSHA256 {
		return fmt.Errorf("target %s: saved plan %s changed since the preview (%s, the plan records %s); plan again", pt.ID(), pt.PlanFile, sum, pt.PlanSHA256)
	}
	return nil
}

// ReadPlan reads the deployer plan "tf apply --targets --plan-file" runs
// and checks it before any call: every entry is a tf entry, of a target of
// waves (from targetsFile), whose saved plan under dir is the one the
// preview made. from names where the path came from; every error is exit 2.
func ReadPlan(from, path string, waves []targets.Wave, targetsFile, dir string) (*targets.Plan, error) {
	plan, err := settings.ReadPlan(from, path)
	if err != nil {
		return nil, err
	}
	known := map[string]targets.Target{}
	for _, t := range targets.Flatten(waves) {
		known[t.ID()] = t
	}
	for _, w := range plan.Waves {
		for _, pt := range w.Targets {
			if pt.Kind != targets.KindTf {
				return nil, exitcode.Usagef("%s: target %s is a %s entry (expected a plan written by tf plan --targets; cfn plans run with cfn execute)", from, pt.ID(), pt.Kind)
			}
			if _, ok := known[pt.ID()]; !ok {
				return nil, exitcode.Usagef("%s: target %s is not in %s (expected the targets file of the preview)", from, pt.ID(), targetsFile)
			}
			if err := CheckSavedPlan(dir, pt); err != nil {
				return nil, exitcode.Usagef("%s: %v", from, err)
			}
		}
	}
	return plan, nil
}

// writePlan records a "tf plan --targets" preview: every target's saved
// plan with its checksum. Like cfn's, a plan is written only when every
// target previewed.
func writePlan(e *runenv.Env, o Options, sum targets.Summary, log zerolog.Logger) error {
	if ok, missing := targets.Planable(sum); !ok {
		return exitcode.Usagef("--plan-file: not written: targets %v did not preview (a plan must cover every target)", missing)
	}
	saved := map[string]targets.TfPlan{}
	for _, r := range sum.Results {
		rel := targets.TfPlanPath(r.Target.Account, r.Target.Region)
		digest, err := targets.FileSHA256(filepath.Join(o.TF.Options.Dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("--plan-file: %s: %w", r.Target.ID(), err)
		}
		key := tf.BackendKey(targets.Fill(o.TF.Options.Backend.Key, r.Target), o.TF.KeyPrefix, r.Target.Account, r.Target.Region)
		saved[r.Target.ID()] = targets.TfPlan{PlanFile: rel, PlanSHA256: digest, StateKey: key}
	}
	plan := targets.NewTfPlan(sum, saved)
	plan.MaxConcurrency, plan.FailureTolerance = o.Fleet.Opts.MaxConcurrency, o.Fleet.Opts.Tolerance.String()
	plan.AllowDelete = o.TF.Options.AllowDestroy
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = e.Files.File("", o.Fleet.PlanFile, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", o.Fleet.PlanFile).Msg("plan written: review it, then run deployer tf apply --targets with the same --plan-file and the saved plans under --dir")
	return nil
}

// planWaves are the plan's waves, each target as the targets file has it
// (external id, tags) with the role the plan was reviewed with.
func planWaves(o Options) []targets.Wave {
	known := map[string]targets.Target{}
	for _, t := range targets.Flatten(o.Fleet.Waves) {
		known[t.ID()] = t
	}
	var ts []targets.Target
	for _, t := range targets.Flatten(o.Plan.Schedule()) {
		ft := known[t.ID()]
		ft.Wave, ft.RoleARN = t.Wave, t.RoleARN
		ts = append(ts, ft)
	}
	return targets.Group(ts)
}

// planEntry finds the plan's entry of a target.
func planEntry(plan *targets.Plan, id string) (targets.PlanTarget, bool) {
	for _, w := range plan.Waves {
		for _, pt := range w.Targets {
			if pt.ID() == id {
				return pt, true
			}
		}
	}
	return targets.PlanTarget{}, false
}
