package stackset

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Deploy creates or updates the StackSet, then creates, updates and removes
// its instances wave by wave to match the input, following every operation
// to its end within ctx's deadline. A wave whose failures go over the
// tolerance stops the run: later waves and removals do not start, and
// Result.Stopped says so. The error is for failures of the run itself
// (access, validation, the budget), not for failed instances.
func (e *Engine) Deploy(ctx context.Context, in Input) (*Result, error) {
	s, st, p, err := e.prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	res := &Result{Changes: p.changes}
	if st.set == nil {
		res.StackSetID, err = s.create(ctx, in.StackSet)
		if apiCode(err) == codeNameExists {
			// Another run created it between our look and our create:
			// read it again and update it like any existing StackSet.
			s.Log.Warn().Str("stack_set", s.name).Msg("another run created the stack set first; reading it and updating instead")
			if s, st, p, err = e.prepare(ctx, in); err != nil {
				return nil, err
			}
			if st.set == nil {
				return nil, fmt.Errorf("create stack set %s: the name is taken but the StackSet cannot be read (another caller's, or another CallAs?)", in.StackSet.Name)
			}
			res = &Result{Changes: p.changes, StackSetID: aws.ToString(st.set.StackSetId)}
		} else if err != nil {
			return nil, err
		} else {
			res.Created = true
		}
	} else {
		res.StackSetID = aws.ToString(st.set.StackSetId)
	}
	d := &deployment{session: s, in: in, prefs: in.Preferences.operationPreferences(),
		pending: st.set != nil && len(p.changes) > 0, anyInstances: len(st.instances) > 0}
	for i, items := range p.waves {
		if res.Stopped {
			markNotStarted(items)
			continue
		}
		if err := d.wave(ctx, in.Waves[i].Name, items); err != nil {
			return nil, err
		}
		if d.stopped {
			res.Stopped, res.StoppedWave = true, in.Waves[i].Name
			s.Log.Warn().Str("stack_set", s.name).Str("wave", in.Waves[i].Name).
				Msg("the wave went over its failure tolerance; later waves and removals do not start")
		}
	}
	if res.Stopped {
		markNotStarted(p.removals)
	} else if err := d.finish(ctx, p.removals); err != nil {
		return nil, err
	}
	if err := s.fillRows(ctx, in, p, res); err != nil {
		return nil, err
	}
	return res, nil
}

// deployment is one Deploy's progress.
type deployment struct {
	*session
	in    Input
	prefs *types.StackSetOperationPreferences
	// pending: the StackSet's template, parameters or settings still have to
	// be sent. UpdateStackSet takes them and must name instances to update
	// (or it updates all of them, which would ignore the waves), so they go
	// with the first wave that has an instance to update.
	pending      bool
	anyInstances bool
	stopped      bool
}

// step is one operation of a wave.
type step struct {
	what  string
	g     *group
	start startFunc
}

func (d *deployment) wave(ctx context.Context, name string, items []*item) error {
	updates, creates := filter(items, Update), filter(items, Create)
	var steps []step
	if d.pending && !d.anyInstances {
		// No instance anywhere: the update touches none, and creates that
		// follow use the new template.
		steps = append(steps, d.updateSet(nil))
		d.pending = false
	}
	steps = append(steps, d.updates(updates)...)
	for _, g := range groupItems(creates) {
		steps = append(steps, d.createInstances(g))
	}
	if d.pending && len(creates) > 0 {
		// Instances exist only in later waves or outside the file: these new
		// ones were made from the old template and now carry the update
		// first, so the first wave is still the first to get it.
		steps = append(steps, d.updates(creates)...)
	}
	tolerance := d.in.Preferences.FailureTolerance.Of(len(items))
	failed := 0
	for i, st := range steps {
		f, err := d.operate(ctx, fmt.Sprintf("wave %s: %s", name, st.what), st.start)
		if err != nil {
			return err
		}
		if st.g != nil {
			failed += record(st.g.items, f)
		}
		if f.status != types.StackSetOperationStatusSucceeded || failed > tolerance {
			d.stopped = true
			for _, rest := range steps[i+1:] {
				if rest.g != nil {
					markNotStarted(rest.g.items)
				}
			}
			return nil
		}
	}
	return nil
}

