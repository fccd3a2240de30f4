package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestAdoptSAMStack: a stack "sam deploy" made with samconfig-style quoted
// overrides and tags is updated in place by the deployer line carrying the
// same --parameter-overrides string: same stack id, the quotes stripped as
// sam strips them, sam's tags kept; run again, nothing is submitted.
func TestAdoptSAMStack(t *testing.T) {
	e := testenv.NewEnv(t)
	sam := testenv.SAM(t)
	// No version check or telemetry call from inside the test.
	_ = os.MkdirAll(filepath.Join(e.Dir, ".aws-sam"), 0o700)
	_ = os.WriteFile(filepath.Join(e.Dir, ".aws-sam", "metadata.json"), []byte(`{"lastVersionCheck": 9999999999, "telemetryEnabled": false}`), 0o600)
	overrides := `BucketName="sam-bucket" Greeting="from sam"`
	r := e.RunEnv([]string{"SAM_CLI_TELEMETRY=0"}, "exec", "--role-arn", testenv.TargetRole, "--", sam, "deploy", "--stack-name", "samapp",
		"--template-file", testdata("app.yaml"), "--parameter-overrides", overrides, "--tags", `team="blue"`,
		"--capabilities", "CAPABILITY_IAM", "--role-arn", cfnExecRole, "--no-fail-on-empty-changeset", "--region", testenv.Region)
	mustCode(t, r, 0)
	id := stackID(t, e, "samapp")
	target := e.TargetConfig(t.Context())
	if _, params, _ := describe(t, target, "samapp"); params["Greeting"] != "from sam" {
		t.Fatalf("sam stored Greeting=%q", params["Greeting"])
	}

	emptyTags := watchEmptyTags(e)
	line := []string{"--parameter-overrides", `BucketName="sam-bucket" Greeting="from deployer"`, "--capabilities", "CAPABILITY_IAM"}
	mustCode(t, deploy(e, "samapp", line...), 0)
	if got := stackID(t, e, "samapp"); got != id {
		t.Errorf("stack id %s, want %s", got, id)
	}
	if _, params, _ := describe(t, target, "samapp"); params["Greeting"] != "from deployer" || params["BucketName"] != "sam-bucket" {
		t.Errorf("parameters after the deployer line: %v (quotes kept?)", params)
	}
	q := awsCLI(e, "cloudformation", "describe-stacks", "--stack-name", "samapp", "--query", "Stacks[0].Tags[?Key=='team'].Value|[0]", "--output", "text")
	if got := strings.TrimSpace(q.Stdout); got != "blue" {
		t.Errorf("sam's tag after the deployer line: %q, want blue", got)
	}
	e.Proxy.ResetCalls()
	r = deploy(e, "samapp", line...)
	mustCode(t, r, 0)
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
		t.Errorf("the same line again made %d change sets, want none:\n%s", n, r.Stderr)
	}
	if n := emptyTags.Load(); n != 0 {
		t.Errorf("%d calls sent an empty tag list, which removes every tag of the stack on AWS", n)
	}
}

// watchEmptyTags counts change sets and stack updates sent with an empty tag
// list ("Tags="). The API reference (UpdateStack, CreateChangeSet): "If you
// specify an empty value, CloudFormation removes all associated tags", which
// the emulator does not play; a run without --tag must send no Tags at all.
func watchEmptyTags(e *testenv.Env) *atomic.Int32 {
	var n atomic.Int32
	e.Proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.Action == "CreateChangeSet" || r.Action == "UpdateStack" {
			if v, ok := r.Form["Tags"]; ok && len(v) == 1 && v[0] == "" {
				n.Add(1)
			}
		}
		return nil
	})
	return &n
}
