package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
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

// checkPlan: --plan-file is the plan of a many-targets run, so it needs
// --targets. With --dry-run the preview keeps every change set and writes
// the plan; without, the plan is read and executed (readPlan).
func (o *cdkDeployOptions) checkPlan(s *settings.Set) error {
	if o.fanout.PlanFile == "" {
		return nil
	}
	switch {
	case o.fanout.File == nil:
		return exitcode.Usagef("%s: a plan needs --targets FILE (expected cdk deploy --targets FILE [--dry-run] --plan-file PLAN)", s.Source("plan-file"))
	case !o.deploy.DryRun:
		return o.readPlan(s)
	}
	o.deploy.KeepChangeSet = true
	o.plan = &cdkPlan{stacks: map[string][]targets.PlanStack{}}
	return nil
}

// writeCDKPlan writes the preview as a plan of kind cdk entries, only when
// every target previewed; otherwise it writes nothing, removes an older
// plan at the same path, and says so.
func (a *app) writeCDKPlan(o *cdkDeployOptions, sum targets.Summary, log zerolog.Logger) error {
	path := o.fanout.PlanFile
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
	plan.MaxConcurrency, plan.FailureTolerance = o.fanout.Opts.MaxConcurrency, o.fanout.Opts.Tolerance.String()
	// A CDK deploy allows replacements and deletions (cdk's own default).
	plan.AllowReplacement, plan.AllowDelete = true, true
	data, err := targets.EncodePlan(plan)
	if err == nil {
		err = a.files.File("", path, data)
	}
	if err != nil {
		return fmt.Errorf("--plan-file: %w", err)
	}
	log.Info().Str("plan", path).Msg("plan written: review it, then run deployer cdk deploy --targets with --plan-file and without --dry-run")
	return nil
}

// readPlan reads the reviewed plan to execute: cdk entries only, each of a
// target of the targets file. Its waves are run; the file gives the run's
// concurrency and tolerance, as for a deploy.
func (o *cdkDeployOptions) readPlan(s *settings.Set) error {
	var err error
	if o.exec, err = settings.ReadPlan(s.Source("plan-file"), o.fanout.PlanFile); err != nil {
		return err
	}
	if err := o.exec.Only(targets.KindCDK); err != nil {
		return exitcode.Usagef("%s: %v (expected a plan written by cdk deploy --targets --dry-run --plan-file)", s.Source("plan-file"), err)
	}
	inFile := map[string]bool{}
	for _, t := range targets.Flatten(o.fanout.Waves) {
		inFile[t.ID()] = true
	}
	for _, t := range targets.Flatten(o.exec.Schedule()) {
		if !inFile[t.ID()] {
			return exitcode.Usagef("%s: target %s is not in %s (expected the targets file the preview ran)", s.Source("plan-file"), t.ID(), s.Source("targets"))
		}
	}
	return nil
}

// executeCDKPlan executes the reviewed plan target by target, in its waves:
// each target's planned stacks published and their change sets executed,
// exactly those (cdk.ExecutePlan).
func (a *app) executeCDKPlan(ctx context.Context, fl *targets.Fleet, o *cdkDeployOptions, opts targets.Options, log zerolog.Logger) targets.Summary {
	entries := map[string]targets.PlanTarget{}
	for _, w := range o.exec.Waves {
		for _, t := range w.Targets {
			entries[t.ID()] = t
		}
	}
	return o.exec.Execute(ctx, opts, func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		s, err := fl.Session(ctx, t, tlog)
		var results []cdk.StackResult
		if err == nil {
			env := cdk.Environment{Account: t.Account, Region: t.Region}
			p := a.presenter(tlog, t.ID())
			results, err = cdk.ExecutePlan(ctx, a.cdkDeps(o, s, p, tlog), a.cdkRunOptions(o, s, env), entries[t.ID()])
			results, err = a.cdkPresent(o, results, err, env, t.ID(), p, tlog)
		}
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return targets.DeployResult(ctx, cdk.Folded(results), err)
	})
}
