package cdkrun

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// Select reads the assembly the cdk group names and selects its stacks, as
// the CDK CLI does; listAll: no stack named means every stack (cdk list).
// All before any AWS call, so bad input is exit 2 with nothing touched.
func Select(s *settings.Set, c settings.CDK, listAll bool) ([]*cdk.Stack, error) {
	asm, err := cdk.Load(c.App)
	if err != nil {
		return nil, exitcode.Usagef("%s: %v", s.Source("app"), err)
	}
	sel := cdk.Selection{Patterns: s.Args(), All: c.All, Exclusively: c.Exclusively}
	if listAll && len(sel.Patterns) == 0 && !sel.All {
		sel.Patterns = []string{"**"}
	}
	stacks, err := asm.Select(sel)
	if err != nil {
		return nil, exitcode.Usagef("stacks: %v", err)
	}
	return stacks, nil
}

// Resolve applies the rules that span the settings of a parsed cdk deploy
// or diff (o.Stacks selected): parameters, tags, approval, the targets
// file, the plan and what every target must admit. No AWS call; every
// error is exit 2.
func (o *Options) Resolve(s *settings.Set) error {
	d := &o.Deploy
	var err error
	if d.Parameters, err = Parameters(s.Source("parameter"), o.Params); err != nil {
		return err
	}
	if d.Tags, err = settings.StackTags(s.Source("tag"), o.Tags); err != nil {
		return err
	}
	d.Concurrency = o.CDK.Concurrency
	if o.Verb == cdk.VerbDiff {
		d.DryRun = true
	}
	if o.CDK.RequireApproval != "never" && o.Verb == cdk.VerbDeploy {
		d.Approve = cdk.Approver(o.CDK.RequireApproval)
	}
	if err := o.Fleet.Load(s); err != nil {
		return err
	}
	if err := o.checkPlan(s); err != nil {
		return err
	}
	return o.checkTargets(s)
}

// Parameters reads --parameter [STACK:]KEY=VALUE as cdk's --parameters:
// by stack ("" for every stack that declares KEY); from names the setting.
func Parameters(from string, given []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, p := range given {
		stack, kv := "", p
		if i, j := strings.Index(p, ":"), strings.Index(p, "="); i >= 0 && (j < 0 || i < j) {
			stack, kv = p[:i], p[i+1:]
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, exitcode.Usagef("%s: %q is not a parameter (expected [STACK:]KEY=VALUE)", from, p)
		}
		if out[stack] == nil {
			out[stack] = map[string]string{}
		}
		out[stack][k] = v
	}
	return out, nil
}

// checkPlan: --plan-file is the plan of a many-targets run, so it needs
// --targets. With --dry-run the preview keeps every change set and writes
// the plan; without, the plan is read to be executed (readPlan).
func (o *Options) checkPlan(s *settings.Set) error {
	if o.Fleet.PlanFile == "" {
		return nil
	}
	switch {
	case o.Fleet.File == nil:
		return exitcode.Usagef("%s: a plan needs --targets FILE (expected cdk deploy --targets FILE [--dry-run] --plan-file PLAN)", s.Source("plan-file"))
	case !o.Deploy.DryRun:
		return o.readPlan(s)
	}
	o.Deploy.KeepChangeSet = true
	return nil
}

// readPlan reads the reviewed plan to execute: cdk entries only, each of a
// target of the targets file. Its waves are run with the concurrency and
// tolerance the preview recorded in it, as cfn execute runs a plan: a flag
// given now wins, the targets file's do not count.
func (o *Options) readPlan(s *settings.Set) error {
	var err error
	if o.Exec, err = settings.ReadPlan(s.Source("plan-file"), o.Fleet.PlanFile); err != nil {
		return err
	}
	if err := o.Exec.Only(targets.KindCDK); err != nil {
		return exitcode.Usagef("%s: %v (expected a plan written by cdk deploy --targets --dry-run --plan-file)", s.Source("plan-file"), err)
	}
	inFile := map[string]bool{}
	for _, t := range targets.Flatten(o.Fleet.Waves) {
		inFile[t.ID()] = true
	}
	for _, t := range targets.Flatten(o.Exec.Schedule()) {
		if !inFile[t.ID()] {
			return exitcode.Usagef("%s: target %s is not in %s (expected the targets file the preview ran)", s.Source("plan-file"), t.ID(), s.Source("targets"))
		}
	}
	return o.Fleet.PlanRunOptions(s, o.Exec)
}

// checkTargets: with --targets, every selected stack must be placeable in
// every target: an environment-agnostic stack goes anywhere, a stack pinned
// at synth only to its own account and region. The outputs files need
// {account} and {region}; the one change report must not have them.
func (o *Options) checkTargets(s *settings.Set) error {
	if o.Fleet.File == nil {
		return nil
	}
	for _, t := range targets.Flatten(o.Fleet.Waves) {
		for _, st := range o.Stacks {
			if !st.Environment.Admits(cdk.Environment{Account: t.Account, Region: t.Region}) {
				return exitcode.Usagef("%s: stack %s is pinned to %s at synth, so it cannot go to target %s (expected environment-agnostic stacks: no env in the app, or one targets file entry per pinned environment)",
					s.Source("targets"), st.DisplayName, st.Environment, t.ID())
			}
		}
	}
	if err := o.Outputs.PerTarget(s, o.Fleet.Waves); err != nil {
		return err
	}
	return o.Report.CheckPaths(s)
}
