package stackset

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestAddingAndRemovingATargetMatchesTheFile(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	e := w.engine()
	if _, err := e.Deploy(ctx, input("v1")); err != nil {
		t.Fatalf("first deploy: %v", err)
	}
	// 444 leaves the file, 555 joins the canary wave.
	in := input("v1")
	in.Waves[0].Targets = append(in.Waves[0].Targets, Target{Account: "555555555555", Region: "us-east-1"})
	in.Waves[1].Targets = in.Waves[1].Targets[:2]

	pre, err := e.Preview(ctx, in)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	want := []summary{
		{"canary", "222222222222/us-east-1", "unchanged", "skipped"},
		{"canary", "555555555555/us-east-1", "create", "planned"},
		{"prod", "333333333333/us-east-1", "unchanged", "skipped"},
		{"prod", "333333333333/eu-west-1", "unchanged", "skipped"},
		{"", "444444444444/eu-west-1", "remove", "planned"},
	}
	if diff := cmp.Diff(want, summarize(pre.Rows)); diff != "" {
		t.Errorf("preview (-want +got):\n%s", diff)
	}

	// RemoveNone leaves 444 and says so.
	keep := in
	keep.Removal = RemoveNone
	res, err := e.Deploy(ctx, keep)
	if err != nil {
		t.Fatalf("deploy keeping removed targets: %v", err)
	}
	if last := res.Rows[len(res.Rows)-1]; last.Action != Untracked || last.Account != "444444444444" {
		t.Errorf("last row %+v: want 444 reported as not in the file", last)
	}
	if got := len(w.instances("demo")); got != 5 {
		t.Errorf("%d instances after a deploy with removal none, want 5", got)
	}

	w.resetCalls()
	res, err = e.Deploy(ctx, in)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if last := res.Rows[len(res.Rows)-1]; last.Action != Remove || last.Outcome != Succeeded {
		t.Errorf("removal row %+v: want remove succeeded", last)
	}
	if diff := cmp.Diff([]string{"DeleteStackInstances"}, w.mutations()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	w.mu.Lock()
	retain := w.calls[0].Form.Get("RetainStacks")
	w.mu.Unlock()
	if retain != "false" {
		t.Errorf("RetainStacks = %q, want false (delete is the default removal)", retain)
	}
	got := w.instances("demo")
	sort.Strings(got)
	wantInst := []string{"222222222222/us-east-1", "333333333333/eu-west-1", "333333333333/us-east-1", "555555555555/us-east-1"}
	if diff := cmp.Diff(wantInst, got); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
}

func TestAFailingInstanceWithinToleranceLetsTheRunGoOn(t *testing.T) {
	w := newWorld(t)
	const reason = "ResourceLogicalId:Marker, ResourceType:AWS::SSM::Parameter, ResourceStatusReason:Access denied."
	w.proxy.Handle(testenv.FailStackInstance("333333333333", "eu-west-1", reason, false))
	in := input("v1")
	in.Waves = append(in.Waves, Wave{Name: "late", Targets: []Target{{Account: "666666666666", Region: "us-east-1"}}})

	res, err := w.engine().Deploy(context.Background(), in)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if res.Stopped {
		t.Errorf("stopped after wave %s: one failure is within a tolerance of 1", res.StoppedWave)
	}
	if res.Failed() != 1 {
		t.Errorf("%d failed rows, want 1", res.Failed())
	}
	for _, r := range res.Rows {
		if r.Account == "333333333333" && r.Region == "eu-west-1" {
			if r.Outcome != Failed || r.Reason != reason || r.Status != "OUTDATED/FAILED" {
				t.Errorf("failed row %+v: want failed, OUTDATED/FAILED, the stack's reason", r)
			}
		} else if r.Outcome != Succeeded {
			t.Errorf("row %s/%s: %s, want succeeded", r.Account, r.Region, r.Outcome)
		}
	}
}

func TestAFailingInstanceBeyondToleranceStopsLaterWaves(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	e := w.engine()
	if _, err := e.Deploy(ctx, input("v1")); err != nil {
		t.Fatalf("first deploy: %v", err)
	}
	// The canary fails the update; tolerance 0: prod must not be touched,
	// and 444's removal must not happen either.
	w.proxy.Handle(testenv.FailStackInstance("222222222222", "us-east-1", "Parameter validation failed", true))
	in := input("v2")
	in.Preferences.FailureTolerance = Limit{N: 0}
	in.Waves[1].Targets = in.Waves[1].Targets[:2]
	w.resetCalls()
	res, err := e.Deploy(ctx, in)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if !res.Stopped || res.StoppedWave != "canary" {
		t.Errorf("stopped %v after %q, want stopped after canary", res.Stopped, res.StoppedWave)
	}
	want := []summary{
		{"canary", "222222222222/us-east-1", "update", "failed"},
		{"prod", "333333333333/us-east-1", "update", "not-started"},
		{"prod", "333333333333/eu-west-1", "update", "not-started"},
		{"", "444444444444/eu-west-1", "remove", "not-started"},
	}
	if diff := cmp.Diff(want, summarize(res.Rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"UpdateStackSet"}, w.mutations()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestOverlappingRunsWaitForEachOther(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.engine().Deploy(ctx, input("v1")); err != nil {
		t.Fatalf("first deploy: %v", err)
	}
	run := &testenv.StackSetRun{Delay: 700 * time.Millisecond}
	w.proxy.Handle(run.Hook())
	var idMu sync.Mutex
	ids := map[string][]string{} // operation ids each refused call was retried with
	w.proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Action == "UpdateStackSet" {
			idMu.Lock()
			ids[r.Form.Get("Parameters.member.1.ParameterValue")] = append(ids[r.Form.Get("Parameters.member.1.ParameterValue")], r.Form.Get("OperationId"))
			idMu.Unlock()
		}
		return nil
	})

	// Two pipeline runs with different values start together; each must
	// wait for the other's operations instead of failing.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	results := make([]*Result, 2)
	for i, env := range []string{"v2", "v3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = w.engine().Deploy(ctx, input(env))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i, err, w.log)
		}
		if results[i].Failed() != 0 || results[i].Stopped {
			t.Errorf("run %d: %d failed, stopped %v; want all succeeded", i, results[i].Failed(), results[i].Stopped)
		}
	}
	if run.Refused() == 0 {
		t.Fatal("no call was refused: the runs did not overlap")
	}
	idMu.Lock()
	for env, got := range ids {
		if len(got) > 1 && got[0] != got[len(got)-1] {
			t.Errorf("run %s retried UpdateStackSet with ids %v: want the same id for retries of one call", env, got)
		}
	}
	idMu.Unlock()
	w.mu.Lock()
	log := w.log.String()
	w.mu.Unlock()
	if !strings.Contains(log, "another operation is running on the stack set; waiting for it to end") {
		t.Errorf("log does not say it waited:\n%s", log)
	}
	if strings.Contains(log, "OperationInProgressException") {
		t.Errorf("log shows the raw error:\n%s", log)
	}
}

