package main

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestFirstLogLineNamesTheRegion: whatever the command, the first line a
// person reads says which region it acts in, so a run in the wrong region
// (AWS_REGION against AWS_DEFAULT_REGION) shows at the top of the log.
func TestFirstLogLineNamesTheRegion(t *testing.T) {
	e := testenv.NewEnv(t)
	makeStateBucket(t, e.SourceConfig(), "firstline-state")
	role := []string{"--role-arn", testenv.TargetRole, "--region", "eu-west-1"}
	for _, args := range [][]string{
		append([]string{"whoami"}, role...),
		append([]string{"env", "--format", "dotenv"}, role...),
		append([]string{"exec"}, append(role, "--", "true")...),
		append([]string{"cfn", "delete", "--stack", "nothing-here"}, role...),
		append([]string{"cfn", "deploy", "--stack", "firstline", "--template", testdata("app.yaml"), "--parameter", "BucketName=firstline-bucket", "--cfn-role-arn", cfnExecRole}, role...),
		append([]string{"tf", "state", "move", "--backend-bucket", "firstline-state", "--backend-credentials", "source", "--from", "a.tfstate", "--to", "b.tfstate"}, role...),
	} {
		r := e.WithoutSecretCheck(e.Run(args...))
		first := strings.SplitN(r.Stderr, "\n", 2)[0]
		if !strings.Contains(first, "region=eu-west-1") {
			t.Errorf("deployer %s: first log line %q does not name the region (exit %d)", strings.Join(args[:2], " "), first, r.Code)
		}
	}
}
