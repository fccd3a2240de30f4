package targets

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/tf"
)

var twoRegions = []Wave{{Name: "w", Targets: []Target{
	{Account: "111111111111", Region: "us-east-1"}, {Account: "111111111111", Region: "eu-west-1"},
}}}

func TestRunOptionsFlagBeatsFileBeatsDefault(t *testing.T) {
	cases := []struct {
		name           string
		fileN          int
		fileTol        Tolerance
		flagN, flagTol string
		wantN          int
		wantTol        string
	}{
		{"default", 0, Tolerance{}, "", "", DefaultMaxConcurrency, "0"},
		{"file", 7, Tolerance{IsPercent: true, Percent: 10}, "", "", 7, "10%"},
		{"flag over file", 7, Tolerance{Count: 1}, "2", "3", 2, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := RunOptions(c.fileN, c.fileTol, c.flagN, c.flagTol)
			if err != nil {
				t.Fatal(err)
			}
			if o.MaxConcurrency != c.wantN || o.Tolerance.String() != c.wantTol {
				t.Errorf("got %d and %s, want %d and %s", o.MaxConcurrency, o.Tolerance, c.wantN, c.wantTol)
			}
		})
	}
	if _, err := RunOptions(0, Tolerance{}, "0", ""); err == nil {
		t.Error("a concurrency of 0 was accepted")
	}
}

func TestPathPerTargetRefusesSharedAndUnknownPlaceholders(t *testing.T) {
	cases := []struct {
		pattern, wantErr string
	}{
		{"out/{account}-{region}.json", ""},
		{"", ""},
		{"out/{account}.json", "out/111111111111.json is one file for targets 111111111111/us-east-1 and 111111111111/eu-west-1"},
		{"out/{acount}.json", "unknown placeholder {acount}"},
	}
	for _, c := range cases {
		err := PathPerTarget(c.pattern, twoRegions)
		if (err == nil) != (c.wantErr == "") || (err != nil && !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%q: got %v, want %q", c.pattern, err, c.wantErr)
		}
	}
}

func TestStatePerTargetRefusesOneKeyForTwoTargets(t *testing.T) {
	byAccount := func(t Target) string { return Fill("{account}/app.tfstate", t) }
	if err := StatePerTarget(twoRegions, byAccount); err == nil || !strings.Contains(err.Error(), "is one state for targets") {
		t.Errorf("got %v, want one state refused", err)
	}
	byRegion := func(t Target) string { return Fill("{account}/{region}/app.tfstate", t) }
	if err := StatePerTarget(twoRegions, byRegion); err != nil {
		t.Error(err)
	}
}

func TestMergeTagsTargetWins(t *testing.T) {
	got := MergeTags(map[string]string{"a": "1", "b": "1"}, map[string]string{"b": "2"})
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2"}, got); diff != "" {
		t.Error(diff)
	}
}

func TestFirstProblemKeepsOneLineAndCountsTheRest(t *testing.T) {
	err := FirstProblem(errors.Join(errors.New("a"), errors.New("b"), errors.New("c")))
	if err.Error() != "a (and 2 more problem(s) in the file)" {
		t.Errorf("got %q", err)
	}
}

func TestDeployResultCountsGuardsAndStatus(t *testing.T) {
	res := &cfn.Result{ChangeSetID: "arn:cs", Changes: []cfn.Change{
		{Action: "Add"}, {Action: "Modify", Replacement: "Conditional"}, {Action: "Remove"},
	}}
	r := DeployResult(context.Background(), res, nil)
	want := Result{Status: Succeeded, ChangeSetARN: "arn:cs", Counts: Counts{Add: 1, Modify: 1, Remove: 1, Replace: 1}, Guards: []string{"replacement", "delete"}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	refused := DeployResult(context.Background(), nil, &exitcode.Error{Code: exitcode.GuardRefuse, Err: errors.New("refused: x\nmore")})
	if refused.Status != Refused || refused.Reason != "refused: x" {
		t.Errorf("got %s %q, want refused with the first line", refused.Status, refused.Reason)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&exitcode.Interrupted{Signal: syscall.SIGINT})
	if r := DeployResult(ctx, nil, errors.New("stopped")); r.Status != Interrupted {
		t.Errorf("got %s, want interrupted", r.Status)
	}
	if r := DeployResult(context.Background(), &cfn.Result{NoChanges: true}, nil); r.Status != NoChanges {
		t.Errorf("got %s, want no-changes", r.Status)
	}
}

func TestTerraformResultFromThePlan(t *testing.T) {
	r := TerraformResult(context.Background(), tf.Result{Plan: &tf.Summary{Create: 1, Replace: 2, Delete: 3, HasChanges: true}}, nil)
	if diff := cmp.Diff(Counts{Add: 1, Modify: 2, Remove: 3, Replace: 2}, r.Counts); diff != "" || r.Status != Succeeded {
		t.Errorf("status %s, counts (-want +got)\n%s", r.Status, diff)
	}
	if r := TerraformResult(context.Background(), tf.Result{Plan: &tf.Summary{}}, nil); r.Status != NoChanges {
		t.Errorf("got %s, want no-changes", r.Status)
	}
}
