package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKNoopDeployIsTwoRoundTrips: an unchanged CDK stack with a file
// asset costs the deploy role's AssumeRole (the file-publishing role is
// assumed only to upload: the deploy role may read the staging bucket), then
// the bootstrap version, the assets' existence and the stack reads that
// decide "no change" sent together: two round trips after start.
// No bucket location or encryption read (nothing is uploaded), no asset
// zipped before its object is known to be missing, and no GetTemplateSummary:
// the synthesized JSON template says what it declares. The proxy names S3 calls
// by method (HEAD: HeadObject of the zip, the config file and the template)
// and SSM by its POST (GetParameter of the bootstrap version).
func TestCDKNoopDeployIsTwoRoundTrips(t *testing.T) {
	checkDepth(t, fnStackNoop(t), []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
		"s3:HEAD x3", "ssm:POST", "sts:AssumeRole"}, 2)
}

// fnStackNoop deploys FnStack, then deploys it again through the proxy
// with rtt a call and hooks after that; the second run must change and
// upload nothing. It returns the second run's calls.
func fnStackNoop(t *testing.T, hooks ...testenv.Hook) []testenv.Call {
	t.Helper()
	e, calls := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := cdkAssembly(t)
	args := []string{"cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack"}
	mustCode(t, e.Run(args...), 0) // creates the stack and publishes its assets
	e.Proxy.Handle(testenv.Latency(rtt, 0))
	for _, h := range hooks {
		e.Proxy.Handle(h)
	}
	e.Proxy.ResetCalls()
	calls.reset()
	r := e.Run(args...)
	mustCode(t, r, 0)
	if !strings.Contains(r.Stderr, "(nothing submitted)") {
		t.Fatalf("the redeploy was not a no-op:\n%s", r.Stderr)
	}
	if _, puts, cs := calls.snapshot(); len(puts)+len(cs) > 0 {
		t.Errorf("the no-op uploaded %v and made change sets for %v; want neither", puts, cs)
	}
	return e.Proxy.Trace()
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
		{"the account beside the keys", account, append(reads, "sts:AssumeRole"), 2},
		{"keys alone", nil, append(reads, "sts:AssumeRole", "sts:GetCallerIdentity"), 3},
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

// TestCDKNoopWhereTheDeployRoleMayNotReadTheBucket: a custom bootstrap
// whose deploy role lacks the CliStagingBucket grant gets, from S3, what S3
// answers a HeadObject without s3:GetObject: 403 and no body. The proxy
// plays that for the deploy role's session. The no-op still succeeds: the
// file-publishing role asks instead, one refused HeadObject for the bucket,
// nothing uploaded.
func TestCDKNoopWhereTheDeployRoleMayNotReadTheBucket(t *testing.T) {
	deny := &roleKeys{deny: "-deploy-role-"}
	trace := fnStackNoop(t, deny.hook)
	// The three checks go out together as the deploy role, so each may be
	// refused before the first refusal is known; the file-publishing role
	// then asks for each.
	n := deny.refused()
	if n < 1 || n > 3 {
		t.Errorf("%d HeadObjects refused to the deploy role, want 1 to 3", n)
	}
	checkDepth(t, trace, []string{"cloudformation:DescribeStacks", "cloudformation:GetTemplate",
		fmt.Sprintf("s3:HEAD x%d", 3+n), "ssm:POST", "sts:AssumeRole x2"}, 4)
}

// roleKeys learns which role each AssumeRole's keys belong to (as ecrWatch
// does), and answers
// S3 HeadObject of a role whose ARN contains deny as S3 answers a caller
// without s3:GetObject (403, no body).
type roleKeys struct {
	deny string

	mu      sync.Mutex
	roleOf  map[string]string // access key id -> role ARN
	refuses int
}

func (k *roleKeys) hook(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
	switch {
	case r.Action == "AssumeRole":
		resp := forward()
		if m := issuedKeyPattern.FindSubmatch(resp.Body); m != nil {
			k.mu.Lock()
			if k.roleOf == nil {
				k.roleOf = map[string]string{}
			}
			k.roleOf[string(m[1])] = r.Form.Get("RoleArn")
			k.mu.Unlock()
		}
		return resp
	case r.Service == "s3" && r.HTTP.Method == http.MethodHead:
		m := accessKeyPattern.FindStringSubmatch(r.HTTP.Header.Get("Authorization"))
		k.mu.Lock()
		defer k.mu.Unlock()
		if m != nil && strings.Contains(k.roleOf[m[1]], k.deny) {
			k.refuses++
			return &testenv.Response{Status: http.StatusForbidden}
		}
	}
	return nil
}

func (k *roleKeys) refused() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.refuses
}
