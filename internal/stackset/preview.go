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
	if err := in.Validate(); err != nil {
		return nil, &exitcode.Error{Code: exitcode.BadInput, Err: err}
	}
	s := &session{Engine: e, name: in.StackSet.Name, callAs: in.StackSet.CallAs}
	st, err := s.readState(ctx, in)
	if err != nil {
		return nil, err
	}
	p := makePlan(in, st)
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
