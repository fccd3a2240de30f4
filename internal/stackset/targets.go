package stackset

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/targets"
)

// FromTargets turns the targets file's waves (f.Plan(), or a filtered plan)
// and settings into StackSet waves and operation preferences, so the same
// file serves the fan-out command and StackSets. overrides reads a target's
// parameter files into its parameter overrides; it is called only for
// targets that name files, and the others get nil (their overrides are left
// as they are).
func FromTargets(f *targets.File, plan []targets.Wave, overrides func(files []string) ([]types.Parameter, error)) ([]Wave, Preferences, error) {
	prefs := Preferences{MaxConcurrency: Limit{N: f.MaxConcurrency}}
	if f.Tolerance.IsPercent {
		prefs.FailureTolerance = Limit{N: f.Tolerance.Percent, Percent: true}
	} else {
		prefs.FailureTolerance = Limit{N: f.Tolerance.Count}
	}
	waves := make([]Wave, 0, len(plan))
	for _, w := range plan {
		sw := Wave{Name: w.Name}
		for _, t := range w.Targets {
			st := Target{Account: t.Account, Region: t.Region}
			if len(t.ParameterFiles) > 0 {
				ps, err := overrides(t.ParameterFiles)
				if err != nil {
					return nil, Preferences{}, fmt.Errorf("target %s: %w", t.ID(), err)
				}
				if ps == nil {
					ps = []types.Parameter{}
				}
				st.Overrides = ps
			}
			sw.Targets = append(sw.Targets, st)
		}
		waves = append(waves, sw)
	}
	return waves, prefs, nil
}

// Summary presents a Deploy or Delete result as the fan-out command's
// summary, so the same table, --summary-file and --junit-file serve both,
// one result per stack instance. Instances removed because they left the
// file are listed under the wave "(removed)".
func (r *Result) Summary(name string, started time.Time, took time.Duration) targets.Summary {
	s := targets.Summary{Started: started, Duration: took, StoppedAfter: r.StoppedWave}
	for _, row := range r.Rows {
		wave := row.Wave
		if wave == "" {
			wave = "(removed)"
		}
		account := row.Account
		if account == "" {
			account = row.OU
		}
		res := targets.Result{
			Target: targets.Target{Wave: wave, Account: account, Region: row.Region, Stack: name},
			Stack:  name,
			Status: targets.Succeeded,
			Reason: row.Reason,
		}
		switch row.Outcome {
		case Failed:
			res.Status = targets.Failed
		case NotStarted, Cancelled:
			res.Status = targets.NotStarted
		case Skipped:
			res.Status = targets.NoChanges
		case Planned:
			res.Status, res.Reason = targets.NoChanges, "would "+string(row.Action)+": "+row.Reason
		case Succeeded:
			res.Reason = string(row.Action)
		}
		if row.Action == Untracked {
			res.Reason = "not in the targets file; left in place"
		}
		s.Results = append(s.Results, res)
	}
	return s
}
