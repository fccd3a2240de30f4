package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKAgnosticStackInTwoAccounts deploys one environment-agnostic stack
// to the two accounts of a targets file without role lines: each target
// uses its own bootstrap roles and bucket, from the manifest placed in it.
// A stack pinned to another account is refused before any call. A diff
// with the same targets file first previews both and leaves nothing.
func TestCDKAgnosticStackInTwoAccounts(t *testing.T) {
	e, calls := cdkEnv(t)
	app := cdkAssembly(t)
	accounts := []string{"333333333333", "444444444444"}
	for _, acct := range accounts {
		cdkBootstrap(t, e, acct)
	}
	file := filepath.Join(e.Dir, "targets.yaml")
	if err := os.WriteFile(file, []byte("waves:\n  - name: all\n    targets:\n"+
		"      - {account: \"333333333333\", regions: [us-east-1]}\n      - {account: \"444444444444\", regions: [us-east-1]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// diff --targets first: a change set in each target, deleted, the
	// review stack removed, nothing published.
	r := e.Run("cdk", "diff", "--app", app, "--targets", file, "Agnostic")
	if _, puts, cs := calls.snapshot(); r.Code != 0 || len(puts) > 0 || len(cs) != 2 {
		t.Fatalf("diff --targets: exit %d, uploads %v, change sets for %v; want 0, none and one per target:\n%s", r.Code, puts, cs, r.Stderr)
	}
	for _, acct := range accounts {
		if !strings.Contains(r.Stderr, acct) {
			t.Errorf("diff --targets does not name target %s:\n%s", acct, r.Stderr)
		}
		if _, err := cloudformation.NewFromConfig(accountConfig(t, e, acct, testenv.Region)).DescribeStacks(context.Background(),
			&cloudformation.DescribeStacksInput{StackName: aws.String("Agnostic")}); err == nil {
			t.Errorf("diff --targets left stack Agnostic in %s", acct)
		}
	}
	calls.reset()
	e.Proxy.ResetCalls()
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--targets", file,
		"--outputs-file", filepath.Join(e.Dir, "out-{account}.json"), "Agnostic")
	if r.Code != 0 {
		t.Fatalf("agnostic stack to two targets: exit %d\n%s", r.Code, r.Stderr)
	}
	// Each target's account is the file's: nothing asks who the pipeline is.
	for _, c := range e.Proxy.Trace() {
		if c.Key == "sts:GetCallerIdentity" {
			t.Errorf("a run with --targets called %s; want the accounts from the targets file", c.Key)
		}
	}
	_, puts, _ := calls.snapshot()
	for _, acct := range accounts {
		bucket := "cdk-hnb659fds-assets-" + acct + "-" + testenv.Region
		if got := readOutputs(t, filepath.Join(e.Dir, "out-"+acct+".json"))["Agnostic"]["ConfigBucket"]; got != bucket {
			t.Errorf("account %s: the stack reads its asset from %q, want %s", acct, got, bucket)
		}
		n := 0
		for _, p := range puts {
			if strings.HasPrefix(p, "/"+bucket+"/") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("account %s: %d uploads into %s (of %v), want the config file and the template", acct, n, bucket, puts)
		}
	}
	if len(puts) != 4 {
		t.Errorf("uploads %v, want 2 per account", puts)
	}
	if p, _, _ := calls.snapshot(); len(p) > 0 {
		t.Errorf("requests still carrying ${AWS::...}: %v", p)
	}
	calls.reset()
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--targets", file, "FnStack")
	if _, puts, cs := calls.snapshot(); r.Code != 2 || !strings.Contains(r.Stderr, "FnStack is pinned to aws://222222222222/us-east-1") || len(puts)+len(cs) > 0 {
		t.Errorf("pinned stack to other targets: exit %d, uploads %v, change sets %v; want 2 and nothing touched:\n%s", r.Code, puts, cs, r.Stderr)
	}
}
