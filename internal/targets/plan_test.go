package targets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	planCS    = "arn:aws:cloudformation:us-east-1:222222222222:changeSet/deployer-20250304-050607-0a1b2c3d/0b6f4c1e-8d1f-4a55-9c1e-1f2d3c4b5a69"
	planStack = "arn:aws:cloudformation:us-east-1:222222222222:stack/app/5e1a9d40-fa11-11ef-8b3c-0a1b2c3d4e5f"
)

// previewed is a preview where every target previewed: one change set in
// the canary, no changes in prod.
func previewed() Summary {
	start := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	updated := start.Add(-time.Hour)
	tg := func(wave, acct, region string) Target {
		return Target{Wave: wave, Account: acct, Region: region, RoleARN: "arn:aws:iam::" + acct + ":role/deployer-target"}
	}
	return Summary{Started: start, Results: []Result{
		{Target: tg("canary", "222222222222", "us-east-1"), Status: Succeeded, Counts: Counts{Add: 2, Modify: 1, Replace: 1}, Stack: "app",
			ChangeSetARN: planCS, Review: Review{StackID: planStack, StackStatus: "UPDATE_COMPLETE", StackUpdated: &updated,
				ChangeDigest: "sha256:" + strings.Repeat("ab", 32)}},
		{Target: tg("prod", "333333333333", "us-east-1"), Status: NoChanges, Stack: "app"},
	}}
}

func encoded(t *testing.T, p Plan) []byte {
	t.Helper()
	b, err := EncodePlan(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPlanRoundTripAndExecute(t *testing.T) {
	b := encoded(t, NewPlan(previewed()))
	p, err := DecodePlan(b, "plan.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var executed []Target
	sum := p.Execute(context.Background(), Options{MaxConcurrency: 1}, func(_ context.Context, t Target) Result {
		executed = append(executed, t)
		return Result{Status: Succeeded, Counts: Counts{Add: 2, Modify: 1}}
	})
	want := []Target{{Wave: "canary", Account: "222222222222", Region: "us-east-1", Stack: "app",
		RoleARN: "arn:aws:iam::222222222222:role/deployer-target", ChangeSetARN: planCS, Review: p.Waves[0].Targets[0].Review}}
	if diff := cmp.Diff(want, executed); diff != "" {
		t.Errorf("executed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Status{Succeeded, NoChanges}, statuses(sum)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if sum.ExitCode() != 0 || p.Waves[0].Targets[0].Kind != KindCfn {
		t.Errorf("exit %d, kind %q", sum.ExitCode(), p.Waves[0].Targets[0].Kind)
	}
}

// An interrupted or partly failed preview makes no plan: execute would
// deploy part of the fleet.
func TestPlanableOnlyWhenEveryTargetPreviewed(t *testing.T) {
	if ok, missing := Planable(previewed()); !ok || len(missing) != 0 {
		t.Errorf("a full preview: planable %v, missing %v", ok, missing)
	}
	s := previewed()
	s.Results = append(s.Results, Result{Target: Target{Wave: "prod", Account: "444444444444", Region: "eu-west-1"}, Status: Interrupted},
		Result{Target: Target{Wave: "prod", Account: "555555555555", Region: "eu-west-1"}, Status: NotStarted})
	s.Interrupted = true
	ok, missing := Planable(s)
	if diff := cmp.Diff([]string{"444444444444/eu-west-1 (interrupted)", "555555555555/eu-west-1 (not-started)"}, missing); ok || diff != "" {
		t.Errorf("an interrupted preview: planable %v, missing (-want +got):\n%s", ok, diff)
	}
	s = previewed()
	s.Interrupted = true
	if ok, _ := Planable(s); ok {
		t.Error("a preview interrupted after its last target is planable")
	}
}

// Each tampering with a plan, made with the digest computed again (so only
// the field checks can catch it), is refused when the plan is read, naming
// the target and the field.
func TestDecodePlanRefusesTamperedEntries(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*PlanTarget)
		want   string
		target int
	}{
		{"swapped change set on another stack", func(p *PlanTarget) {
			p.ChangeSetARN = "arn:aws:cloudformation:us-east-1:222222222222:changeSet/evil/0b6f4c1e-8d1f-4a55-9c1e-1f2d3c4b5a69"
		}, `change set "evil" is not named as deployer names`, 0},
		{"change set of another account", func(p *PlanTarget) {
			p.ChangeSetARN = strings.Replace(planCS, "222222222222", "999999999999", 1)
		}, "is in 999999999999/us-east-1, not in the target", 0},
		{"change set of another region", func(p *PlanTarget) {
			p.ChangeSetARN = strings.Replace(planCS, "us-east-1", "eu-west-1", 1)
		}, "is in 222222222222/eu-west-1, not in the target", 0},
		{"other stack", func(p *PlanTarget) { p.Stack = "billing" }, "stack_id " + planStack + " is not stack billing of the target", 0},
		{"bogus status", func(p *PlanTarget) { p.Status = "bogus" }, `status "bogus" (expected succeeded or no-changes`, 0},
		{"failed status", func(p *PlanTarget) { p.Status = Failed }, `status "failed"`, 1},
		{"malformed role", func(p *PlanTarget) { p.RoleARN = "arn:aws:iam::x" }, `role_arn "arn:aws:iam::x" (expected arn:aws:iam::ACCOUNT:role/NAME)`, 0},
		{"role of another account", func(p *PlanTarget) { p.CfnRoleARN = "arn:aws:iam::999999999999:role/admin" }, "cfn_role_arn arn:aws:iam::999999999999:role/admin is in account 999999999999", 1},
		{"no change digest", func(p *PlanTarget) { p.ChangeDigest = "" }, `change_digest ""`, 0},
		{"no stack record", func(p *PlanTarget) { p.StackUpdated = nil }, "no stack_status or stack_updated", 0},
		{"change set on a no-change target", func(p *PlanTarget) { p.ChangeSetARN = planCS }, "status no-changes with change set", 1},
		{"bad stack name", func(p *PlanTarget) { p.Stack = "app;rm" }, `stack "app;rm"`, 1},
		{"unknown kind", func(p *PlanTarget) { p.Kind = "pulumi" }, `kind "pulumi" is not one this deployer executes`, 1},
		{"negative counts", func(p *PlanTarget) { p.Changes.Remove = -1 }, "changes {", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := NewPlan(previewed())
			w := c.target
			c.edit(&p.Waves[w].Targets[0])
			_, err := DecodePlan(encoded(t, p), "plan.json")
			id := p.Waves[w].Targets[0].ID()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "plan.json: wave "+p.Waves[w].Name+": target "+id) {
				t.Errorf("got %v\nwant plan.json, the target and %q", err, c.want)
			}
		})
	}
}

