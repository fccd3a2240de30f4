package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// rtt is the round trip the proxy adds in these tests: long enough that
// calls sent together visibly overlap on a loaded machine, short enough to
// keep the tests quick.
const rtt = 150 * time.Millisecond

// noopTrace redeploys an unchanged stack with every call delayed by rtt, and
// returns the calls the run made.
func noopTrace(t *testing.T, e *testenv.Env, args ...string) []testenv.Call {
	t.Helper()
	mustCode(t, e.Run(args...), 0) // creates the stack
	e.Proxy.ResetCalls()
	r := e.Run(args...)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "(nothing submitted)") {
		t.Fatalf("the redeploy was not a no-op:\n%s", r.Stderr)
	}
	return e.Proxy.Trace()
}

// checkDepth fails when the calls were not exactly want, or took more than
// depth sequential round trips.
func checkDepth(t *testing.T, calls []testenv.Call, want []string, depth int) {
	t.Helper()
	var got []string
	for _, c := range calls {
		got = append(got, c.Key)
	}
	if diff := cmp.Diff(strings.Join(want, ", "), testenv.CallNames(calls)); diff != "" {
		t.Errorf("calls of the no-op (-want +got):\n%s", diff)
	}
	if n, chain := testenv.Depth(calls); n > depth {
		t.Errorf("the no-op took %d sequential round trips, want at most %d: %v (every call: %v)", n, depth, chain, calls)
	}
}

// TestNoopDeployIsTwoRoundTrips: into a target account, an unchanged stack
// costs AssumeRole, then the reads that decide "no change" sent together:
// two round trips after start. No GetCallerIdentity: AssumeRole's answer
// says who acts, and nothing reads who the pipeline is. A change that adds a
// round trip or a call fails here, not only in a benchmark.
func TestNoopDeployIsTwoRoundTrips(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	calls := noopTrace(t, e, "cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", "depth", "--template", testdata("app.yaml"), "--parameter", "BucketName=depth-bucket")
	checkDepth(t, calls, []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
		"cloudformation:GetTemplateSummary", "sts:AssumeRole"}, 2)
	if _, chain := testenv.Depth(calls); len(chain) > 0 && chain[0].Key != "sts:AssumeRole" {
		t.Errorf("the first round trip is %s, want sts:AssumeRole", chain[0].Key)
	}
}

// TestNoopDeployWithoutRoleIsOneRoundTrip: acting as the pipeline itself,
// nothing waits for STS, so the reads are the only round trip.
func TestNoopDeployWithoutRoleIsOneRoundTrip(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	calls := noopTrace(t, e, "cfn", "deploy", "--stack", "depth-source", "--template", testdata("app.yaml"),
		"--parameter", "BucketName=depth-source-bucket")
	checkDepth(t, calls, []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
		"cloudformation:GetTemplateSummary"}, 1)
}

// TestUpdateExitsOneTickAfterTheStackIsDone: an update whose progress the
// proxy stretches is noticed within one poll interval of its end, and
// polling stops there: after the final state, only the call that saw it and
// the DescribeStacks that reads the outputs.
func TestUpdateExitsOneTickAfterTheStackIsDone(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "tick", "--parameter", "BucketName=tick-bucket"), 0)
	slow := &testenv.Progress{Delay: 3 * time.Second}
	e.Proxy.Handle(slow.Hook())
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	e.Proxy.ResetCalls()
	r := deploy(e, "tick", "--parameter", "BucketName=tick-bucket", "--parameter", "Greeting=changed")
	end := time.Now()
	mustCode(t, r, 0)
	done := slow.TerminalAt()
	if done.IsZero() {
		t.Fatalf("no operation was stretched:\n%s", r.Stderr)
	}
	var after []testenv.Call
	for _, c := range e.Proxy.Trace() {
		if c.Start.After(done) {
			after = append(after, c)
		}
	}
	if len(after) > 2 {
		t.Errorf("%d calls after the stack was done, want at most 2 (the one that saw it, DescribeStacks): %v", len(after), after)
	}
	// One poll interval (1 s plus 10%% jitter), two round trips, and the
	// process's own exit, with room for a loaded machine.
	if late := end.Sub(done); late > 1100*time.Millisecond+2*rtt+time.Second {
		t.Errorf("exit %v after the stack was done, want within one poll interval and two round trips", late)
	}
}
