package cfn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// destructive is a change set that replaces one resource and removes another.
func destructive(*cloudformation.CreateChangeSetInput) ([]types.Change, string) {
	return []types.Change{
		change("Database", types.ChangeActionModify, types.ReplacementTrue),
		change("Logs", types.ChangeActionRemove, ""),
		change("Bucket", types.ChangeActionModify, types.ReplacementFalse),
		change("Queue", types.ChangeActionAdd, ""),
	}, ""
}

func TestGuardsRefuseReplacementAndRemoval(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.compute = destructive

	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if got := exitcode.Of(err); got != exitcode.GuardRefuse {
		t.Fatalf("exit code = %d, want %d (err %v)", got, exitcode.GuardRefuse, err)
	}
	for _, want := range []string{"Database", "--allow-replacement", "Logs", "--allow-delete"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), " Bucket (") || strings.Contains(err.Error(), "Queue") {
		t.Errorf("error %q names harmless changes", err)
	}
	if n := h.api.count("ExecuteChangeSet"); n != 0 {
		t.Errorf("ExecuteChangeSet called %d times, want 0", n)
	}
	if len(h.sim.changeSets) != 0 {
		t.Errorf("change sets left: %d, want the refused one deleted", len(h.sim.changeSets))
	}
	// The refused changes are still returned, for the command to present.
	if res == nil || len(res.Changes) != 4 {
		t.Errorf("result = %+v, want the 4 changes", res)
	}
	if got := len(h.report.changeSets); got != 1 {
		t.Errorf("change sets reported = %d, want 1", got)
	}
}

func TestGuardsAllowEach(t *testing.T) {
	cases := map[string]struct {
		guards   cfn.Guards
		wantCode int
	}{
		"replacement only":   {guards: cfn.Guards{AllowReplacement: true}, wantCode: exitcode.GuardRefuse},
		"delete only":        {guards: cfn.Guards{AllowDelete: true}, wantCode: exitcode.GuardRefuse},
		"replacement+delete": {guards: cfn.Guards{AllowReplacement: true, AllowDelete: true}, wantCode: exitcode.OK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(types.StackStatusUpdateComplete)
			h.sim.compute = destructive
			o := deployOptions()
			o.Guards = tc.guards

			res, err := h.runner.Deploy(context.Background(), o)
			if got := exitcode.Of(err); got != tc.wantCode {
				t.Fatalf("exit code = %d, want %d (err %v)", got, tc.wantCode, err)
			}
			wantExec := 0
			if tc.wantCode == exitcode.OK {
				wantExec = 1
				if res.Status != "UPDATE_COMPLETE" {
					t.Errorf("status = %s, want UPDATE_COMPLETE", res.Status)
				}
			}
			if n := h.api.count("ExecuteChangeSet"); n != wantExec {
				t.Errorf("ExecuteChangeSet called %d times, want %d", n, wantExec)
			}
		})
	}
}

// Nothing exists yet on a CREATE, so nothing can be replaced or removed.
func TestGuardsIgnoreCreate(t *testing.T) {
	h := newHarness(t)
	h.sim.compute = destructive
	if _, err := h.runner.Deploy(context.Background(), deployOptions()); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
}

// changesOf follows the change set's pages and flattens them in order.
func TestChangesAcrossPages(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.pageSize = 1
	h.sim.compute = destructive
	o := deployOptions()
	o.DryRun = true
	o.Guards = cfn.Guards{AllowReplacement: true, AllowDelete: true}

	res, err := h.runner.Deploy(context.Background(), o)
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	want := []cfn.Change{
		{Action: "Modify", LogicalID: "Database", PhysicalID: "phys-Database", Type: "AWS::S3::Bucket", Replacement: "True"},
		{Action: "Remove", LogicalID: "Logs", PhysicalID: "phys-Logs", Type: "AWS::S3::Bucket"},
		{Action: "Modify", LogicalID: "Bucket", PhysicalID: "phys-Bucket", Type: "AWS::S3::Bucket", Replacement: "False"},
		{Action: "Add", LogicalID: "Queue", PhysicalID: "phys-Queue", Type: "AWS::S3::Bucket"},
	}
	if diff := cmp.Diff(want, res.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestDryRun(t *testing.T) {
	cases := map[string]struct {
		status         types.StackStatus // "" for a new stack
		keep           bool
		wantChangeSets int  // left in the account
		wantStackGone  bool // the REVIEW_IN_PROGRESS stack was deleted
	}{
		"update":                  {status: types.StackStatusUpdateComplete},
		"update, change set kept": {status: types.StackStatusUpdateComplete, keep: true, wantChangeSets: 1},
		"new stack":               {wantStackGone: true},
		"new stack, kept":         {keep: true, wantChangeSets: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			if tc.status != "" {
				h.sim.withStack(tc.status)
			}
			o := deployOptions()
			o.DryRun = true
			o.KeepChangeSet = tc.keep

			res, err := h.runner.Deploy(context.Background(), o)
			if err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			if res.Status != cfn.StatusDryRun || len(res.Changes) != 1 {
				t.Errorf("result = %+v, want status %s with the one change", res, cfn.StatusDryRun)
			}
			if res.ChangeSetID == "" {
				t.Errorf("result has no change set id")
			}
			if n := h.api.count("ExecuteChangeSet"); n != 0 {
				t.Errorf("ExecuteChangeSet called %d times, want 0", n)
			}
			if got := len(h.sim.changeSets); got != tc.wantChangeSets {
				t.Errorf("change sets left = %d, want %d", got, tc.wantChangeSets)
			}
			deletes := inputsOf[cloudformation.DeleteStackInput](h.api, "DeleteStack")
			if !tc.wantStackGone {
				if len(deletes) != 0 {
					t.Errorf("DeleteStack called %d times, want 0", len(deletes))
				}
				if tc.status == "" && h.sim.status != types.StackStatusReviewInProgress {
					t.Errorf("stack is %s, want the REVIEW_IN_PROGRESS stack kept", h.sim.status)
				}
				return
			}
			if len(deletes) != 1 || aws.ToString(deletes[0].StackName) != h.sim.id {
				t.Errorf("DeleteStack inputs = %+v, want one on %s", deletes, h.sim.id)
			}
			if !h.sim.gone[h.sim.id] {
				t.Errorf("the REVIEW_IN_PROGRESS stack is still there")
			}
		})
	}
}

// A dry run answers "would this deploy pass?", so the guards refuse it too.
func TestDryRunStillGuards(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.compute = destructive
	o := deployOptions()
	o.DryRun = true

	_, err := h.runner.Deploy(context.Background(), o)
	if got := exitcode.Of(err); got != exitcode.GuardRefuse {
		t.Fatalf("exit code = %d, want %d (err %v)", got, exitcode.GuardRefuse, err)
	}
	if len(h.sim.changeSets) != 0 {
		t.Errorf("change sets left: %d, want 0", len(h.sim.changeSets))
	}
}
