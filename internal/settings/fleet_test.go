package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/targets"
)

func parseFleet(t *testing.T, args ...string) (Fleet, error) {
	t.Helper()
	var fl Fleet
	s := New("test", "test")
	FanoutGroup(s, &fl.Fanout)
	if err := s.Parse(args, nil); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	err := fl.Load(s)
	return fl, err
}

func TestFleetLoadRefusesFanoutFlagsWithoutTargets(t *testing.T) {
	_, err := parseFleet(t, "--max-concurrency", "2")
	var ee *exitcode.Error
	if !errors.As(err, &ee) || ee.Code != exitcode.BadInput || !strings.Contains(err.Error(), "only makes sense with --targets") {
		t.Fatalf("err = %v, want exit 2 saying --targets is needed", err)
	}
	if fl, err := parseFleet(t); err != nil || fl.File != nil {
		t.Fatalf("no flags: %+v, %v; want no file and no error", fl, err)
	}
}

func TestFleetLoadReadsTheWavesAndTheFlagsOverTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "targets.yaml")
	file := "max-concurrency: 1\nrole: arn:aws:iam::{account}:role/deploy\nwaves:\n  - name: one\n    targets:\n      - {account: \"111111111111\", regions: [eu-west-1]}\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	fl, err := parseFleet(t, "--targets", path, "--max-concurrency", "3")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(fl.Waves) != 1 || fl.Opts.MaxConcurrency != 3 {
		t.Errorf("fleet = %d waves, concurrency %d; want 1 wave, the flag's 3", len(fl.Waves), fl.Opts.MaxConcurrency)
	}
}

func TestOutputsPerTargetNamesTheFlagOfAPathSharedByTargets(t *testing.T) {
	var o Outputs
	s := New("cfn deploy", "")
	OutputsGroup(s, &o, true)
	if err := s.Parse([]string{"--outputs-file", "out/{account}-{region}.json", "--changes-file", "changes.json"}, nil); err != nil {
		t.Fatal(err)
	}
	waves := []targets.Wave{{Name: "one", Targets: []targets.Target{{Account: "111111111111", Region: "eu-west-1"}, {Account: "111111111111", Region: "us-east-1"}}}}
	err := o.PerTarget(s, waves)
	if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--changes-file: ") {
		t.Errorf("got %v, want exit 2 naming --changes-file", err)
	}
	if err := o.PerTarget(s, waves[:0]); err != nil {
		t.Errorf("no targets: %v", err)
	}
}

func TestReadPlanIsBadInputNamingWhereThePathCameFrom(t *testing.T) {
	dir := t.TempDir()
	notPlan := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(notPlan, []byte(`{"version": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "none.json"), notPlan, dir} {
		_, err := ReadPlan("--plan-file", path)
		if exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), "--plan-file: ") {
			t.Errorf("%s: got %v (exit %d), want exit 2 naming --plan-file", path, err, exitcode.Of(err))
		}
	}
}

func TestTerraformStatePerTargetRefusesASharedKey(t *testing.T) {
	s := New("tf plan", "")
	if err := s.Parse(nil, nil); err != nil {
		t.Fatal(err)
	}
	waves := []targets.Wave{{Name: "one", Targets: []targets.Target{{Account: "111111111111", Region: "eu-west-1"}, {Account: "111111111111", Region: "us-east-1"}}}}
	var tf Terraform
	tf.Options.Backend.Key, tf.KeyPrefix = "app.tfstate", "none"
	if err := tf.StatePerTarget(s, waves); exitcode.Of(err) != exitcode.BadInput {
		t.Errorf("one key for two targets: got %v, want exit 2", err)
	}
	tf.Options.Backend.Key = "{region}/app.tfstate"
	if err := tf.StatePerTarget(s, waves); err != nil {
		t.Errorf("a key per region: %v", err)
	}
}

// TestResolveExecuteTakesThePlansRunUnlessAFlagSaysOtherwise: the plan's
// concurrency is the run's, --max-concurrency wins over it, and no plan
// file or per-target paths shared by targets are exit 2.
func TestResolveExecuteTakesThePlansRunUnlessAFlagSaysOtherwise(t *testing.T) {
	updated := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	plan := targets.NewPlan(targets.Summary{Started: updated, Results: []targets.Result{
		{Target: targets.Target{Wave: "one", Account: "111111111111", Region: "eu-west-1", RoleARN: "arn:aws:iam::111111111111:role/deploy"},
			Status: targets.Succeeded, Stack: "app",
			ChangeSetARN: "arn:aws:cloudformation:eu-west-1:111111111111:changeSet/deployer-20250304-050607-0a1b2c3d/0b6f4c1e-8d1f-4a55-9c1e-1f2d3c4b5a69",
			Review: targets.Review{StackID: "arn:aws:cloudformation:eu-west-1:111111111111:stack/app/5e1a9d40-fa11-11ef-8b3c-0a1b2c3d4e5f",
				StackStatus: "UPDATE_COMPLETE", StackUpdated: &updated, ChangeDigest: "sha256:" + strings.Repeat("ab", 32)}},
		{Target: targets.Target{Wave: "one", Account: "222222222222", Region: "eu-west-1", RoleARN: "arn:aws:iam::222222222222:role/deploy"},
			Status: targets.NoChanges, Stack: "app"},
	}})
	plan.MaxConcurrency = 3
	data, err := targets.EncodePlan(plan)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	resolve := func(args ...string) (Fleet, error) {
		var (
			fl Fleet
			o  Outputs
		)
		s := New("cfn execute", "")
		PlanFile.Bind(s, &fl.PlanFile)
		FanoutRunGroup(s, &fl.Fanout)
		OutputsGroup(s, &o, false)
		if err := s.Parse(args, nil); err != nil {
			t.Fatalf("parse %v: %v", args, err)
		}
		_, err := ResolveExecute(s, &fl, o)
		return fl, err
	}
	if fl, err := resolve("--plan-file", path); err != nil || fl.Opts.MaxConcurrency != 3 {
		t.Errorf("plan alone: concurrency %d, %v; want the plan's 3", fl.Opts.MaxConcurrency, err)
	}
	if fl, err := resolve("--plan-file", path, "--max-concurrency", "1"); err != nil || fl.Opts.MaxConcurrency != 1 {
		t.Errorf("with the flag: concurrency %d, %v; want the flag's 1", fl.Opts.MaxConcurrency, err)
	}
	for _, c := range []struct {
		args   []string
		prefix string
	}{
		{nil, "--plan-file: no plan given"},
		{[]string{"--plan-file", path, "--outputs-file", "out.json"}, "--outputs-file: "},
	} {
		if _, err := resolve(c.args...); exitcode.Of(err) != exitcode.BadInput || !strings.HasPrefix(err.Error(), c.prefix) {
			t.Errorf("%v: got %v, want exit 2 starting %q", c.args, err, c.prefix)
		}
	}
}
