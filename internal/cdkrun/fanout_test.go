package cdkrun

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/output"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// A many-targets run writes one change report: every target that ran, in
// the targets' order whatever order they ended in, each target's stacks in
// dependency order, and a target that failed before its stacks ran as one
// line per selected stack with its error.
func TestFanoutReportIsOneReportInTheTargetsOrder(t *testing.T) {
	producer, consumer := &cdk.Stack{StackName: "Producer"}, &cdk.Stack{StackName: "Consumer"}
	path := filepath.Join(t.TempDir(), "report.json")
	o := Options{Stacks: []*cdk.Stack{producer, consumer}, Report: settings.Report{JSON: path}}
	a := targets.Target{Account: "111111111111", Region: "eu-west-1"}
	b := targets.Target{Account: "222222222222", Region: "eu-west-1"}
	never := targets.Target{Account: "333333333333", Region: "eu-west-1"} // stopped before it ran
	got := &collected{stacks: map[string][]cdk.StackResult{}, errs: map[string]error{}, plan: map[string][]targets.PlanStack{}}
	ctx := context.Background()
	got.add(ctx, o, b.ID(), nil, errors.New("assume role: denied"))
	got.add(ctx, o, a.ID(), []cdk.StackResult{
		{Stack: producer, Result: &cfn.Result{ChangeSetID: "cs", Changes: []cfn.Change{{Action: "Add", LogicalID: "Table", Type: "AWS::DynamoDB::Table"}}}},
		{Stack: consumer, Result: &cfn.Result{NoChanges: true}},
	}, nil)
	if err := got.report(o, "cdk deploy --targets t.yaml", []targets.Target{a, b, never}).Write(output.NewWriter()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Command string `json:"command"`
		Targets []struct {
			ID, Name, Error string
		} `json:"targets"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, x := range rep.Targets {
		lines = append(lines, x.ID+" "+x.Name+" "+x.Error)
	}
	want := "111111111111/eu-west-1 Producer |111111111111/eu-west-1 Consumer |" +
		"222222222222/eu-west-1 Producer assume role: denied|222222222222/eu-west-1 Consumer assume role: denied"
	if rep.Command != "cdk deploy --targets t.yaml" || strings.Join(lines, "|") != want {
		t.Errorf("report %q:\n%s\nwant:\n%s", rep.Command, strings.Join(lines, "|"), want)
	}
	if len(got.plan) != 0 {
		t.Errorf("plan stacks kept without --plan-file: %v", got.plan)
	}
}