// updates are the steps that bring existing instances up to date: the
// StackSet update itself with the first group when it is pending, then
// UpdateStackInstances, which also carries overrides.
func (d *deployment) updates(items []*item) []step {
	var steps []step
	for _, g := range groupItems(items) {
		overridesChanged := false
		for _, it := range g.items {
			overridesChanged = overridesChanged || it.overridesChanged
		}
		if d.pending {
			steps = append(steps, d.updateSet(g))
			d.pending = false
			if !overridesChanged {
				continue
			}
		}
		steps = append(steps, d.updateInstances(g, overridesChanged))
	}
	return steps
}

// finish removes the instances no longer in the file and sends a StackSet
// update no wave could carry.
func (d *deployment) finish(ctx context.Context, removals []*item) error {
	if d.in.Removal != RemoveNone {
		for _, g := range groupItems(removals) {
			f, err := d.operate(ctx, "remove instances not in the targets file", d.deleteInstances(g, d.in.Removal == RemoveRetain).start)
			if err != nil {
				return err
			}
			record(g.items, f)
		}
	}
	if d.pending {
		_, err := d.operate(ctx, "update stack set", d.updateSet(nil).start)
		return err
	}
	return nil
}

// record sets each item's outcome from the operation's results and returns
// how many instances failed.
func record(items []*item, f *finished) int {
	failed := 0
	for _, it := range items {
		it.opID, it.results, it.failure = f.id, nil, ""
		for k, r := range f.results {
			if k.Region == it.target.Region && (k.Account == it.target.Account || aws.ToString(r.OrganizationalUnitId) == it.target.Account) {
				it.results = append(it.results, r)
			}
		}
		it.outcome = Succeeded
		if len(it.results) == 0 && f.status != types.StackSetOperationStatusSucceeded {
			it.outcome, it.failure = Failed, f.reason
			failed++
		}
		for _, r := range it.results {
			switch r.Status {
			case types.StackSetOperationResultStatusFailed:
				it.outcome = Failed
				failed++
			case types.StackSetOperationResultStatusCancelled:
				if it.outcome != Failed {
					it.outcome = Cancelled
				}
			}
		}
	}
	return failed
}

func markNotStarted(items []*item) {
	for _, it := range items {
		if it.outcome == "" && it.action != Unchanged && it.action != Untracked {
			it.outcome = NotStarted
		}
	}
}

// targets fills an operation's accounts (or organizational units) and regions.
func (d *deployment) targets(g *group) ([]string, *types.DeploymentTargets) {
	if d.in.StackSet.Permission == ServiceManaged {
		return nil, &types.DeploymentTargets{OrganizationalUnitIds: g.accounts}
	}
	return g.accounts, nil
}

func (d *deployment) createInstances(g *group) step {
	accounts, dt := d.targets(g)
	return step{what: fmt.Sprintf("create %d instance(s)", len(g.items)), g: g, start: func(ctx context.Context, id string) (string, error) {
		out, err := d.CFN.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{
			StackSetName: aws.String(d.name), CallAs: d.callAs, OperationId: aws.String(id), OperationPreferences: d.prefs,
			Accounts: accounts, DeploymentTargets: dt, Regions: g.regions, ParameterOverrides: g.overrides,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.OperationId), nil
	}}
}

func (d *deployment) updateInstances(g *group, withOverrides bool) step {
	accounts, dt := d.targets(g)
	var overrides []types.Parameter
	if withOverrides {
		overrides = g.overrides
	}
	return step{what: fmt.Sprintf("update %d instance(s)", len(g.items)), g: g, start: func(ctx context.Context, id string) (string, error) {
		out, err := d.CFN.UpdateStackInstances(ctx, &cloudformation.UpdateStackInstancesInput{
			StackSetName: aws.String(d.name), CallAs: d.callAs, OperationId: aws.String(id), OperationPreferences: d.prefs,
			Accounts: accounts, DeploymentTargets: dt, Regions: g.regions, ParameterOverrides: overrides,
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.OperationId), nil
	}}
}

func (d *deployment) deleteInstances(g *group, retain bool) step {
	accounts, dt := d.targets(g)
	return step{what: fmt.Sprintf("remove %d instance(s)", len(g.items)), g: g, start: func(ctx context.Context, id string) (string, error) {
		out, err := d.CFN.DeleteStackInstances(ctx, &cloudformation.DeleteStackInstancesInput{
			StackSetName: aws.String(d.name), CallAs: d.callAs, OperationId: aws.String(id), OperationPreferences: d.prefs,
			Accounts: accounts, DeploymentTargets: dt, Regions: g.regions, RetainStacks: aws.Bool(retain),
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.OperationId), nil
	}}
}
