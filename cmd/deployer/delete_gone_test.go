package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCfnDeleteEndsWhenTheStackIdIsGone: while deployer waits on a delete by
// stack id, CloudFormation may answer "Stack with id ... does not exist"
// (ValidationError, HTTP 400) for DescribeStacks and DescribeStackEvents
// once the stack is gone, instead of showing it DELETE_COMPLETE. That is the
// delete's end: exit 0. The proxy plays that answer from the first call
// after DeleteStack.
func TestCfnDeleteEndsWhenTheStackIdIsGone(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "gone", "--parameter", "BucketName=gone-bucket"), 0)
	var deleted atomic.Bool
	e.Proxy.Handle(func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		switch r.Action {
		case "DeleteStack":
			resp := forward()
			deleted.Store(resp.Status == http.StatusOK)
			return resp
		case "DescribeStacks", "DescribeStackEvents":
			if id := r.Form.Get("StackName"); deleted.Load() && strings.HasPrefix(id, "arn:") {
				return testenv.QueryError(http.StatusBadRequest, "ValidationError", "Stack with id "+id+" does not exist")
			}
		}
		return nil
	})
	r := e.Run("cfn", "delete", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", "gone")
	mustCode(t, r, 0)
	if !deleted.Load() || e.Proxy.Count("cloudformation:DeleteStack") != 1 {
		t.Errorf("DeleteStack not made once: %v", e.Proxy.Calls())
	}
	if strings.Contains(r.Stderr, "does not exist") && strings.Contains(r.Stderr, "ERR") {
		t.Errorf("the gone stack is reported as an error:\n%s", r.Stderr)
	}
}
