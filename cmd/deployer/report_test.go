package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deployer-dev/deployer/internal/testenv"
)

const reportSecret = "hunter2-noecho"

// reportChanges is what CloudFormation's DescribeChangeSet documents for an
// update of the report app: the bucket replaced (BucketName needs
// recreation), a retained log bucket removed, a role's policy widened, and
// the topic's DisplayName fed by the NoEcho parameter. The emulator plays
// the last one with the secret in clear, as CloudFormation never would, so
// the test shows deployer masks it on its own.
func reportChanges() []testenv.ResourceChange {
	return []testenv.ResourceChange{
		{Action: "Modify", LogicalID: "Bucket", PhysicalID: "report-a", Type: "AWS::S3::Bucket", Replacement: "True",
			Details: []testenv.ChangeDetail{{Attribute: "Properties", Name: "BucketName", Path: "/Properties/BucketName", ChangeType: "Modify",
				Recreation: "Always", Before: "report-a", After: "report-b", Source: "ParameterReference", Cause: "BucketName", Evaluation: "Static"}}},
		{Action: "Remove", LogicalID: "Logs", PhysicalID: "report-logs", Type: "AWS::S3::Bucket", PolicyAction: "Retain"},
		{Action: "Modify", LogicalID: "AppRole", Type: "AWS::IAM::Role", Replacement: "False",
			Details: []testenv.ChangeDetail{{Attribute: "Properties", Name: "Policies", Path: "/Properties/Policies/0/PolicyDocument/Statement/0/Action",
				ChangeType: "Modify", Recreation: "Never", Before: "s3:GetObject", After: "s3:*", Source: "DirectModification", Evaluation: "Static"}}},
		{Action: "Modify", LogicalID: "Topic", Type: "AWS::SNS::Topic", Replacement: "False",
			Details: []testenv.ChangeDetail{{Attribute: "Properties", Name: "DisplayName", Path: "/Properties/DisplayName", ChangeType: "Modify",
				Recreation: "Never", Before: "old-token", After: reportSecret, Source: "ParameterReference", Cause: "Token", Evaluation: "Static"}}},
	}
}

func TestCfnDryRunReport(t *testing.T) {
	e := testenv.NewEnv(t)
	base := []string{"cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", "report", "--template", testdata("report/app.yaml")}
	mustCode(t, e.Run(append(base, "--parameter", "BucketName=report-a", "--parameter", "Token=old-token")...), 0)
	executed := e.Proxy.Count("cloudformation:ExecuteChangeSet")
	e.Proxy.Handle(testenv.PlayChanges(reportChanges()...))

	md, js := filepath.Join(e.Dir, "out", "report.md"), filepath.Join(e.Dir, "out", "report.json")
	approval, counts := filepath.Join(e.Dir, "out", "approval.txt"), filepath.Join(e.Dir, "out", "counts.env")
	r := e.Run(append(base, "--parameter", "BucketName=report-b", "--parameter", "Token="+reportSecret,
		"--dry-run", "--allow-replacement", "--allow-delete",
		"--report", md, "--report-json", js, "--approval-summary", approval, "--report-env", counts)...)
	mustCode(t, r, 0)
	if n := e.Proxy.Count("cloudformation:ExecuteChangeSet"); n != executed {
		t.Errorf("a dry run executed a change set (%d executions, want %d)", n, executed)
	}
	files := map[string]string{}
	for _, path := range []string{md, js, approval, counts} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", path, st.Mode().Perm())
		}
		files[filepath.Base(path)] = string(b)
	}
	for name, text := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr, "report.md": files["report.md"],
		"report.json": files["report.json"], "approval.txt": files["approval.txt"], "counts.env": files["counts.env"]} {
		if strings.Contains(text, reportSecret) {
			t.Errorf("%s shows the NoEcho value", name)
		}
		if strings.ContainsRune(text, '\x1b') {
			t.Errorf("%s has ANSI codes", name)
		}
	}
	// Values only come back when DescribeChangeSet is asked for them
	// (IncludePropertyValues), so these prove deployer asks.
	for _, want := range []string{"| `report-a` | `report-b` |", "`s3:GetObject` | `s3:*`", "| `****` | `****` |",
		"**replacement**: `Bucket`", "**deletion policy**: `Logs`", "**iam**: `AppRole`"} {
		if !strings.Contains(files["report.md"], want) {
			t.Errorf("report.md lacks %q:\n%s", want, files["report.md"])
		}
	}
	for _, want := range []string{"DEPLOYER_REPLACEMENTS=1\n", "DEPLOYER_REMOVALS=1\n", "DEPLOYER_MODIFICATIONS=2\n", "DEPLOYER_IAM_CHANGES=1\n"} {
		if !strings.Contains(files["counts.env"], want) {
			t.Errorf("counts.env lacks %q:\n%s", want, files["counts.env"])
		}
	}
	if n := utf8.RuneCountInString(files["approval.txt"]); n > 1000 || !strings.Contains(files["approval.txt"], "replace 1, remove 1") {
		t.Errorf("approval summary (%d characters):\n%s", n, files["approval.txt"])
	}
}

