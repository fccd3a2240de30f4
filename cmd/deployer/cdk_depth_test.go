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
// zipped before its object is known to be missing, and no GetTemplateSummary:
// the synthesized JSON template says what it declares. The proxy names S3 calls
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
		"s3:HEAD x3", "ssm:POST", "sts:AssumeRole x2"}, 2)
	if _, puts, cs := calls.snapshot(); len(puts)+len(cs) > 0 {
		t.Errorf("the no-op uploaded %v and made change sets for %v; want neither", puts, cs)
	}
}

// TestCDKNoopAgnosticDeployIsTwoRoundTrips: an environment-agnostic stack
// goes to the account of the source credentials. When the credentials carry
// their account (here AWS_ACCOUNT_ID beside the keys; SSO, web identity,
// assume-role profiles and container credentials that return it do too),
// its no-op is the pinned stack's two round trips, with no GetCallerIdentity.
// Without, STS is asked first, as the roles cannot be named before: one
// round trip more, and only then.
func TestCDKNoopAgnosticDeployIsTwoRoundTrips(t *testing.T) {
	e, calls := cdkEnv(t)
	cdkBootstrapTrusting(t, e, testenv.PipelineAcct, "")
	app := cdkAssembly(t)
	args := []string{"cdk", "deploy", "--app", app, "--require-approval", "never", "Agnostic"}
	account := []string{"AWS_ACCOUNT_ID=" + testenv.PipelineAcct}
	mustCode(t, e.RunEnv(account, args...), 0) // creates the stack and publishes its assets
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	reads := []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate", "s3:HEAD x2", "ssm:POST"}
	for _, c := range []struct {
		name  string
		extra []string
		calls []string
		depth int
	}{
		{"the account beside the keys", account, append(reads, "sts:AssumeRole x2"), 2},
		{"keys alone", nil, append(reads, "sts:AssumeRole x2", "sts:GetCallerIdentity"), 3},
	} {
		e.Proxy.ResetCalls()
		calls.reset()
		r := e.RunEnv(c.extra, args...)
		mustCode(t, r, 0)
		if !strings.Contains(r.Stderr, "Agnostic is up to date (nothing submitted)") {
			t.Fatalf("%s: the redeploy was not a no-op:\n%s", c.name, r.Stderr)
		}
		t.Run(c.name, func(t *testing.T) { checkDepth(t, e.Proxy.Trace(), c.calls, c.depth) })
		if _, puts, cs := calls.snapshot(); len(puts)+len(cs) > 0 {
			t.Errorf("%s: the no-op uploaded %v and made change sets for %v; want neither", c.name, puts, cs)
		}
	}
}