// A hand edit that does not compute the digest again is named as such.
func TestDecodePlanDetectsAnEditByItsDigest(t *testing.T) {
	b := encoded(t, NewPlan(previewed()))
	for name, edited := range map[string]string{
		"swapped ARN":   strings.Replace(string(b), "deployer-20250304-050607-0a1b2c3d", "deployer-20250304-050607-ffffffff", 1),
		"edited digest": editDigest(string(b)),
		"no digest":     strings.Replace(string(b), `"digest": "sha256:`, `"digest": "x`, 1),
	} {
		_, err := DecodePlan([]byte(edited), "plan.json")
		if !errors.Is(err, ErrPlanEdited) || !strings.HasPrefix(err.Error(), "plan.json: digest ") {
			t.Errorf("%s: %v, want plan.json and its digest named", name, err)
		}
	}
	// Whitespace is not content: a plan reindented still reads.
	if _, err := DecodePlan([]byte(strings.ReplaceAll(string(b), "  ", "\t")), "plan.json"); err != nil {
		t.Errorf("reindented plan: %v", err)
	}
}

func editDigest(s string) string {
	i := strings.Index(s, `"digest": "sha256:`) + len(`"digest": "sha256:`)
	c := "0"
	if s[i] == '0' {
		c = "1"
	}
	return s[:i] + c + s[i+1:]
}

func TestDecodePlanRefuses(t *testing.T) {
	cases := map[string]string{
		`{"version": 1, "waves": []}`:             "plan version 1, this deployer executes version 2 plans",
		`{"version": 2, "waves": [], "extra": 1}`: `unknown field "extra"`,
		`{"version": 2, "waves": []}`:             "no digest",
		`{"version": 2, "waves": []} {}`:          "more than one JSON value",
	}
	for in, want := range cases {
		if _, err := DecodePlan([]byte(in), "plan.json"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodePlan(%s) = %v, want %q", in, err, want)
		}
	}
	p := NewPlan(previewed())
	p.Waves[1].Targets = append(p.Waves[1].Targets, p.Waves[1].Targets[0])
	if _, err := DecodePlan(encoded(t, p), "plan.json"); err == nil || !strings.Contains(err.Error(), "target 333333333333/us-east-1 appears twice") {
		t.Errorf("a target twice: %v", err)
	}
}

// An interrupted run's summary says the process's exit code, as the table does.
func TestInterruptedSummaryCarriesTheProcessExitCode(t *testing.T) {
	s := previewed()
	s.Interrupted, s.InterruptCode = true, 143
	if got := NewReport(s).ExitCode; got != 143 {
		t.Errorf("summary exit_code %d, want 143", got)
	}
	if line := s.Line(); !strings.HasSuffix(line, "(interrupted: exit 143)") {
		t.Errorf("verdict %q", line)
	}
	s.Results[0].Status = PlanMismatch
	s.Interrupted = false
	if got := s.ExitCode(); got != 2 {
		t.Errorf("a plan mismatch exits %d, want 2", got)
	}
}