// cdk diff writes the same report as cfn deploy --dry-run, one target per
// stack, through the function the cdk commands share with cfn: here a
// stack not deployed yet, every resource an addition.
func TestCDKDiffReport(t *testing.T) {
	e, _ := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := cdkAssembly(t)
	md, counts := filepath.Join(e.Dir, "cdk.md"), filepath.Join(e.Dir, "cdk.env")
	r := e.Run("cdk", "diff", "--app", app, "--report", md, "--report-env", counts, "FnStack")
	mustCode(t, r, 0)
	report, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := os.ReadFile(counts)
	if !strings.Contains(string(report), "# Change report\n\ncdk diff: 1 target, 1 with changes") || !strings.Contains(string(report), "FnStack (cloudformation)") ||
		!strings.Contains(string(report), "| add | `Handler") || !strings.Contains(string(env), "DEPLOYER_HAS_CHANGES=true\n") {
		t.Errorf("cdk diff report:\n%s\n%s\n%s", report, env, r.Stderr)
	}
}

// A preview over twelve targets writes one report: the identical change is
// one section naming the twelve, counted in every total.
func TestFanoutDryRunReportGroupsTargets(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	mustCode(t, fleetDeploy(e, dir), 0)
	e.Proxy.Handle(testenv.PlayChanges(testenv.ResourceChange{Action: "Modify", LogicalID: "Marker", Type: "AWS::SSM::Parameter", Replacement: "False",
		Details: []testenv.ChangeDetail{{Attribute: "Properties", Name: "Value", Path: "/Properties/Value", ChangeType: "Modify",
			Recreation: "Never", Before: "dev:hello", After: "dev:hi", Source: "ParameterReference", Cause: "Greeting", Evaluation: "Static"}}}))
	md, counts := filepath.Join(e.Dir, "fleet.md"), filepath.Join(e.Dir, "fleet.env")
	r := fleetDeploy(e, dir, "--dry-run", "--parameter", "Greeting=hi", "--report", md, "--report-env", counts)
	mustCode(t, r, 0)
	report, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := os.ReadFile(counts)
	for _, want := range []string{"12 targets, 12 with changes", "### The same 1 change in 12 targets", "<details><summary>12 targets</summary>",
		"| modify | `Marker` | AWS::SSM::Parameter | /Properties/Value (from parameter Greeting) | `dev:hello` | `dev:hi` |"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(string(env), "DEPLOYER_MODIFICATIONS=12\n") || !strings.Contains(string(env), "DEPLOYER_TARGETS_CHANGED=12\n") {
		t.Errorf("counts:\n%s", env)
	}
}

// A StackSet preview reports each instance to create as one addition, and
// the twelve alike as one section.
func TestStackSetPreviewReport(t *testing.T) {
	e := testenv.NewEnv(t)
	dir := fanoutDir(t, e)
	md, counts := filepath.Join(e.Dir, "stackset.md"), filepath.Join(e.Dir, "stackset.env")
	r := e.Run("cfn", "stackset", "deploy", "--stack-set", "fanout", "--template", filepath.Join(dir, "app.yaml"),
		"--targets", filepath.Join(dir, "fleet.yaml"), "--dry-run", "--report", md, "--report-env", counts)
	mustCode(t, r, 0)
	report, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := os.ReadFile(counts)
	if !strings.Contains(string(report), "### The same 1 change in 12 targets") || !strings.Contains(string(report), "| add | `fanout` | AWS::CloudFormation::StackInstance |") ||
		!strings.Contains(string(env), "DEPLOYER_ADDITIONS=12\n") {
		t.Errorf("StackSet preview report:\n%s\n%s", report, env)
	}
}
