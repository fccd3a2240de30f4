package cdkrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/cdk"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

func TestParametersGoToTheStackTheyName(t *testing.T) {
	got, err := Parameters("--parameter", []string{"Fn:Key=a", "Key=b", "Url=http://x:1"})
	if err != nil {
		t.Fatal(err)
	}
	if got["Fn"]["Key"] != "a" || got[""]["Key"] != "b" || got[""]["Url"] != "http://x:1" {
		t.Errorf("parameters = %v, want Fn's Key, every stack's Key and a URL value kept whole", got)
	}
	_, err = Parameters("--parameter", []string{"Fn:NoValue"})
	if exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), `"Fn:NoValue" is not a parameter (expected [STACK:]KEY=VALUE)`) {
		t.Errorf("err = %v, want exit 2 naming the input and the form", err)
	}
}

// resolveDeploy parses args as cdk deploy's fan-out settings over one
// agnostic stack and resolves them.
func resolveDeploy(t *testing.T, args ...string) (Options, error) {
	t.Helper()
	o := Options{Verb: cdk.VerbDeploy, Stacks: []*cdk.Stack{{ID: "Agnostic", DisplayName: "Agnostic", StackName: "Agnostic"}}}
	s := settings.New("cdk deploy", "")
	settings.FanoutGroup(s, &o.Fleet.Fanout)
	settings.DryRun.Bind(s, &o.Deploy.DryRun)
	settings.PlanFile.Bind(s, &o.Fleet.PlanFile)
	settings.OutputsGroup(s, &o.Outputs, false)
	settings.ReportGroup(s, &o.Report)
	if err := s.Parse(args, nil); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return o, o.Resolve(s)
}

// A reviewed plan runs with the concurrency and tolerance the preview
// recorded in it, as cfn execute runs one: the targets file's count only
// through the plan, and a flag given now still wins.
func TestExecuteRunsWithThePlansConcurrencyAndTolerance(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "targets.yaml")
	if err := os.WriteFile(file, []byte("max-concurrency: 5\nfailure-tolerance: 3\nwaves:\n  - name: all\n    targets:\n"+
		"      - {account: \"222222222222\", regions: [us-east-1]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := targets.Target{Account: "222222222222", Region: "us-east-1", Wave: "all"}
	sum := targets.Summary{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Results: []targets.Result{{Target: target, Status: targets.NoChanges}}}
	plan := targets.NewCDKPlan(sum, map[string][]targets.PlanStack{target.ID(): {{Stack: "Agnostic", Status: targets.NoChanges}}})
	plan.MaxConcurrency, plan.FailureTolerance = 1, "0"
	data, err := targets.EncodePlan(plan)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := resolveDeploy(t, "--targets", file, "--plan-file", path)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if o.Exec == nil || o.Fleet.Opts.MaxConcurrency != 1 || o.Fleet.Opts.Tolerance.String() != "0" {
		t.Errorf("execute runs with concurrency %d and tolerance %s, want the plan's 1 and 0 (not the file's 5 and 3)",
			o.Fleet.Opts.MaxConcurrency, o.Fleet.Opts.Tolerance)
	}
	o, err = resolveDeploy(t, "--targets", file, "--plan-file", path, "--max-concurrency", "2")
	if err != nil || o.Fleet.Opts.MaxConcurrency != 2 {
		t.Errorf("with --max-concurrency 2: concurrency %d (%v), want the flag's 2", o.Fleet.Opts.MaxConcurrency, err)
	}
	// The preview itself runs with the file's.
	o, err = resolveDeploy(t, "--targets", file, "--dry-run", "--plan-file", path)
	if err != nil || o.Exec != nil || !o.Deploy.KeepChangeSet || o.Fleet.Opts.MaxConcurrency != 5 {
		t.Errorf("preview: %+v (%v), want change sets kept and the file's concurrency 5", o.Fleet.Opts, err)
	}
	// One report covers every target: a path per target is refused.
	if _, err := resolveDeploy(t, "--targets", file, "--report", filepath.Join(dir, "{account}.md")); exitcode.Of(err) != exitcode.BadInput {
		t.Errorf("--report with {account}: %v, want exit 2", err)
	}
}
