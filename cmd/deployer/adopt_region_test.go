package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// awsCLIIn runs aws-cli v1 in the target account and a region, as the old
// pipeline did after its assume-role block.
func awsCLIIn(e *testenv.Env, region string, args ...string) testenv.Result {
	e.T.Helper()
	return e.Run(append([]string{"exec", "--role-arn", testenv.TargetRole, "--region", region, "--", testenv.AWSCLI(e.T)}, args...)...)
}

// stackIDIn returns a stack's id in a region, "" when it is not there.
func stackIDIn(t *testing.T, e *testenv.Env, region, stack string) string {
	t.Helper()
	r := awsCLIIn(e, region, "cloudformation", "describe-stacks", "--stack-name", stack, "--query", "Stacks[0].StackId", "--output", "text")
	if r.Code != 0 {
		return ""
	}
	return strings.TrimSpace(r.Stdout)
}

// TestAdoptRegionFromAWSDefaultRegion: the old pipeline made its stack in
// AWS_DEFAULT_REGION's region while CodeBuild's AWS_REGION named another.
// The deployer line refuses to guess (exit 2, both named, nothing made),
// update-stack never creates, and with the region stated the same stack is
// updated in place and deleted from the same line.
func TestAdoptRegionFromAWSDefaultRegion(t *testing.T) {
	e := testenv.NewEnv(t)
	const home, other = "eu-west-1", testenv.Region
	params := filepath.Join(e.Dir, "parameters.json")
	if err := os.WriteFile(params, []byte(`[{"ParameterKey":"BucketName","ParameterValue":"region-app"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Old: aws cloudformation $BUILD_ACTION ... --parameters file://parameters.json
	mustCode(t, awsCLIIn(e, home, "cloudformation", "create-stack", "--stack-name", "regional", "--template-body", "file://"+testdata("app.yaml"),
		"--parameters", "file://"+params, "--role-arn", cfnExecRole, "--tags", "Key=team,Value=blue"), 0)
	id := stackIDIn(t, e, home, "regional")
	if id == "" {
		t.Fatal("aws-cli made no stack")
	}

	line := []string{"BUILD_ACTION=update-stack", "STACK_NAME=regional", "TARGET_ROLE_ARN=" + testenv.TargetRole, "CFN_ROLE_ARN=" + cfnExecRole,
		"AWS_REGION=" + other, "AWS_DEFAULT_REGION=" + home}
	args := []string{"cfn", "--template", testdata("app.yaml"), "--parameters", params, "--parameter", "Greeting=adopted"}
	r := e.RunEnv(line, args...)
	mustCode(t, r, 2)
	if !strings.Contains(r.Stderr, "AWS_REGION="+other+" and AWS_DEFAULT_REGION="+home+" differ") {
		t.Errorf("refusal does not name both regions:\n%s", r.Stderr)
	}
	if got := stackIDIn(t, e, other, "regional"); got != "" {
		t.Errorf("a second stack appeared in %s: %s", other, got)
	}

	// update-stack acting in the wrong region: the stack is missing there.
	r = e.RunEnv(append(line, "DEPLOYER_REGION="+other), args...)
	mustCode(t, r, 2)
	want := "BUILD_ACTION=update-stack: stack regional does not exist in account " + testenv.TargetAcct + ", region " + other
	if !strings.Contains(r.Stderr, want) {
		t.Errorf("update-stack on a missing stack lacks %q:\n%s", want, r.Stderr)
	}
	if got := stackIDIn(t, e, other, "regional"); got != "" {
		t.Errorf("update-stack created a stack in %s", other)
	}
	r = e.RunEnv(append(line, "DEPLOYER_REGION="+other, "BUILD_ACTION=delete-stack"), args...)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "nothing to delete") || !strings.Contains(r.Stderr, testenv.TargetAcct) || !strings.Contains(r.Stderr, other) {
		t.Errorf("delete of a missing stack does not name account and region:\n%s", r.Stderr)
	}

	// The region stated: the same stack, updated in place, tag and parameter kept.
	stated := append(line, "DEPLOYER_REGION="+home)
	r = e.RunEnv(stated, args...)
	mustCode(t, r, 0)
	if first := strings.SplitN(r.Stderr, "\n", 2)[0]; !strings.Contains(first, home) {
		t.Errorf("first log line does not name the region: %q", first)
	}
	if got := stackIDIn(t, e, home, "regional"); got != id {
		t.Errorf("stack id %s after the deployer line, want %s", got, id)
	}
	r = awsCLIIn(e, home, "cloudformation", "describe-stacks", "--stack-name", "regional", "--query",
		"Stacks[0].[Parameters[?ParameterKey=='BucketName'].ParameterValue|[0],Parameters[?ParameterKey=='Greeting'].ParameterValue|[0],Tags[?Key=='team'].Value|[0]]", "--output", "text")
	if got := strings.Join(strings.Fields(r.Stdout), " "); got != "region-app adopted blue" {
		t.Errorf("parameters and tag after update: %q, want region-app adopted blue", got)
	}
	r = e.RunEnv(append(stated, "BUILD_ACTION=delete-stack"), args...)
	mustCode(t, r, 0)
	if got := stackIDIn(t, e, home, "regional"); got != "" {
		t.Errorf("stack still there after delete-stack")
	}
}
