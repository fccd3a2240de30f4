package targets

import "fmt"

// KindCDK is the kind of a plan entry that executes the change sets of a
// CDK app's stacks in one target, in dependency order.
const KindCDK = "cdk"

// PlanStack is one stack of a cdk entry: what a cfn entry records of its
// one stack, with the manifest's deploy role (RoleARN) and execution role
// (CfnRoleARN) placed in the target, assumed again at execute.
type PlanStack struct {
	Stack        string `json:"stack"`
	RoleARN      string `json:"role_arn"`
	CfnRoleARN   string `json:"cfn_role_arn"`
	Status       Status `json:"status"`
	ChangeSetARN string `json:"change_set_arn"`
	Changes      Counts `json:"changes"`
	Review
}

// NewCDKPlan records a CDK preview as a plan: NewPlan's entries, of kind
// cdk, each with its stacks (by target id, in dependency order). The entry's
// own stack and change set stay empty: its stacks carry them.
func NewCDKPlan(s Summary, stacks map[string][]PlanStack) Plan {
	p := NewPlan(s)
	for i := range p.Waves {
		for j := range p.Waves[i].Targets {
			t := &p.Waves[i].Targets[j]
			t.Kind, t.Stacks = KindCDK, stacks[t.ID()]
			t.Stack, t.ChangeSetARN, t.Review = "", "", Review{}
		}
	}
	return p
}

// checkCDKEntry checks a cdk entry: no stack or change set of its own, no
// terraform fields, and each stack checked as a cfn entry of the same
// target would be (roles and change set in the target, named as deployer
// names them, what the preview saw), each stack once. The entry's status
// must follow from its stacks': succeeded when one has a change set.
func checkCDKEntry(t PlanTarget) error {
	switch {
	case t.TfPlan != (TfPlan{}):
		return fmt.Errorf("tf_plan_* fields in a %s entry (expected none)", KindCDK)
	case t.Stack != "" || t.ChangeSetARN != "" || t.Review != (Review{}):
		return fmt.Errorf("stack or change set on a %s entry itself (expected them in its stacks)", KindCDK)
	case len(t.Stacks) == 0:
		return fmt.Errorf("no stacks (expected the stacks the preview made change sets for)")
	}
	want, seen := NoChanges, map[string]bool{}
	for _, st := range t.Stacks {
		if seen[st.Stack] {
			return fmt.Errorf("stack %s appears twice", st.Stack)
		}
		seen[st.Stack] = true
		one := PlanTarget{Kind: KindCfn, Account: t.Account, Region: t.Region, Stack: st.Stack, RoleARN: st.RoleARN,
			CfnRoleARN: st.CfnRoleARN, Status: st.Status, ChangeSetARN: st.ChangeSetARN, Changes: st.Changes, Review: st.Review}
		if err := checkCfnEntry(one); err != nil {
			return fmt.Errorf("stack %s: %w", st.Stack, err)
		}
		if st.Status == Succeeded {
			want = Succeeded
		}
	}
	if t.Status != want {
		return fmt.Errorf("status %q, but its stacks say %s", t.Status, want)
	}
	return nil
}

// Only returns an error naming the first entry not of kind, for a command
// that executes one kind of plan: a cdk or terraform plan handed to "cfn
// execute" is refused before anything runs, not executed as change sets.
func (p *Plan) Only(kind string) error {
	for _, w := range p.Waves {
		for _, t := range w.Targets {
			if t.Kind != kind {
				return fmt.Errorf("target %s is a %s entry (expected only %s entries)", t.ID(), t.Kind, kind)
			}
		}
	}
	return nil
}
