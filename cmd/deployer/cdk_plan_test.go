package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKPreviewWritesAPlan previews one agnostic stack in two accounts
// with --dry-run --plan-file: each account gets a change set that is kept,
// nothing is published or executed, and the plan holds one cdk entry per
// target with that stack's change set and the target's deploy role. The
// plan is not one cfn execute runs, and cdk deploy does not execute it yet.
func TestCDKPreviewWritesAPlan(t *testing.T) {
	e, calls := cdkEnv(t)
	app := cdkAssembly(t)
	accounts := []string{"333333333333", "444444444444"}
	for _, acct := range accounts {
		cdkBootstrap(t, e, acct)
	}
	file := filepath.Join(e.Dir, "targets.yaml")
	if err := os.WriteFile(file, []byte("waves:\n  - name: all\n    targets:\n"+
		"      - {account: \"333333333333\", regions: [us-east-1]}\n      - {account: \"444444444444\", regions: [us-east-1]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(e.Dir, "plan.json")
	r := e.Run("cdk", "deploy", "--app", app, "--targets", file, "--dry-run", "--plan-file", plan, "Agnostic")
	if _, puts, cs := calls.snapshot(); r.Code != 0 || len(puts) > 0 || len(cs) != 2 {
		t.Fatalf("preview: exit %d, uploads %v, change sets for %v; want 0, none and one per target:\n%s", r.Code, puts, cs, r.Stderr)
	}
	data, err := os.ReadFile(plan)
	if err != nil {
		t.Fatalf("no plan written: %v\n%s", err, r.Stderr)
	}
	p, err := targets.DecodePlan(data, plan)
	if err != nil {
		t.Fatalf("the plan written does not read back: %v\n%s", err, data)
	}
	seen := 0
	for _, w := range p.Waves {
		for _, pt := range w.Targets {
			seen++
			if pt.Kind != targets.KindCDK || len(pt.Stacks) != 1 || pt.Stacks[0].Stack != "Agnostic" || pt.Stacks[0].Status != targets.Succeeded ||
				!strings.Contains(pt.Stacks[0].RoleARN, ":"+pt.Account+":role/cdk-hnb659fds-deploy-role-") {
				t.Errorf("entry %s = %+v", pt.ID(), pt)
			}
			st, err := cloudformation.NewFromConfig(accountConfig(t, e, pt.Account, testenv.Region)).DescribeStacks(context.Background(),
				&cloudformation.DescribeStacksInput{StackName: aws.String("Agnostic")})
			if err != nil || len(st.Stacks) != 1 || st.Stacks[0].StackStatus != "REVIEW_IN_PROGRESS" {
				t.Errorf("%s: stack after the preview: %v %+v, want only the review stack of the kept change set", pt.Account, err, st)
			}
		}
	}
	if seen != 2 {
		t.Errorf("plan has %d entries, want 2:\n%s", seen, data)
	}
	calls.reset()
	if r := e.Run("cfn", "execute", "--plan-file", plan); r.Code != 2 || !strings.Contains(r.Stderr, "is a cdk entry") {
		t.Errorf("cfn execute of a cdk plan: exit %d, want 2 naming the kind:\n%s", r.Code, r.Stderr)
	}
	r = e.Run("cdk", "deploy", "--app", app, "--targets", file, "--plan-file", plan, "Agnostic")
	if _, puts, cs := calls.snapshot(); r.Code != 2 || !strings.Contains(r.Stderr, "not built yet") || len(puts)+len(cs) > 0 {
		t.Errorf("cdk deploy --plan-file without --dry-run: exit %d, uploads %v, change sets %v; want 2 and nothing touched:\n%s", r.Code, puts, cs, r.Stderr)
	}
}
