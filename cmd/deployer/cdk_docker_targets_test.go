package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestCDKDockerImageAssetToTwoAccounts: one environment-agnostic image app
// (its repository is cdk-hnb659fds-container-assets-${AWS::AccountId}-
// ${AWS::Region} at synth) deployed with --targets to two accounts: each
// account's image is pushed into its own bootstrap repository after a login
// to its own registry with its own token, every ECR call made as that
// account's image-publishing role, and each function runs its account's
// image; the image is built once for both; no placeholder reaches docker
// or AWS.
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
	builds := 0
	for _, c := range got {
		if c.Args[0] == "build" {
			builds++
		}
	}
	if builds != 1 || len(got) != 7 || len(ecrCalls) != 4 {
		t.Errorf("%d docker calls (%d builds) and ECR calls %v, want one build, and login, tag and push per account, two ECR calls each", len(got), builds, ecrCalls)
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

// TestCDKDockerBuildInterrupted: an interrupt while docker builds reaches
// docker as an interrupt (a build stops cleanly, it is not killed), the run
// stops without touching a stack (exit 130), and the login's private docker
// config is removed before the process exits (Deploy used to return on the
// interrupt without waiting for the publishing it had started).
func TestCDKDockerBuildInterrupted(t *testing.T) {
	e, _ := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp"))
	watchECR(e) // registers the ECR password as a secret
	docker := installFakeDocker(t, e)
	docker.slowBuilds(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, nil, "cdk", "deploy", "--app", app, "--require-approval", "never")
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !slices.ContainsFunc(docker.recorded(t), func(c dockerCall) bool { return c.Args[0] == "build" }) {
		if time.Now().After(deadline) {
			t.Fatalf("docker build never started:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the fake's traps are set
	_ = cmd.Process.Signal(syscall.SIGINT)
	code := exitCode(cmd.Wait())
	e.Record(stderr.String())
	if code != 128+int(syscall.SIGINT) {
		t.Errorf("interrupted during the build: exit %d, want %d\n%s", code, 128+int(syscall.SIGINT), stderr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(docker.dir, "signals")); string(b) != "build got SIGINT\n" {
		t.Errorf("docker build saw %q, want one SIGINT", b)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet") + e.Proxy.Count("cloudformation:CreateStack"); n > 0 {
		t.Errorf("interrupted: %d stack calls, want none", n)
	}
	checkDockerConfigGone(t, e, docker)
}

// TestCDKDockerPublishThenDeployWithoutDocker: the split the docs propose:
// "cdk publish" in a build stage with docker pushes the image and deploys
// nothing; "cdk deploy" in a deploy stage without docker finds the tag in
// ECR and deploys the function with that image.
func TestCDKDockerPublishThenDeployWithoutDocker(t *testing.T) {
	e, _ := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp"))
	asset := readImageAsset(t, app)
	watchECR(e)
	docker := installFakeDocker(t, e)
	r := e.Run("cdk", "publish", "--app", app, "--all")
	if r.Code != 0 {
		t.Fatalf("cdk publish: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := len(docker.recorded(t)); n != 4 || e.Proxy.Count("cloudformation:CreateChangeSet") > 0 {
		t.Errorf("cdk publish: %d docker calls, %d change sets; want login, build, tag, push and no change set", n, e.Proxy.Count("cloudformation:CreateChangeSet"))
	}
	r = e.RunEnv([]string{"CDK_DOCKER=" + filepath.Join(e.Dir, "no-docker-here")}, "cdk", "deploy", "--app", app, "--require-approval", "never")
	if r.Code != 0 {
		t.Fatalf("cdk deploy without docker after publish: exit %d\n%s", r.Code, r.Stderr)
	}
	remote := cdkTarget + ".dkr.ecr." + testenv.Region + ".amazonaws.com/" + asset.repository + ":" + asset.hash
	if got := functionImage(t, e, cdkTarget); got != remote || len(docker.recorded(t)) != 4 {
		t.Errorf("deploy: the function runs %q (want %s), %d docker calls (want the publish's 4)", got, remote, len(docker.recorded(t)))
	}
	checkDockerConfigGone(t, e, docker)
}
