package main

import (
	"strings"
	"sync"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// stackStatusPlay makes DescribeStacks report status for the stack until
// ContinueUpdateRollback is called (n < 0) or for the first n answers. It
// plays the API reference's ContinueUpdateRollback ("returns an empty
// result"), which the emulator lacks, and records the RoleARN it was given.
type stackStatusPlay struct {
	mu        sync.Mutex
	status    string
	left      int // answers still rewritten; -1: until continued
	continued []string
}

func (p *stackStatusPlay) hooks(e *testenv.Env) {
	e.Proxy.Handle(testenv.Rewrite("DescribeStacks", func(body []byte) []byte {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.left == 0 {
			return body
		}
		if p.left > 0 {
			p.left--
		}
		return testenv.SetStackStatus(body, p.status)
	}))
	e.Proxy.Handle(testenv.OnAction("ContinueUpdateRollback", func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.continued = append(p.continued, r.Form.Get("RoleARN"))
		p.left = 0
		return testenv.QueryResult("ContinueUpdateRollback", "")
	}))
}

// TestAdoptStacksLeftInFailedStates: a stack aws-cli made (termination
// protection, tag, execution role) that the old pipeline left
// UPDATE_ROLLBACK_FAILED is refused with the way out named; with
// --continue-update-rollback the rollback is continued with the execution
// role and the same stack is updated. UPDATE_ROLLBACK_COMPLETE gets its one
// line and is updated as usual. Termination protection survives.
func TestAdoptStacksLeftInFailedStates(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, awsCLI(e, "cloudformation", "create-stack", "--stack-name", "leftover", "--template-body", "file://"+testdata("app.yaml"),
		"--parameters", "ParameterKey=BucketName,ParameterValue=leftover-bucket", "--role-arn", cfnExecRole,
		"--tags", "Key=owner,Value=old-pipeline", "--enable-termination-protection"), 0)
	mustCode(t, awsCLI(e, "cloudformation", "wait", "stack-create-complete", "--stack-name", "leftover"), 0)
	id := stackID(t, e, "leftover")
	play := &stackStatusPlay{status: "UPDATE_ROLLBACK_FAILED", left: -1}
	play.hooks(e)

	r := deploy(e, "leftover", "--parameter", "Greeting=first")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "UPDATE_ROLLBACK_FAILED and cannot be updated; fix the cause, then rerun with --continue-update-rollback") {
		t.Errorf("refusal does not name the way out:\n%s", r.Stderr)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet"); n != 0 {
		t.Errorf("%d change sets made on an UPDATE_ROLLBACK_FAILED stack", n)
	}

	r = deploy(e, "leftover", "--parameter", "Greeting=second", "--continue-update-rollback")
	mustCode(t, r, 0)
	if strings.Join(play.continued, ",") != cfnExecRole {
		t.Errorf("ContinueUpdateRollback calls with roles %v, want one with %s", play.continued, cfnExecRole)
	}
	if got := stackID(t, e, "leftover"); got != id {
		t.Errorf("stack id %s, want %s", got, id)
	}

	play.mu.Lock()
	play.status, play.left = "UPDATE_ROLLBACK_COMPLETE", 1
	play.mu.Unlock()
	r = deploy(e, "leftover", "--parameter", "Greeting=third")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "last update failed and was rolled back to its previous template; it is usable and is updated as usual") {
		t.Errorf("no explanation of UPDATE_ROLLBACK_COMPLETE:\n%s", r.Stderr)
	}
	_, params, _ := describe(t, e.TargetConfig(t.Context()), "leftover")
	if params["Greeting"] != "third" || params["BucketName"] != "leftover-bucket" {
		t.Errorf("parameters %v", params)
	}
	q := awsCLI(e, "cloudformation", "describe-stacks", "--stack-name", "leftover", "--query",
		"Stacks[0].[EnableTerminationProtection,RoleARN,Tags[?Key=='owner'].Value|[0]]", "--output", "text")
	if got := strings.Join(strings.Fields(q.Stdout), " "); got != "True "+cfnExecRole+" old-pipeline" {
		t.Errorf("protection, role and tag after the updates: %q", got)
	}
}
