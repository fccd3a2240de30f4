package stackset

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/google/go-cmp/cmp"
)

func TestDeployCreatesThenUpdatesAParameterWaveByWave(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	e := w.engine()

	res, err := e.Deploy(ctx, input("v1"))
	if err != nil {
		t.Fatalf("first deploy: %v\n%s\n%v", err, w.log, w.proxy.Calls())
	}
	want := []summary{
		{"canary", "222222222222/us-east-1", "create", "succeeded"},
		{"prod", "333333333333/us-east-1", "create", "succeeded"},
		{"prod", "333333333333/eu-west-1", "create", "succeeded"},
		{"prod", "444444444444/eu-west-1", "create", "succeeded"},
	}
	if diff := cmp.Diff(want, summarize(res.Rows)); diff != "" {
		t.Errorf("rows of the create (-want +got):\n%s", diff)
	}
	if !res.Created || res.StackSetID == "" {
		t.Errorf("created %v, id %q: want the stack set created", res.Created, res.StackSetID)
	}
	// One operation per cross product: the canary, then 333 in two regions,
	// then 444 in one.
	if diff := cmp.Diff([]string{"CreateStackSet", "CreateStackInstances", "CreateStackInstances", "CreateStackInstances"}, w.mutations()); diff != "" {
		t.Errorf("calls of the create (-want +got):\n%s", diff)
	}
	w.mu.Lock()
	first := w.calls[0].Form
	prefs := w.calls[1].Form
	w.mu.Unlock()
	if first.Get("ManagedExecution.Active") != "true" {
		t.Errorf("CreateStackSet ManagedExecution.Active = %q, want true (overlapping runs queue)", first.Get("ManagedExecution.Active"))
	}
	for k, v := range map[string]string{
		"OperationPreferences.ConcurrencyMode":       "SOFT_FAILURE_TOLERANCE",
		"OperationPreferences.MaxConcurrentCount":    "8",
		"OperationPreferences.FailureToleranceCount": "1",
	} {
		if got := prefs.Get(k); got != v {
			t.Errorf("CreateStackInstances %s = %q, want %q", k, got, v)
		}
	}

	// Unchanged: the preview says so and a deploy changes nothing.
	w.resetCalls()
	pre, err := e.Preview(ctx, input("v1"))
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if len(pre.Changes) != 0 {
		t.Errorf("preview of the same input: changes %v, want none", pre.Changes)
	}
	for _, r := range pre.Rows {
		if r.Action != Unchanged {
			t.Errorf("preview row %s/%s: %s, want unchanged", r.Account, r.Region, r.Action)
		}
	}
	if _, err := e.Deploy(ctx, input("v1")); err != nil {
		t.Fatalf("unchanged deploy: %v", err)
	}
	if got := w.mutations(); len(got) != 0 {
		t.Errorf("unchanged deploy made calls %v, want none", got)
	}

	// A parameter change: previewed, then the canary gets it with the
	// StackSet update, prod after.
	pre, err = e.Preview(ctx, input("v2"))
	if err != nil {
		t.Fatalf("preview v2: %v", err)
	}
	if diff := cmp.Diff([]string{"parameter Env"}, pre.Changes); diff != "" {
		t.Errorf("preview changes (-want +got):\n%s", diff)
	}
	for _, r := range pre.Rows {
		if r.Action != Update || r.Outcome != Planned {
			t.Errorf("preview row %s/%s: %s %s, want update planned", r.Account, r.Region, r.Action, r.Outcome)
		}
	}
	w.resetCalls()
	res, err = e.Deploy(ctx, input("v2"))
	if err != nil {
		t.Fatalf("update: %v\n%s", err, w.log)
	}
	for _, r := range res.Rows {
		if r.Action != Update || r.Outcome != Succeeded {
			t.Errorf("row %s/%s: %s %s, want update succeeded", r.Account, r.Region, r.Action, r.Outcome)
		}
	}
	if diff := cmp.Diff([]string{"UpdateStackSet", "UpdateStackInstances", "UpdateStackInstances"}, w.mutations()); diff != "" {
		t.Errorf("calls of the update (-want +got):\n%s", diff)
	}
	w.mu.Lock()
	upd := w.calls[0].Form
	w.mu.Unlock()
	if upd.Get("Accounts.member.1") != "222222222222" || upd.Get("Regions.member.1") != "us-east-1" || upd.Get("Accounts.member.2") != "" {
		t.Errorf("UpdateStackSet targets %v: want only the canary", upd)
	}
	set, err := w.cfn.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(set.StackSet.Parameters[0].ParameterValue); got != "v2" {
		t.Errorf("stack set parameter Env = %q, want v2", got)
	}
}
