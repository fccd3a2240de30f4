package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKDockerImageAssetToTwoAccounts: one environment-agnostic image app
// (its repository is cdk-hnb659fds-container-assets-${AWS::AccountId}-
// ${AWS::Region} at synth) deployed with --targets to two accounts: each
// account's image is pushed into its own bootstrap repository after a login
// to its own registry with its own token, every ECR call made as that
// account's image-publishing role, and each function runs its account's
// image; no placeholder reaches docker or AWS.
func TestCDKDockerImageAssetToTwoAccounts(t *testing.T) {
	e, calls := cdkEnv(t)
	accounts := []string{"333333333333", "444444444444"}
	for _, acct := range accounts {
		cdkBootstrap(t, e, acct)
	}
	app := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp"), "AGNOSTIC=1")
	asset := readImageAsset(t, app)
	ecr := watchECR(e)
	docker := installFakeDocker(t, e)
	file := filepath.Join(e.Dir, "targets.yaml")
	if err := os.WriteFile(file, []byte("waves:\n  - name: all\n    targets:\n"+
		"      - {account: \"333333333333\", regions: [us-east-1]}\n      - {account: \"444444444444\", regions: [us-east-1]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--targets", file)
	if r.Code != 0 {
		t.Fatalf("image app to two targets: exit %d\n%s", r.Code, r.Stderr)
	}
	ecrCalls, _, _ := ecr.take()
	ecr.mu.Lock()
	logins := ecr.logins
	ecr.mu.Unlock()
	got := docker.recorded(t)
	passwords := docker.passwords(t)
	for _, acct := range accounts {
		registry := acct + ".dkr.ecr." + testenv.Region + ".amazonaws.com"
		remote := registry + "/cdk-hnb659fds-container-assets-" + acct + "-" + testenv.Region + ":" + asset.hash
		var login, push bool
		for _, c := range got {
			login = login || slices.Equal(c.Args, []string{"login", "--username", "AWS", "--password-stdin", registry})
			push = push || slices.Equal(c.Args, []string{"push", remote})
		}
		if !login || !push {
			t.Errorf("account %s: login %v, push of %s %v; docker calls %v", acct, login, remote, push, got)
		}
		if logins[registry] == "" || !slices.Contains(passwords, logins[registry]) {
			t.Errorf("account %s: no login read the password of its own token (%d logins)", acct, len(passwords))
		}
		publishing := "arn:aws:iam::" + acct + ":role/cdk-hnb659fds-image-publishing-role-" + acct + "-" + testenv.Region
		n := 0
		for _, c := range ecrCalls {
			if strings.HasSuffix(c, " "+publishing) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("account %s: %d ECR calls as %s, want DescribeImages and GetAuthorizationToken (all: %v)", acct, n, publishing, ecrCalls)
		}
		if img := functionImage(t, e, acct); img != remote {
			t.Errorf("account %s: the function runs %s, want %s", acct, img, remote)
		}
	}
	if len(got) != 8 || len(ecrCalls) != 4 {
		t.Errorf("%d docker calls and ECR calls %v, want login, build, tag and push per account and two calls each", len(got), ecrCalls)
	}
	for _, c := range got {
		if strings.Contains(strings.Join(c.Args, " "), "${AWS::") {
			t.Errorf("docker called with a placeholder: %v", c.Args)
		}
	}
	if placeholders, _, _ := calls.snapshot(); len(placeholders) > 0 {
		t.Errorf("requests with placeholders: %v", placeholders)
	}
	checkDockerConfigGone(t, e, docker)
}
