package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/targets"
)

// fanoutBuildspec is what CodeBuild reads of buildspec/codebuild-fanout.yml.
type fanoutBuildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		Commands []string `yaml:"commands"`
		Finally  []string `yaml:"finally"`
	} `yaml:"phases"`
	Reports map[string]struct {
		Files      []string `yaml:"files"`
		FileFormat string   `yaml:"file-format"`
	} `yaml:"reports"`
	Artifacts struct {
		Files []string `yaml:"files"`
	} `yaml:"artifacts"`
}

// flagValue returns the value after flag in args, or "".
func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// TestFanoutBuildspecPlansReportsAndExecutes checks the fan-out buildspec:
// valid for CodeBuild, its JUnit file consumed by a JUNITXML report, the
// plan stage's plan file handed to the execute stage through the artifacts,
// and every deployer line parsing as the real command line does.
func TestFanoutBuildspecPlansReportsAndExecutes(t *testing.T) {
	raw, err := os.ReadFile(kitFile("codebuild-fanout.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var b fanoutBuildspec
	if err := strictYAML(raw, &b); err != nil {
		t.Fatalf("not valid YAML of a buildspec: %v", err)
	}
	if b.Version != "0.2" {
		t.Errorf("version %q", b.Version)
	}

	// A working directory laid out as the pipeline's source artifact, and
	// the plan artifact where CodeBuild unpacks a secondary input.
	work, planDir := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(work, "params"), 0o755)
	for src, dst := range map[string]string{"fanout/app.yaml": "template.yaml", "fanout/fleet.yaml": "targets.yaml", "fanout/params/canary-eu.json": "params/canary-eu.json"} {
		data, err := os.ReadFile(testdata(src))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(work, dst), data, 0o644)
	}
	os.WriteFile(filepath.Join(work, "params", "common.json"), []byte(`{"Parameters": {"Greeting": "hello"}}`), 0o644)
	updated := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	planData, err := targets.EncodePlan(targets.Plan{Version: targets.PlanVersion, Waves: []targets.PlanWave{{Name: "canary", Targets: []targets.PlanTarget{{
		Kind: targets.KindCfn, Account: "222222222222", Region: "us-east-1", Stack: "app-web", Status: targets.Succeeded,
		ChangeSetARN: "arn:aws:cloudformation:us-east-1:222222222222:changeSet/deployer-build-1-0a1b2c3d/0b1c",
		Review: targets.Review{StackID: "arn:aws:cloudformation:us-east-1:222222222222:stack/app-web/5e1a", StackStatus: "UPDATE_COMPLETE",
			StackUpdated: &updated, ChangeDigest: "sha256:" + strings.Repeat("0", 64)}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(planDir, "plan.json"), planData, 0o644)
	t.Chdir(work)
	for k, v := range b.Env.Variables {
		t.Setenv(k, v)
	}
	t.Setenv("CODEBUILD_SRC_DIR_PlanOutput", planDir)

	stages := map[string][]string{} // "plan"/"execute": the deployer command of that stage
	for name, phase := range b.Phases {
		for _, c := range append(append([]string{}, phase.Commands...), phase.Finally...) {
			for _, args := range invocations(c) {
				for i := range args {
					args[i] = os.ExpandEnv(args[i])
				}
				if err := parseOnly(t, args); err != nil {
					t.Errorf("phase %s: deployer %s: %v", name, strings.Join(args, " "), err)
				}
				switch {
				case strings.Contains(c, `"plan" ]`):
					stages["plan"] = args
				case strings.Contains(c, `"execute" ]`):
					stages["execute"] = args
				}
			}
		}
	}
	plan, execute := stages["plan"], stages["execute"]
	if len(plan) < 2 || plan[1] != "deploy" || !slices.Contains(plan, "--dry-run") || flagValue(plan, "--targets") == "" {
		t.Fatalf("no plan stage running cfn deploy --targets --dry-run: %q", plan)
	}
	if len(execute) < 2 || execute[1] != "execute" {
		t.Fatalf("no execute stage running cfn execute: %q", execute)
	}
	planFile := flagValue(plan, "--plan-file")
	if planFile == "" || !slices.Contains(b.Artifacts.Files, planFile) || flagValue(execute, "--plan-file") != filepath.Join(planDir, planFile) {
		t.Errorf("the plan stage's %q does not reach the execute stage (artifacts %v, execute reads %q)", planFile, b.Artifacts.Files, flagValue(execute, "--plan-file"))
	}
	reported := map[string]bool{}
	for _, r := range b.Reports {
		if r.FileFormat == "JUNITXML" {
			for _, f := range r.Files {
				reported[f] = true
			}
		}
	}
	for stage, args := range stages {
		if j := flagValue(args, "--junit-file"); j == "" || !reported[j] {
			t.Errorf("%s stage writes JUnit to %q; JUNITXML reports read %v", stage, j, reported)
		}
	}
}
