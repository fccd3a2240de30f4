package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestAdoptCredentialsAlreadyTheTarget: the old buildspec's three exported
// AWS_* lines (from "aws sts assume-role | cut") and eval "$(deployer env)"
// both leave the target role's session as the source. The deployer line
// below them acts with it directly: no second AssumeRole at the proxy, one
// notice naming the variables and what lifetime is left.
func TestAdoptCredentialsAlreadyTheTarget(t *testing.T) {
	e := testenv.NewEnv(t)
	// Old: the CodeBuild role assumes the target role with aws-cli.
	cli := exec.Command(testenv.AWSCLI(t), "sts", "assume-role", "--role-arn", testenv.TargetRole, "--role-session-name", "old-build",
		"--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]", "--output", "text")
	cli.Env = append(append([]string(nil), e.Vars...), "AWS_DEFAULT_REGION="+testenv.Region)
	var cliErr strings.Builder
	cli.Stderr = &cliErr
	out, err := cli.Output()
	if err != nil {
		t.Fatalf("aws sts assume-role: %v\n%s", err, cliErr.String())
	}
	f := strings.Fields(string(out)) // what the old block cut into three exports
	if len(f) != 3 {
		t.Fatalf("assume-role printed %d fields", len(f))
	}
	exported := []string{"AWS_ACCESS_KEY_ID=" + f[0], "AWS_SECRET_ACCESS_KEY=" + f[1], "AWS_SESSION_TOKEN=" + f[2], "TARGET_ROLE_ARN=" + testenv.TargetRole}

	e.Proxy.ResetCalls()
	r := e.RunEnv(exported, "cfn", "deploy", "--cfn-role-arn", cfnExecRole, "--stack", "preexported", "--template", testdata("app.yaml"),
		"--parameter", "BucketName=preexported-bucket")
	mustCode(t, r, 0)
	if n := e.Proxy.Count("sts:AssumeRole"); n != 0 {
		t.Errorf("%d AssumeRole calls with the target's credentials already exported, want 0", n)
	}
	if got := strings.Count(r.Stderr, "already a session of the target role"); got != 1 {
		t.Errorf("%d notices, want 1:\n%s", got, r.Stderr)
	}
	for _, want := range []string{"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "remaining lifetime unknown"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("notice lacks %q:\n%s", want, r.Stderr)
		}
	}
	if first := strings.SplitN(r.Stderr, "\n", 2)[0]; !strings.Contains(first, "region="+testenv.Region) {
		t.Errorf("first log line does not name the region: %q", first)
	}
	if !strings.Contains(r.Stderr, "session=old-build") {
		t.Errorf("the session named is not the exported one:\n%s", r.Stderr)
	}
	if st, _, _ := describe(t, e.TargetConfig(t.Context()), "preexported"); st != "CREATE_COMPLETE" {
		t.Errorf("stack in the target account: %q", st)
	}

	// eval "$(deployer env)", then another deployer command in that shell.
	env := e.WithoutSecretCheck(e.Run("env", "--role-arn", testenv.TargetRole, "--format", "shell"))
	mustCode(t, env, 0)
	e.Proxy.ResetCalls()
	sh := e.Command(t.Context(), []string{"TARGET_ROLE_ARN=" + testenv.TargetRole}, "")
	sh.Path, sh.Args = "/bin/sh", []string{"sh", "-c", env.Stdout + "\nexec deployer whoami --output json"}
	var stderr strings.Builder
	sh.Stderr = &stderr
	who, err := sh.Output()
	e.Record(string(who), stderr.String())
	if err != nil || !strings.Contains(string(who), `"Account": "222222222222"`) {
		t.Fatalf("whoami after eval: %v\n%s\n%s", err, who, stderr.String())
	}
	if n := e.Proxy.Count("sts:AssumeRole"); n != 0 {
		t.Errorf("%d AssumeRole calls after eval of deployer env, want 0", n)
	}
	if !strings.Contains(stderr.String(), "AWS_CREDENTIAL_EXPIRATION") || !strings.Contains(stderr.String(), "they expire in") {
		t.Errorf("notice after eval does not say the lifetime left:\n%s", stderr.String())
	}
}
