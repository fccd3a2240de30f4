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

// TestCDKPreviewThenExecuteThePlan previews one agnostic stack in two accounts
// with --dry-run --plan-file: each account gets a change set that is kept,
// nothing is published or executed, and the plan holds one cdk entry per
// target with that stack's change set and the target's deploy role. cfn
// execute refuses it, a tampered copy is refused, and cdk deploy
// --plan-file executes it: both accounts deployed, no change set made.
func TestCDKPreviewThenExecuteThePlan(t *testing.T) {
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
	plan, previewMD := filepath.Join(e.Dir, "plan.json"), filepath.Join(e.Dir, "preview.md")
	r := e.Run("cdk", "deploy", "--app", app, "--targets", file, "--dry-run", "--plan-file", plan, "--report", previewMD, "Agnostic")
	if _, puts, cs := calls.snapshot(); r.Code != 0 || len(puts) > 0 || len(cs) != 2 {
		t.Fatalf("preview: exit %d, uploads %v, change sets for %v; want 0, none and one per target:\n%s", r.Code, puts, cs, r.Stderr)
	}
	// One change report covers both targets (not the last one to end).
	checkReport(t, previewMD, "cdk deploy --targets "+file+" --dry-run: 2 targets, 2 with changes", accounts)
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
	// A plan edited after the review: refused before any call.
	tampered := filepath.Join(e.Dir, "tampered.json")
	if err := os.WriteFile(tampered, []byte(strings.Replace(string(data), `"Agnostic"`, `"Other"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r = e.Run("cdk", "deploy", "--app", app, "--targets", file, "--plan-file", tampered, "Agnostic")
	if _, puts, cs := calls.snapshot(); r.Code != 2 || !strings.Contains(r.Stderr, "does not match the content") || len(puts)+len(cs) > 0 {
		t.Errorf("tampered plan: exit %d, uploads %v, change sets %v; want 2 and nothing touched:\n%s", r.Code, puts, cs, r.Stderr)
	}
	// The reviewed plan: assets published, exactly those change sets
	// executed, none made.
	md, summary, junit := filepath.Join(e.Dir, "execute.md"), filepath.Join(e.Dir, "execute.json"), filepath.Join(e.Dir, "execute.xml")
	r = e.Run("cdk", "deploy", "--app", app, "--targets", file, "--plan-file", plan,
		"--outputs-file", filepath.Join(e.Dir, "out-{account}.json"), "--report", md, "--summary-file", summary, "--junit-file", junit, "Agnostic")
	_, puts, cs := calls.snapshot()
	if r.Code != 0 || len(cs) > 0 || len(puts) != 4 {
		t.Fatalf("execute: exit %d, uploads %v, change sets made %v; want 0, 2 per account and none made:\n%s", r.Code, puts, cs, r.Stderr)
	}
	// The execute reports what it ran, as a deploy does: the change report
	// of the executed change sets, the summary and the JUnit file.
	checkReport(t, md, "cdk deploy --targets "+file+" --plan-file "+plan+": 2 targets, 2 with changes", accounts)
	if got := readSummary(t, summary).statuses(); len(got) != 2 || got["333333333333/us-east-1"] != "succeeded" || got["444444444444/us-east-1"] != "succeeded" {
		t.Errorf("execute summary: %v, want both targets succeeded", got)
	}
	if j := readJUnit(t, junit); j.Tests != 2 || j.Failures != 0 {
		t.Errorf("execute JUnit: %d tests, %d failures; want 2 and 0", j.Tests, j.Failures)
	}
	for _, acct := range accounts {
		st, err := cloudformation.NewFromConfig(accountConfig(t, e, acct, testenv.Region)).DescribeStacks(context.Background(),
			&cloudformation.DescribeStacksInput{StackName: aws.String("Agnostic")})
		if err != nil || len(st.Stacks) != 1 || st.Stacks[0].StackStatus != "CREATE_COMPLETE" {
			t.Errorf("%s: stack after execute: %v %+v, want CREATE_COMPLETE", acct, err, st)
		}
		bucket := "cdk-hnb659fds-assets-" + acct + "-" + testenv.Region
		if got := readOutputs(t, filepath.Join(e.Dir, "out-"+acct+".json"))["Agnostic"]["ConfigBucket"]; got != bucket {
			t.Errorf("account %s: output ConfigBucket %q, want %s", acct, got, bucket)
		}
	}
	// Executed once: the change sets are gone, so a second run is stale.
	if r := e.Run("cdk", "deploy", "--app", app, "--targets", file, "--plan-file", plan, "Agnostic"); r.Code == 0 {
		t.Errorf("the same plan executed twice: exit 0\n%s", r.Stderr)
	}
}

// checkReport fails unless the Markdown change report at path opens with
// head and names the Agnostic stack in every account.
func checkReport(t *testing.T, path, head string, accounts []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no change report: %v", err)
	}
	if !strings.Contains(string(b), "# Change report\n\n"+head) {
		t.Errorf("change report does not open with %q:\n%s", head, b)
	}
	for _, acct := range accounts {
		if !strings.Contains(string(b), acct+"/us-east-1 Agnostic") {
			t.Errorf("change report does not name %s/us-east-1 Agnostic:\n%s", acct, b)
		}
	}
}
