package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// cdkPlan collects a preview's stacks by target, from the targets running
// at once, for the plan written at the end.
type cdkPlan struct {
	mu     sync.Mutex
	stacks map[string][]targets.PlanStack
}

func (p *cdkPlan) add(id string, stacks []targets.PlanStack) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stacks[id] = stacks
}

// checkPlan: --plan-file is the plan of a many-targets preview, so it needs
// --targets and --dry-run; the preview then keeps every change set.
func (o *cdkDeployOptions) checkPlan(s *settings.Set) error {
	if o.fanout.planFile == "" {
		return nil
	}
	switch {
	case o.fanout.file == nil:
		return exitcode.Usagef("%s: a plan needs --targets FILE (expected cdk deploy --targets FILE --dry-run --plan-file PLAN)", s.Source("plan-file"))
	case !o.deploy.DryRun:
		return exitcode.Usagef("%s without --dry-run: executing a cdk plan is not built yet (expected cdk deploy --targets FILE --dry-run --plan-file PLAN, which writes one for review)", s.Source("plan-file"))
	}
	o.deploy.KeepChangeSet = true
	o.plan = &cdkPlan{stacks: map[string][]targets.PlanStack{}}
	return nil
}

// writeCDKPlan writes the preview as a plan of kind cdk entries, only when
// every target previewed; otherwise it writes nothing, removes an older
// plan at the same path, and says so.
func (a *app) writeCDKPlan(o *cdkDeployOptions, sum targets.Summary, log zerolog.Logger) error {
	path := o.fanout.planFile
	if ok, missing := targets.Planable(sum); !ok {
		why := fmt.Sprintf("%d of %d targets did not preview: %s", len(missing), len(sum.Results), strings.Join(missing, ", "))
		if err := os.Remove(path); err == nil {
			why += "; the older plan there was removed"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--plan-file: remove the older plan %s: %w", path, err)
		}
		log.Warn().Str("plan", path).Msg("no plan written: " + why)
		return nil
	}
	plan := targets.NewCDKPlan(sum, o.plan.stacks)
	plan.MaxConcurrency, plan.FailureTolerance = o.fanout.opts.MaxConcurrency, o.fanout.opts.Tolerance.String()
	// A CDK deploy allows replacements and deletions (cdk's own default).
	plan.AllowReplacement, plan.AllowDelete = true, true
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = a.files.File("", path, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", path).Msg("plan written: every target's change sets, kept for review")
	return nil
}
