package targets

import (
	"strings"
	"testing"
)

// cdkPreviewed is previewed() as a CDK preview: the changed target with
// two stacks (Producer before Consumer), the other with one unchanged.
func cdkPreviewed() Plan {
	s := previewed()
	r := s.Results[0]
	consumerCS := strings.Replace(planCS, "0a1b2c3d", "0a1b2c3e", 1)
	consumerStack := strings.Replace(planStack, "/app/", "/Consumer/", 1)
	return NewCDKPlan(s, map[string][]PlanStack{
		"222222222222/us-east-1": {
			{Stack: "app", RoleARN: "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1",
				CfnRoleARN: "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1",
				Status:     Succeeded, ChangeSetARN: r.ChangeSetARN, Changes: r.Counts, Review: r.Review},
			{Stack: "Consumer", Status: Succeeded, ChangeSetARN: consumerCS,
				Changes: Counts{Add: 1}, Review: Review{StackID: consumerStack, StackStatus: "REVIEW_IN_PROGRESS",
					StackUpdated: r.Review.StackUpdated, ChangeDigest: r.Review.ChangeDigest}},
		},
		"333333333333/us-east-1": {{Stack: "app", Status: NoChanges}},
	})
}

func TestCDKPlanRoundTrip(t *testing.T) {
	if !strings.Contains(planStack, "/app/") {
		t.Fatalf("fixture stack id %s", planStack)
	}
	p, err := DecodePlan(encoded(t, cdkPreviewed()), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Waves[0].Targets[0]
	if got.Kind != KindCDK || got.Stack != "" || len(got.Stacks) != 2 || got.Stacks[1].Stack != "Consumer" || got.Status != Succeeded {
		t.Errorf("entry = %+v", got)
	}
	if err := p.Only(KindCfn); err == nil || !strings.Contains(err.Error(), "target 222222222222/us-east-1 is a cdk entry") {
		t.Errorf("Only(cfn) = %v", err)
	}
	if err := p.Only(KindCDK); err != nil {
		t.Errorf("Only(cdk) = %v", err)
	}
}

// A cfn plan's digest does not move with the new field: plans written
// before it still execute.
func TestCfnPlanHasNoStacksField(t *testing.T) {
	if b := encoded(t, NewPlan(previewed())); strings.Contains(string(b), `"stacks"`) {
		t.Errorf("cfn plan carries stacks:\n%s", b)
	}
}

// Each stack is checked as a cfn entry of its target would be, even when
// the digest was computed again after the edit.
func TestDecodePlanRefusesTamperedCDKEntries(t *testing.T) {
	cases := []struct {
		name string
		edit func(*PlanTarget)
		want string
	}{
		{"a deploy role in another account", func(p *PlanTarget) {
			p.Stacks[0].RoleARN = "arn:aws:iam::999999999999:role/cdk-hnb659fds-deploy-role"
		}, "stack app: role_arn arn:aws:iam::999999999999"},
		{"another account's change set", func(p *PlanTarget) {
			p.Stacks[1].ChangeSetARN = strings.Replace(p.Stacks[1].ChangeSetARN, "222222222222", "999999999999", 1)
		}, "stack Consumer: change set"},
		{"a stack twice", func(p *PlanTarget) { p.Stacks[1] = p.Stacks[0] }, "stack app appears twice"},
		{"no stacks", func(p *PlanTarget) { p.Stacks = nil }, "no stacks"},
		{"a change set on the entry", func(p *PlanTarget) { p.ChangeSetARN = planCS }, "on a cdk entry itself"},
		{"status not its stacks'", func(p *PlanTarget) { p.Status = NoChanges }, `status "no-changes", but its stacks say succeeded`},
		{"stacks in a cfn entry", func(p *PlanTarget) { p.Kind = KindCfn }, "stacks in a cfn entry"},
		{"a stack's digest gone", func(p *PlanTarget) { p.Stacks[0].ChangeDigest = "" }, `stack app: change_digest ""`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := cdkPreviewed()
			c.edit(&p.Waves[0].Targets[0])
			_, err := DecodePlan(encoded(t, p), "plan.json")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
