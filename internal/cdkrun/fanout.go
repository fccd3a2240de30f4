package cdkrun

import (
	"context"
	"sync"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/report"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/targets"
)

// fanout runs the selected stacks in every target of the targets file, in
// its waves, or executes the reviewed plan in the plan's waves. Each
// target's roles and buckets are the manifest's placed in that target; a
// role line in the file is assumed first and, being in the target's
// account, then used instead. At the end it writes a preview's plan and one
// change report covering every target.
func fanout(ctx context.Context, e *runenv.Env, o Options, log zerolog.Logger) (targets.Summary, error) {
	// Each target's account is the file's: STS is not asked who the
	// pipeline is (a bootstrap refusal asks, to name it in the fix).
	o.Assume.Assume.SourceOnDemand = true
	fl, err := e.Fleet(ctx, o.Assume, log)
	if err != nil {
		return targets.Summary{}, err
	}
	opts := o.Fleet.Opts
	opts.Progress = targets.LogProgress{Log: log}
	got := &collected{stacks: map[string][]cdk.StackResult{}, errs: map[string]error{}, plan: map[string][]targets.PlanStack{}}
	entries := map[string]targets.PlanTarget{}
	if o.Exec != nil {
		for _, w := range o.Exec.Waves {
			for _, t := range w.Targets {
				entries[t.ID()] = t
			}
		}
	}
	each := func(ctx context.Context, t targets.Target) targets.Result {
		tlog := log.With().Str("target", t.ID()).Logger()
		results, err := target(ctx, e, fl, o, t, entries[t.ID()], tlog)
		got.add(ctx, o, t.ID(), results, err)
		if err != nil {
			tlog.Error().Msg(err.Error())
		}
		return targets.DeployResult(ctx, cdk.Folded(results), err)
	}
	if o.Exec != nil {
		sum := o.Exec.Execute(ctx, opts, each)
		command := report.CommandLine("cdk deploy", false, o.Fleet.Targets) + " --plan-file " + o.Fleet.PlanFile
		return sum, got.report(o, command, targets.Flatten(o.Exec.Schedule())).Write(e.Files)
	}
	sum := targets.Run(ctx, o.Fleet.Waves, opts, each)
	if o.Fleet.PlanFile != "" {
		err := e.WritePlan(o.Fleet.PlanFile, sum, o.Fleet.Opts, func() targets.Plan {
			plan := targets.NewCDKPlan(sum, got.plan)
			// A CDK deploy allows replacements and deletions (cdk's own default).
			plan.AllowReplacement, plan.AllowDelete = true, true
			return plan
		}, "deployer cdk deploy --targets with --plan-file and without --dry-run", log)
		if err != nil {
			return sum, err
		}
	}
	command := report.CommandLine("cdk "+o.Verb, o.Deploy.DryRun && o.Verb == cdk.VerbDeploy, o.Fleet.Targets)
	return sum, got.report(o, command, targets.Flatten(o.Fleet.Waves)).Write(e.Files)
}

// target runs one target in its own session: the selected stacks placed in
// it, or with a reviewed plan exactly its entry's stacks (cdk.ExecutePlan:
// their assets published, then each planned change set executed after the
// review check).
func target(ctx context.Context, e *runenv.Env, fl *targets.Fleet, o Options, t targets.Target, entry targets.PlanTarget, log zerolog.Logger) ([]cdk.StackResult, error) {
	s, err := fl.Session(ctx, t, log)
	if err != nil {
		return nil, err
	}
	env := cdk.Environment{Account: t.Account, Region: t.Region}
	if o.Exec == nil {
		return in(ctx, e, o, s, env, t.ID(), log)
	}
	p := e.Presenter(log, t.ID())
	results, err := cdk.ExecutePlan(ctx, deps(e, o, s, p, log), runOptions(e, o, s, env), entry)
	if results == nil {
		return nil, err
	}
	return results, present(e, o, results, err, env, t.ID(), p, log)
}

// collected gathers the targets' stacks as they end, from the targets
// running at once, for the change report and a preview's plan.
type collected struct {
	mu     sync.Mutex
	stacks map[string][]cdk.StackResult
	errs   map[string]error
	plan   map[string][]targets.PlanStack // a preview's, for --plan-file
}

func (c *collected) add(ctx context.Context, o Options, id string, results []cdk.StackResult, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stacks[id], c.errs[id] = results, err
	if o.Fleet.PlanFile != "" && o.Exec == nil {
		c.plan[id] = cdk.PlanStacks(ctx, results, o.Deploy)
	}
}

// report is one change report of every target that ran, in the targets'
// order, each target's stacks in dependency order; a target that failed
// before its stacks ran is one line per selected stack with the error.
func (c *collected) report(o Options, command string, order []targets.Target) *report.Run {
	c.mu.Lock()
	defer c.mu.Unlock()
	rep := report.NewRun(o.Report.Files(), command, nil)
	for _, t := range order {
		id := t.ID()
		if err := c.errs[id]; len(c.stacks[id]) == 0 && err != nil {
			for _, st := range o.Stacks {
				rep.CFN(id, st.StackName, nil, err)
			}
		}
		for _, r := range c.stacks[id] {
			rep.CFN(id, r.Stack.StackName, r.Result, r.Err)
		}
	}
	return rep
}
