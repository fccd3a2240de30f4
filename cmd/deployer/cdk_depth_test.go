package main

import (
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKNoopDeployIsTwoRoundTrips: an unchanged CDK stack with a file
// asset costs the deploy and file-publishing roles' AssumeRoles sent
// together, then the bootstrap version, the assets' existence and the stack
// reads that decide "no change" sent together: two round trips after start.
// No bucket location or encryption read (nothing is uploaded), no asset
// zipped before its object is known to be missing. The proxy names S3 calls
// by method (HEAD: HeadObject of the zip, the config file and the template)
// and SSM by its POST (GetParameter of the bootstrap version).
func TestCDKNoopDeployIsTwoRoundTrips(t *testing.T) {
	e, calls := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := cdkAssembly(t)
	args := []string{"cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack"}
	mustCode(t, e.Run(args...), 0) // creates the stack and publishes its assets
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	e.Proxy.ResetCalls()
	calls.reset()
	r := e.Run(args...)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "(nothing submitted)") {
		t.Fatalf("the redeploy was not a no-op:\n%s", r.Stderr)
	}
	trace := e.Proxy.Trace()
	checkDepth(t, trace, []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
		"cloudformation:GetTemplateSummary", "s3:HEAD x3", "ssm:POST", "sts:AssumeRole x2"}, 2)
	if _, puts, cs := calls.snapshot(); len(puts)+len(cs) > 0 {
		t.Errorf("the no-op uploaded %v and made change sets for %v; want neither", puts, cs)
	}
}
