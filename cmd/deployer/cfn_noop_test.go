package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// callsOf sums the proxy's counts of one service and lists them, for the
// failure message.
func callsOf(calls map[string]int, service string) (int, string) {
	n, names := 0, []string{}
	for k, v := range calls {
		if strings.HasPrefix(k, service+":") {
			n += v
			names = append(names, fmt.Sprintf("%s×%d", strings.TrimPrefix(k, service+":"), v))
		}
	}
	sort.Strings(names)
	return n, strings.Join(names, " ")
}

// TestCfnNoopRedeploySkipsTheChangeSet: an identical redeploy makes no change
// set and stays within the call budget of issue 14 (at most DescribeStacks,
// GetTemplateSummary and GetTemplate; at most AssumeRole and one
// GetCallerIdentity), still writes the outputs, and a real change after it
// deploys.
func TestCfnNoopRedeploySkipsTheChangeSet(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "noop", "--parameter", "BucketName=noop-bucket"), 0)

	outputs := filepath.Join(e.Dir, "outputs.json")
	e.Proxy.ResetCalls()
	r := deploy(e, "noop", "--parameter", "BucketName=noop-bucket", "--outputs-file", outputs)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "No changes: stack noop is up to date (nothing submitted)") {
		t.Errorf("an identical redeploy does not say it skipped:\n%s", r.Stderr)
	}
	calls := e.Proxy.Calls()
	t.Logf("calls of the no-op: %v", calls)
	if calls["cloudformation:CreateChangeSet"] != 0 {
		t.Errorf("an identical redeploy made a change set")
	}
	if n, list := callsOf(calls, "cloudformation"); n > 3 {
		t.Errorf("%d CloudFormation calls (%s), want at most 3", n, list)
	}
	if n, list := callsOf(calls, "sts"); n > 2 {
		t.Errorf("%d STS calls (%s), want at most 2", n, list)
	}
	b, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatalf("a skipped deploy wrote no outputs: %v", err)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil || got["BucketName"] != "noop-bucket" || got["Greeting"] != "hello" {
		t.Errorf("outputs of a skipped deploy: %s (%v)", b, err)
	}

	// --force asks CloudFormation anyway: its empty change set says the same.
	e.Proxy.ResetCalls()
	r = deploy(e, "noop", "--parameter", "BucketName=noop-bucket", "--force")
	mustCode(t, r, 0)
	if e.Proxy.Count("cloudformation:CreateChangeSet") != 1 || !strings.Contains(r.Stderr, "No changes: stack noop is up to date.") {
		t.Errorf("--force made %d change sets:\n%s", e.Proxy.Count("cloudformation:CreateChangeSet"), r.Stderr)
	}

	// A parameter change after a skip deploys it.
	e.Proxy.ResetCalls()
	mustCode(t, deploy(e, "noop", "--parameter", "Greeting=changed"), 0)
	if e.Proxy.Count("cloudformation:ExecuteChangeSet") != 1 {
		t.Errorf("the parameter change was not executed: %v", e.Proxy.Calls())
	}
	_, params, outs := describe(t, e.TargetConfig(t.Context()), "noop")
	if params["Greeting"] != "changed" || outs["Greeting"] != "changed" {
		t.Errorf("after the change: %v %v", params, outs)
	}

	// And the same values again skip again, whichever way they are given.
	e.Proxy.ResetCalls()
	mustCode(t, deploy(e, "noop", "--parameter", "Greeting=changed", "--parameter", "BucketName=noop-bucket"), 0)
	if e.Proxy.Count("cloudformation:CreateChangeSet") != 0 {
		t.Errorf("an identical redeploy after an update made a change set")
	}
}