func TestGivingUpOnASlowOperationIsExit4(t *testing.T) {
	w := newWorld(t)
	run := &testenv.StackSetRun{Delay: time.Minute}
	w.proxy.Handle(run.Hook())
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	in := input("v1")
	in.Waves = in.Waves[:1]
	_, err := w.engine().Deploy(ctx, in)
	var ee *exitcode.Error
	if !errors.As(err, &ee) || ee.Code != exitcode.GaveUp {
		t.Fatalf("err = %v, want exit %d (gave up waiting)", err, exitcode.GaveUp)
	}
}

func TestDeleteRemovesInstancesThenTheStackSet(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	e := w.engine()
	if _, err := e.Deploy(ctx, input("v1")); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	w.resetCalls()
	res, err := e.Delete(ctx, DeleteInput{Name: "demo", RetainStacks: true})
	if err != nil {
		t.Fatalf("delete: %v\n%s", err, w.log)
	}
	if res.Stopped || len(res.Rows) != 4 || res.Failed() != 0 {
		t.Errorf("delete result %+v: want 4 removed rows", res)
	}
	// Two deletes: 222 and 444 share a region set? No: 222 us-east-1, 333
	// two regions, 444 eu-west-1; three cross products.
	if diff := cmp.Diff([]string{"DeleteStackInstances", "DeleteStackInstances", "DeleteStackInstances", "DeleteStackSet"}, w.mutations()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	w.mu.Lock()
	retain := w.calls[0].Form.Get("RetainStacks")
	w.mu.Unlock()
	if retain != "true" {
		t.Errorf("RetainStacks = %q, want true", retain)
	}
	_, err = w.cfn.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String("demo")})
	if apiCode(err) != codeSetNotFound {
		t.Errorf("describe after delete: %v, want %s", err, codeSetNotFound)
	}
	// Deleting again: a StackSet that is not there is an error naming it
	// and where it was looked for (a mistyped name must not pass), unless
	// IfExists says that is fine.
	e.Account, e.Region = "111111111111", "us-east-1"
	_, err = e.Delete(ctx, DeleteInput{Name: "demo"})
	if !errors.Is(err, ErrNoStackSet) || !strings.Contains(err.Error(), "no StackSet named demo in 111111111111/us-east-1") {
		t.Errorf("second delete: %v, want ErrNoStackSet naming demo and 111111111111/us-east-1", err)
	}
	if res, err := e.Delete(ctx, DeleteInput{Name: "demo", IfExists: true}); err != nil || len(res.Rows) != 0 {
		t.Errorf("second delete with IfExists: %v, %d rows; want nothing to do", err, len(res.Rows))
	}
}
