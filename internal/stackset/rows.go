package stackset

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// fillRows lists the instances as they are after the run and writes one row
// per instance of every planned item.
func (s *session) fillRows(ctx context.Context, in Input, p plan, res *Result) error {
	final, _, err := s.instances(ctx, in.StackSet.Permission == ServiceManaged)
	if err != nil {
		return err
	}
	res.Rows = rows(p, final, in.StackSet.Permission == ServiceManaged)
	return nil
}

// rows turns items into summary rows: one per stack instance, or one for
// the target when it has no instance (not created, removed, or a preview).
func rows(p plan, instances map[key][]types.StackInstanceSummary, byOU bool) []Row {
	var out []Row
	var all []*item
	for _, w := range p.waves {
		all = append(all, w...)
	}
	all = append(all, p.removals...)
	for _, it := range all {
		outcome := it.outcome
		if outcome == "" {
			outcome = Skipped
		}
		base := Row{Wave: it.wave, Account: it.target.Account, Region: it.target.Region,
			Action: it.action, Outcome: outcome, OperationID: it.opID}
		if byOU {
			base.Account, base.OU = "", it.target.Account
		}
		insts := instances[key{it.target.Account, it.target.Region}]
		if len(insts) == 0 {
			base.Reason = reasonOf(it, outcome, nil)
			out = append(out, base)
			continue
		}
		for _, inst := range insts {
			r := base
			r.Account = aws.ToString(inst.Account)
			r.Status = statusOf(inst)
			r.Reason = reasonOf(it, outcome, &inst)
			if byOU {
				r.Outcome = instanceOutcome(it, r.Account, outcome)
			}
			out = append(out, r)
		}
	}
	return out
}

// statusOf writes CURRENT, or OUTDATED/FAILED when the detailed status adds
// something.
func statusOf(inst types.StackInstanceSummary) string {
	st := string(inst.Status)
	if d := inst.StackInstanceStatus; d != nil && d.DetailedStatus != "" && d.DetailedStatus != types.StackInstanceDetailedStatusSucceeded {
		st += "/" + string(d.DetailedStatus)
	}
	return st
}

// reasonOf picks the most telling reason: the operation's result for the
// instance, the operation's own reason, the instance's status reason, then
// why the plan chose the action.
func reasonOf(it *item, outcome Outcome, inst *types.StackInstanceSummary) string {
	if outcome == Failed || outcome == Cancelled {
		for _, r := range it.results {
			if r.Status == types.StackSetOperationResultStatusSucceeded {
				continue
			}
			if inst == nil || aws.ToString(r.Account) == aws.ToString(inst.Account) {
				if reason := aws.ToString(r.StatusReason); reason != "" {
					return reason
				}
			}
		}
		if it.failure != "" {
			return it.failure
		}
		if inst != nil && aws.ToString(inst.StatusReason) != "" {
			return aws.ToString(inst.StatusReason)
		}
		return "the operation failed without a reason"
	}
	return it.reason
}

// instanceOutcome is one account's outcome within an organizational unit's
// item.
func instanceOutcome(it *item, account string, fallback Outcome) Outcome {
	for _, r := range it.results {
		if aws.ToString(r.Account) != account {
			continue
		}
		switch r.Status {
		case types.StackSetOperationResultStatusFailed:
			return Failed
		case types.StackSetOperationResultStatusCancelled:
			return Cancelled
		case types.StackSetOperationResultStatusSucceeded:
			return Succeeded
		}
	}
	return fallback
}
