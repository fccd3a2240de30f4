package runenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/targets"
)

// WritePlan writes the plan of a many-targets preview (cfn deploy and cdk
// deploy --targets --dry-run --plan-file), only when every target
// previewed: a plan of part of the fleet would deploy part of it. Otherwise
// it writes nothing, removes an older plan at the same path, and says so.
// build makes the plan from sum; the run's concurrency and tolerance are
// recorded in it for the execute. next is what to run with the plan.
func (e *Env) WritePlan(path string, sum targets.Summary, run targets.Options, build func() targets.Plan, next string, log zerolog.Logger) error {
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
	plan := build()
	plan.MaxConcurrency, plan.FailureTolerance = run.MaxConcurrency, run.Tolerance.String()
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = e.Files.File("", path, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", path).Msg("plan written: review it, then run " + next)
	return nil
}
