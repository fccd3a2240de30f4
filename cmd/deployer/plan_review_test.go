package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/targets"
	"github.com/deployer-dev/deployer/internal/testenv"
)

// pairPreview previews testdata/fanout/pair.yaml (222 and 333 in us-east-1)
// into a plan.
func pairPreview(e *testenv.Env, dir, plan string, extra ...string) testenv.Result {
	e.T.Helper()
	args := append([]string{"cfn", "deploy", "--targets", filepath.Join(dir, "pair.yaml"), "--stack", fanoutStack,
		"--template", filepath.Join(dir, "app.yaml"), "--max-concurrency", "1", "--dry-run", "--plan-file", plan}, extra...)
	return e.Run(args...)
}

// loadPlan reads a plan without its checks, to tamper with it.
func loadPlan(t *testing.T, path string) targets.Plan {
	t.Helper()
	var p targets.Plan
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// savePlan writes p with its digest computed again, as someone who knows
// the format would.
func savePlan(t *testing.T, path string, p targets.Plan) {
	t.Helper()
	b, err := targets.EncodePlan(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// evilChangeSet makes a change set named as deployer names them on another
// stack of account 222222222222, as someone with CloudFormation access in
// that account could, and returns its ARN.
func evilChangeSet(t *testing.T, e *testenv.Env, dir string) string {
	t.Helper()
	cf := cloudformation.NewFromConfig(accountConfig(t, e, "222222222222", "us-east-1"))
	body, _ := os.ReadFile(filepath.Join(dir, "app.yaml"))
	out, err := cf.CreateChangeSet(context.Background(), &cloudformation.CreateChangeSetInput{StackName: aws.String("other-app"),
		ChangeSetName: aws.String("deployer-20250101-000000-deadbeef"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: aws.String(string(body))})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		cs, err := cf.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{ChangeSetName: out.Id})
		if err == nil && cs.Status == types.ChangeSetStatusCreateComplete {
			return aws.ToString(out.Id)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the evil change set never became ready")
	return ""
}

func TestPlanExecutesOnlyWhatWasReviewed(t *testing.T) {
	e := testenv.NewEnv(t)
	var x executed
	e.Proxy.Handle(x.hook())
	dir := fanoutDir(t, e)
	plan := filepath.Join(e.Dir, "plan.json")
	mustCode(t, pairPreview(e, dir, plan), 0)
	reviewed := loadPlan(t, plan)
	evil := evilChangeSet(t, e, dir)
	raw, _ := os.ReadFile(plan)
	canary := reviewed.Waves[0].Targets[0]
	if canary.Account != "222222222222" || canary.Status != targets.Succeeded {
		t.Fatalf("the plan's first target: %+v", canary)
	}

	// Tampering the plan's own checks catch: exit 2, one line naming the
	// file, the target and the field, no AWS call.
	refused := map[string]struct {
		edit func(p *targets.Plan) []byte
		want string
	}{
		"swapped ARN, digest as it was": {func(*targets.Plan) []byte {
			return []byte(strings.Replace(string(raw), canary.ChangeSetARN, evil, 1))
		}, "does not match the content"},
		"edited digest": {func(*targets.Plan) []byte {
			return []byte(strings.Replace(string(raw), reviewed.Digest, "sha256:"+strings.Repeat("0", 64), 1))
		}, "digest sha256:0000"},
		"other stack": {func(p *targets.Plan) []byte { p.Waves[0].Targets[0].Stack = "other-app"; return nil },
			"is not stack other-app of the target"},
		"other account": {func(p *targets.Plan) []byte {
			p.Waves[0].Targets[0].ChangeSetARN = strings.Replace(canary.ChangeSetARN, "222222222222", "333333333333", 1)
			return nil
		}, "is in 333333333333/us-east-1, not in the target"},
		"bogus status": {func(p *targets.Plan) []byte { p.Waves[0].Targets[1].Status = "bogus"; return nil }, `status "bogus"`},
	}
	for name, c := range refused {
		p := loadPlan(t, plan)
		path := filepath.Join(e.Dir, "tampered.json")
		if b := c.edit(&p); b != nil {
			os.WriteFile(path, b, 0o600)
		} else {
			savePlan(t, path, p)
		}
		e.Proxy.ResetCalls()
		r := e.Run("cfn", "execute", "--plan-file", path)
		if r.Code != 2 || !strings.Contains(r.Stderr, c.want) || !strings.Contains(r.Stderr, path) {
			t.Errorf("%s: exit %d, want 2 and %q\n%s", name, r.Code, c.want, r.Stderr)
		}
		if n := len(e.Proxy.Calls()); n != 0 {
			t.Errorf("%s: %d AWS calls before refusing", name, n)
		}
	}

	// The evil change set swapped in with the digest computed again: its
	// ARN passes every check of the file, so execute must describe it and
	// see it belongs to another stack.
	p := loadPlan(t, plan)
	p.Waves[0].Targets[0].ChangeSetARN = evil
	tampered := filepath.Join(e.Dir, "swapped.json")
	savePlan(t, tampered, p)
	sum := filepath.Join(e.Dir, "summary.json")
	r := e.Run("cfn", "execute", "--plan-file", tampered, "--max-concurrency", "1", "--summary-file", sum)
	mustCode(t, r, 2)
	s := readSummary(t, sum)
	if got := s.statuses(); got["222222222222/us-east-1"] != "plan-mismatch" || got["333333333333/us-east-1"] != "not-started" || s.ExitCode != 2 {
		t.Errorf("statuses %v, summary exit %d", got, s.ExitCode)
	}
	if !strings.Contains(s.Targets[0].Reason, "belongs to stack other-app") || !strings.Contains(r.Stderr, "1 not as reviewed") {
		t.Errorf("reason %q\n%s", s.Targets[0].Reason, r.Stderr)
	}
	if len(x.sorted()) != 0 {
		t.Fatalf("executed %v", x.sorted())
	}
	for _, stack := range []string{fanoutStack, "other-app"} {
		if st, _ := stackIn(t, e, "222222222222", "us-east-1", stack); st != "REVIEW_IN_PROGRESS" {
			t.Errorf("%s after the refused execute: %s", stack, st)
		}
	}

	// The plan as reviewed executes.
	mustCode(t, e.Run("cfn", "execute", "--plan-file", plan), 0)
	if got := x.sorted(); !slices.Contains(got, canary.ChangeSetARN) || slices.Contains(got, evil) || len(got) != 2 {
		t.Errorf("executed %v", got)
	}

	// Stale plan: a preview, then an update out of band that CloudFormation
	// does not invalidate the change set for (UpdateStack), then execute.
	mustCode(t, pairPreview(e, dir, plan, "--parameter", "Greeting=v2"), 0)
	cf := cloudformation.NewFromConfig(accountConfig(t, e, "222222222222", "us-east-1"))
	_, err := cf.UpdateStack(context.Background(), &cloudformation.UpdateStackInput{StackName: aws.String(fanoutStack), UsePreviousTemplate: aws.Bool(true),
		Parameters: []types.Parameter{{ParameterKey: aws.String("Env"), UsePreviousValue: aws.Bool(true)}, {ParameterKey: aws.String("Greeting"), ParameterValue: aws.String("out-of-band")}}})
	if err != nil {
		t.Fatal(err)
	}
	x.reset()
	r = e.Run("cfn", "execute", "--plan-file", plan, "--failure-tolerance", "1", "--summary-file", sum)
	mustCode(t, r, 2)
	s = readSummary(t, sum)
	if got := s.statuses(); got["222222222222/us-east-1"] != "plan-mismatch" || got["333333333333/us-east-1"] != "succeeded" {
		t.Errorf("stale plan: statuses %v", got)
	}
	if reason := s.Targets[0].Reason; !strings.Contains(reason, "changed since the preview") || !strings.Contains(reason, "preview again") {
		t.Errorf("stale plan: reason %q", reason)
	}
	if _, out := stackIn(t, e, "222222222222", "us-east-1", fanoutStack); out["Greeting"] != "out-of-band" {
		t.Errorf("the stale target was executed anyway: %v", out)
	}
	if len(x.sorted()) != 1 {
		t.Errorf("executed %v, want only 333's change set", x.sorted())
	}
}

// An interrupted preview writes no plan (execute would deploy part of the
// fleet) and removes an older one; the exit code, the summary file, the
// JUnit file and the table agree on the interrupt.
func TestInterruptedPreviewWritesNoPlan(t *testing.T) {
	e := testenv.NewEnv(t)
	// The second target's change set waits until the process is gone.
	var creates int32
	e.Proxy.Handle(testenv.OnAction("CreateChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if n := atomic.AddInt32(&creates, 1); n > 1 {
			select {
			case <-r.HTTP.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}
		return nil
	}))
	dir := fanoutDir(t, e)
	plan := filepath.Join(e.Dir, "plan.json")
	os.WriteFile(plan, []byte("an older plan\n"), 0o600)
	sum, junit := filepath.Join(e.Dir, "summary.json"), filepath.Join(e.Dir, "junit.xml")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, nil, "cfn", "deploy", "--targets", filepath.Join(dir, "pair.yaml"), "--stack", fanoutStack,
		"--template", filepath.Join(dir, "app.yaml"), "--max-concurrency", "1", "--dry-run", "--plan-file", plan,
		"--summary-file", sum, "--junit-file", junit)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); atomic.LoadInt32(&creates) < 2; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second target never started:\n%s", stderr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	code := exitCode(cmd.Wait())
	e.Record(stderr.String())
	if code != 143 {
		t.Fatalf("exit %d, want 143\n%s", code, stderr.String())
	}
	if _, err := os.Stat(plan); !os.IsNotExist(err) {
		t.Errorf("a plan file is left after an interrupted preview: %v", err)
	}
	if !strings.Contains(stderr.String(), "no plan written: 1 of 2 targets did not preview: 333333333333/us-east-1 (interrupted); the older plan there was removed") {
		t.Errorf("no word that no plan was written:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "2 targets: 1 succeeded, 1 interrupted (interrupted: exit 143)") {
		t.Errorf("the table's verdict does not say the exit code:\n%s", stderr.String())
	}
	if s := readSummary(t, sum); s.ExitCode != 143 || s.statuses()["333333333333/us-east-1"] != "interrupted" {
		t.Errorf("summary: exit_code %d, statuses %v", s.ExitCode, s.statuses())
	}
	b, _ := os.ReadFile(junit)
	if !strings.Contains(string(b), `errors="1"`) {
		t.Errorf("junit has no error for the interrupted target:\n%s", b)
	}
}

// An interrupted execute exits 130 on SIGINT, and its summary file says
// 130 too (it used to say 1).
func TestInterruptedExecuteSummaryAgrees(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	plan := filepath.Join(e.Dir, "plan.json")
	mustCode(t, pairPreview(e, dir, plan), 0)
	var executes int32
	e.Proxy.Handle(testenv.OnAction("ExecuteChangeSet", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if atomic.AddInt32(&executes, 1) > 1 {
			select {
			case <-r.HTTP.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}
		return nil
	}))
	sum := filepath.Join(e.Dir, "summary.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, nil, "cfn", "execute", "--plan-file", plan, "--max-concurrency", "1", "--summary-file", sum)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); atomic.LoadInt32(&executes) < 2; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second target never executed:\n%s", stderr.String())
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	code := exitCode(cmd.Wait())
	e.Record(stderr.String())
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, stderr.String())
	}
	s := readSummary(t, sum)
	if s.ExitCode != 130 || s.statuses()["222222222222/us-east-1"] != "succeeded" || s.statuses()["333333333333/us-east-1"] != "interrupted" {
		t.Errorf("summary: exit_code %d, statuses %v", s.ExitCode, s.statuses())
	}
	if !strings.Contains(stderr.String(), "(interrupted: exit 130)") {
		t.Errorf("table verdict:\n%s", stderr.String())
	}
}
