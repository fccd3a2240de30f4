package stackset

import (
	"context"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Preview says what Deploy would do, changing nothing: what differs between
// the input and the StackSet (template, parameters, settings) and, per
// target, whether its instance would be created, updated, left unchanged
// or removed. StackSets has no change sets of its own; the per-target change
// set is the fan-out command's dry run, where it can reach the account.
func (e *Engine) Preview(ctx context.Context, in Input) (*Result, error) {
	_, st, p, err := e.prepare(ctx, in)
	if err != nil {
		return nil, err
	}
	res := &Result{Changes: p.changes}
	if st.set == nil {
		res.Changes = []string{"new stack set"}
	} else {
		res.StackSetID = *st.set.StackSetId
	}
	for _, items := range append(p.waves, p.removals) {
		for _, it := range items {
			switch it.action {
			case Create, Update, Remove:
				it.outcome = Planned
			default:
				it.outcome = Skipped
			}
		}
	}
	res.Rows = rows(p, st.instances, in.StackSet.Permission == ServiceManaged)
	return res, nil
}

// prepare is what Deploy and Preview both start with: the input checked
// (exit 2), the StackSet and its instances read, and the plan made.
func (e *Engine) prepare(ctx context.Context, in Input) (*session, state, plan, error) {
	if err := in.Validate(); err != nil {
		return nil, state{}, plan{}, &exitcode.Error{Code: exitcode.BadInput, Err: err}
	}
	if err := e.checkAdminRole(in.StackSet.AdministrationRoleARN); err != nil {
		return nil, state{}, plan{}, &exitcode.Error{Code: exitcode.BadInput, Err: err}
	}
	s := &session{Engine: e, name: in.StackSet.Name, callAs: in.StackSet.CallAs}
	st, err := s.readState(ctx, in)
	if err != nil {
		return nil, state{}, plan{}, err
	}
	p := makePlan(in, st)
	return s, st, p, nil
}
