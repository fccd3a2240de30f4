package settings

import (
	"os"
	"strings"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Fleet is the fan-out group as given (Fanout, and the plan file a
// many-targets run reads or writes), then as Load leaves it: the targets
// file, its waves (only the failed ones with --only-failed) and the run's
// concurrency and tolerance. File is nil without --targets.
type Fleet struct {
	Fanout
	PlanFile string
	File     *targets.File
	Waves    []targets.Wave
	Opts     targets.Options
}

// Load reads the targets file and the run's options; all exit 2 on error.
// Without a targets file, the fan-out flags and the command's own that
// need one (also) are refused.
func (fl *Fleet) Load(s *Set, also ...string) error {
	f := fl.Fanout
	if f.Targets == "" {
		for _, flag := range append(append([]string(nil), FanoutOnly...), also...) {
			if from := s.From(flag); from != "" && from != "default" {
				return exitcode.Usagef("%s: only makes sense with --targets (expected --targets FILE too)", from)
			}
		}
		return nil
	}
	if err := RegularFile(f.Targets); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), err)
	}
	file, err := targets.Load(f.Targets)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("targets"), targets.FirstProblem(err))
	}
	waves := file.Plan()
	if f.OnlyFailed != "" {
		data, err := os.ReadFile(f.OnlyFailed)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("only-failed"), err)
		}
		rep, err := targets.DecodeReport(data, f.OnlyFailed)
		if err != nil {
			return exitcode.Usagef("%s: %v", s.Source("only-failed"), err)
		}
		var missing []string
		waves, missing = targets.OnlyFailed(rep, waves)
		if len(missing) > 0 {
			return exitcode.Usagef("%s: targets %s are not in %s any more (expected the same targets file)", s.Source("only-failed"), strings.Join(missing, ", "), f.Targets)
		}
	}
	fl.File, fl.Waves = file, waves
	return fl.RunOptions(s, file.MaxConcurrency, file.Tolerance)
}

// RunOptions resolves concurrency and tolerance into Opts: flag > file >
// default.
func (fl *Fleet) RunOptions(s *Set, fileConcurrency int, fileTolerance targets.Tolerance) (err error) {
	fl.Opts, err = targets.RunOptions(fileConcurrency, fileTolerance, fl.Concurrency, fl.Tolerance)
	if err != nil {
		return exitcode.Usagef("%s: %v", s.Source("failure-tolerance"), err)
	}
	return nil
}

// PlanRunOptions resolves the run of a reviewed plan into Opts: flag > the
// concurrency and tolerance the preview recorded in plan > default, as cfn
// execute and cdk deploy --plan-file run a plan.
func (fl *Fleet) PlanRunOptions(s *Set, plan *targets.Plan) error {
	tol := targets.Tolerance{}
	if plan.FailureTolerance != "" {
		var err error
		if tol, err = targets.ParseTolerance(plan.FailureTolerance); err != nil {
			return exitcode.Usagef("%s: failure_tolerance: %v", s.Source("plan-file"), err)
		}
	}
	return fl.RunOptions(s, plan.MaxConcurrency, tol)
}

// PathPerTarget refuses a path that is not a file of its own for each
// target of waves; from names where the path came from.
func PathPerTarget(from, pattern string, waves []targets.Wave) error {
	if err := targets.PathPerTarget(pattern, waves); err != nil {
		return exitcode.Usagef("%s: %v", from, err)
	}
	return nil
}

// ReadPlan reads a plan file written by a many-targets preview; from names
// where the path came from, and every error is exit 2.
func ReadPlan(from, path string) (*targets.Plan, error) {
	if err := RegularFile(path); err != nil {
		return nil, exitcode.Usagef("%s: %v", from, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exitcode.Usagef("%s: %v", from, err)
	}
	plan, err := targets.DecodePlan(data, path)
	if err != nil {
		return nil, exitcode.Usagef("%s: %v", from, err)
	}
	return plan, nil
}

// ResolveExecute reads the plan "cfn execute" runs (fl.PlanFile), checks
// that it holds change sets only and that output files are per target,
// and resolves the run's concurrency and tolerance: flag > plan > default.
// Every error is exit 2, before any call.
func ResolveExecute(s *Set, fl *Fleet, outputs Outputs) (*targets.Plan, error) {
	if fl.PlanFile == "" {
		return nil, exitcode.Usagef("--plan-file: no plan given (expected --plan-file FILE from cfn deploy --targets --dry-run --plan-file)")
	}
	plan, err := ReadPlan(s.Source("plan-file"), fl.PlanFile)
	if err != nil {
		return nil, err
	}
	if err := plan.Only(targets.KindCfn); err != nil {
		return nil, exitcode.Usagef("%s: %v", s.Source("plan-file"), err)
	}
	if err := outputs.PerTarget(s, plan.Schedule()); err != nil {
		return nil, err
	}
	return plan, fl.PlanRunOptions(s, plan)
}
