package main

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// awsCLI runs aws-cli v1 in the target account, through deployer exec as a
// pipeline migrating from it would (the child gets only the target role's
// credentials and the proxy's endpoint).
func awsCLI(e *testenv.Env, args ...string) testenv.Result {
	e.T.Helper()
	return e.Run(append([]string{"exec", "--role-arn", testenv.TargetRole, "--", testenv.AWSCLI(e.T)}, args...)...)
}

// TestCfnNoopAfterAWSCLIWithOtherCapabilities: a stack that aws cloudformation
// deploy created with CAPABILITY_IAM, then deployed by deployer with all three
// capabilities, twice, makes no change set on either run. Capabilities
// acknowledge, they configure nothing: CloudFormation answers a change set
// that differs only in them "didn't contain changes", so the skip check does
// not compare them. The proxy plays DescribeStacks' Stack.Capabilities ("The
// capabilities allowed in the stack"), which moto leaves out.
func TestCfnNoopAfterAWSCLIWithOtherCapabilities(t *testing.T) {
	e := testenv.NewEnv(t)
	caps := testenv.NewStackCapabilities(e.Proxy)
	r := awsCLI(e, "cloudformation", "deploy", "--stack-name", "capnoop", "--template-file", testdata("app.yaml"),
		"--parameter-overrides", "BucketName=capnoop-bucket", "--capabilities", "CAPABILITY_IAM", "--role-arn", cfnExecRole)
	mustCode(t, r, 0)
	id := stackID(t, e, "capnoop")
	if got := caps.Of(id); strings.Join(got, " ") != "CAPABILITY_IAM" {
		t.Fatalf("the proxy holds capabilities %v for the aws-cli stack, want [CAPABILITY_IAM]", got)
	}

	for run := 1; run <= 2; run++ {
		e.Proxy.ResetCalls()
		r := deploy(e, "capnoop", "--parameter", "BucketName=capnoop-bucket",
			"--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
		mustCode(t, r, 0)
		if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
			t.Errorf("run %d: %d CreateChangeSet, want none (capabilities alone change nothing):\n%s", run, n, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "No changes: stack capnoop is up to date (nothing submitted)") {
			t.Errorf("run %d does not say it skipped:\n%s", run, r.Stderr)
		}
	}
	// The stack still reads as aws-cli left it: nothing was submitted.
	if got := caps.Of(id); strings.Join(got, " ") != "CAPABILITY_IAM" {
		t.Errorf("capabilities after the skipped runs: %v, want [CAPABILITY_IAM]", got)
	}
}

// stackID returns the id of a stack in the target account.
func stackID(t *testing.T, e *testenv.Env, stack string) string {
	t.Helper()
	r := e.Run("exec", "--role-arn", testenv.TargetRole, "--", testenv.AWSCLI(t), "cloudformation", "describe-stacks",
		"--stack-name", stack, "--query", "Stacks[0].[StackId,Capabilities]", "--output", "text")
	mustCode(t, r, 0)
	f := strings.Fields(r.Stdout)
	if len(f) == 0 {
		t.Fatalf("no stack %s: %s", stack, r.Stderr)
	}
	return f[0]
}
