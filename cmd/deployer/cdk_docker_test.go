package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// ecrWatch records, at the proxy, each ECR operation deployer sends with the
// role whose credentials signed it, and every authorization token ECR
// issued (registered as secrets, raw and decoded, so the world's secret
// check fails on either in any output or leftover file).
type ecrWatch struct {
	e        *testenv.Env
	mu       sync.Mutex
	roleOf   map[string]string // access key id -> role it was issued for
	calls    []string          // "Operation role"
	password string            // the last token's password
	registry string            // the last token's proxy endpoint, without scheme
	logins   map[string]string // proxy endpoint, without scheme -> password
	statuses []int             // HTTP status of each DescribeImages
}

var (
	accessKeyPattern = regexp.MustCompile(`Credential=([^/]+)/`)
	issuedKeyPattern = regexp.MustCompile(`<AccessKeyId>([^<]+)</AccessKeyId>`)
)

func watchECR(e *testenv.Env) *ecrWatch {
	w := &ecrWatch{e: e, roleOf: map[string]string{}, logins: map[string]string{}}
	e.Proxy.Handle(w.hook)
	return w
}

func (w *ecrWatch) hook(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
	target := r.HTTP.Header.Get("X-Amz-Target")
	switch {
	case r.Action == "AssumeRole":
		resp := forward()
		if m := issuedKeyPattern.FindSubmatch(resp.Body); m != nil {
			w.mu.Lock()
			w.roleOf[string(m[1])] = r.Form.Get("RoleArn")
			w.mu.Unlock()
		}
		return resp
	case r.Service != "ecr":
		return nil
	}
	op := target[strings.LastIndex(target, ".")+1:]
	key := ""
	if m := accessKeyPattern.FindStringSubmatch(r.HTTP.Header.Get("Authorization")); m != nil {
		key = m[1]
	}
	resp := forward()
	w.mu.Lock()
	w.calls = append(w.calls, op+" "+w.roleOf[key])
	if op == "DescribeImages" {
		w.statuses = append(w.statuses, resp.Status)
	}
	w.mu.Unlock()
	if op != "GetAuthorizationToken" {
		return resp
	}
	var out struct {
		AuthorizationData []struct{ AuthorizationToken, ProxyEndpoint string }
	}
	if err := json.Unmarshal(resp.Body, &out); err == nil && len(out.AuthorizationData) > 0 {
		tok := out.AuthorizationData[0].AuthorizationToken
		raw, _ := base64.StdEncoding.DecodeString(tok)
		_, pw, _ := strings.Cut(string(raw), ":")
		w.e.Proxy.AddSecret(tok)
		w.e.Proxy.AddSecret(pw)
		w.mu.Lock()
		w.password, w.registry = pw, strings.TrimPrefix(out.AuthorizationData[0].ProxyEndpoint, "https://")
		w.logins[w.registry] = pw
		w.mu.Unlock()
	}
	return resp
}

func (w *ecrWatch) take() (calls []string, password, registry string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	calls, w.calls = w.calls, nil
	return calls, w.password, w.registry
}

// imageAsset is the test app's one image asset as its manifest states it.
type imageAsset struct {
	hash, dir, repository string
}

func readImageAsset(t *testing.T, app string) imageAsset {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(app, "ImageStack.assets.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		DockerImages map[string]struct {
			Source       struct{ Directory string }
			Destinations map[string]struct{ RepositoryName, ImageTag string }
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for hash, im := range m.DockerImages {
		for _, d := range im.Destinations {
			if d.ImageTag != hash {
				t.Fatalf("image tag %s, want the hash %s", d.ImageTag, hash)
			}
			return imageAsset{hash: hash, dir: filepath.Join(app, im.Source.Directory), repository: d.RepositoryName}
		}
	}
	t.Fatal("the image app has no image asset")
	return imageAsset{}
}

// TestCDKDockerImageAsset: an image asset goes through the docker CLI as
// cdk-assets drives it (login with the ECR token on stdin, build with the
// manifest's Dockerfile, build argument, target and platform, tag, push)
// with every ECR call made as the image-publishing role; a failed build
// exits non-zero naming the asset with no stack touched; the next run finds
// the tag in ECR and runs no docker at all; the password is never in an
// output or a file left behind, and the login's docker config is removed.
func TestCDKDockerImageAsset(t *testing.T) {
	e, calls := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp"))
	asset := readImageAsset(t, app)
	ecr := watchECR(e)
	docker := installFakeDocker(t, e)
	publishing := "arn:aws:iam::" + cdkTarget + ":role/cdk-hnb659fds-image-publishing-role-" + cdkTarget + "-" + testenv.Region
	deploy := []string{"cdk", "deploy", "--app", app, "--require-approval", "never"}

	// A build that fails: the asset named, docker's own line kept, no stack.
	docker.failBuilds(t, true)
	r := e.Run(deploy...)
	if r.Code == 0 || !strings.Contains(r.Stderr, "image asset Web/AssetImage") || !strings.Contains(r.Stderr, "docker build") ||
		!strings.Contains(r.Stderr, "did not complete successfully") {
		t.Errorf("failed build: exit %d, want a failure naming the asset and docker's error:\n%s", r.Code, r.Stderr)
	}
	if n := e.Proxy.Count("cloudformation:CreateChangeSet") + e.Proxy.Count("cloudformation:CreateStack"); n > 0 {
		t.Errorf("failed build: %d stack calls, want none", n)
	}
	checkDockerConfigGone(t, e, docker)
	if c := docker.recorded(t); len(c) != 2 || c[0].Args[0] != "login" || c[1].Args[0] != "build" {
		t.Errorf("failed build: docker calls %v, want login then the build that failed", c)
	}
	ecr.take()

	// The build succeeds: login, build, tag, push, then the stack.
	docker.failBuilds(t, false)
	before := len(docker.recorded(t))
	r = e.Run(deploy...)
	if r.Code != 0 {
		t.Fatalf("deploy: exit %d\n%s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "building with docker") || !strings.Contains(r.Stderr, "pushing image asset") {
		t.Errorf("no progress line before the build and the push (they can take minutes in CI):\n%s", r.Stderr)
	}
	ecrCalls, password, registry := ecr.take()
	if registry != cdkTarget+".dkr.ecr."+testenv.Region+".amazonaws.com" {
		t.Errorf("registry from GetAuthorizationToken: %q", registry)
	}
	remote := registry + "/" + asset.repository + ":" + asset.hash
	local := "cdkasset-" + asset.hash
	got := docker.recorded(t)[before:]
	want := [][]string{
		{"login", "--username", "AWS", "--password-stdin", registry},
		{"build", "--build-arg", "GREETING=hello from the build", "--tag", local, "--target", "web", "--file", "web.Dockerfile", "--platform", "linux/arm64", "."},
		{"tag", local, remote},
		{"push", remote},
	}
	var args [][]string
	for _, c := range got {
		args = append(args, c.Args)
	}
	if diff := cmp.Diff(want, args); diff != "" {
		t.Fatalf("docker calls (-want +got):\n%s", diff)
	}
	if got[1].Dir != asset.dir || got[1].Buildx != "1" {
		t.Errorf("build ran in %s with BUILDX_NO_DEFAULT_ATTESTATIONS=%q, want %s and 1", got[1].Dir, got[1].Buildx, asset.dir)
	}
	if pws := docker.passwords(t); pws[len(pws)-1] != password || password == "" {
		t.Errorf("docker login read %q on stdin, want the password of ECR's token", pws[len(pws)-1])
	}
	if got[0].Config == "" || got[3].Config != got[0].Config {
		t.Errorf("login used DOCKER_CONFIG %q and push %q: want one private config for both", got[0].Config, got[3].Config)
	}
	for _, c := range ecrCalls {
		if !strings.HasSuffix(c, " "+publishing) {
			t.Errorf("ECR call %q, want it made as %s", c, publishing)
		}
	}
	if !strings.HasPrefix(strings.Join(ecrCalls, ","), "DescribeImages ") || len(ecrCalls) != 2 {
		t.Errorf("ECR calls %v, want DescribeImages then GetAuthorizationToken", ecrCalls)
	}
	// ECR answers DescribeImages of a missing tag with ImageNotFoundException
	// and HTTP 400 (ECR API reference, Common Errors); moto 5.2.5 does too.
	if ecr.mu.Lock(); len(ecr.statuses) < 2 || ecr.statuses[0] != http.StatusBadRequest {
		t.Errorf("DescribeImages of a missing tag answered HTTP %v, want 400", ecr.statuses)
	}
	ecr.mu.Unlock()
	checkDockerConfigGone(t, e, docker)
	if got := functionImage(t, e, cdkTarget); got != remote {
		t.Errorf("the function's image %s, want the pushed %s", got, remote)
	}

	// The tag is in ECR now: no docker at all, one DescribeImages.
	before = len(docker.recorded(t))
	e.Proxy.ResetCalls()
	r = e.Run(deploy...)
	if r.Code != 0 {
		t.Fatalf("rerun: exit %d\n%s", r.Code, r.Stderr)
	}
	if extra := docker.recorded(t)[before:]; len(extra) > 0 {
		t.Errorf("rerun ran docker %d times, want none: %v", len(extra), extra)
	}
	if ecrCalls, _, _ := ecr.take(); len(ecrCalls) != 1 || ecrCalls[0] != "DescribeImages "+publishing {
		t.Errorf("rerun's ECR calls %v, want one DescribeImages as the image-publishing role", ecrCalls)
	}
	if placeholders, _, _ := calls.snapshot(); len(placeholders) > 0 {
		t.Errorf("requests with placeholders: %v", placeholders)
	}
}

// checkDockerConfigGone: the private DOCKER_CONFIG of the login is removed,
// and no docker config was written into HOME.
func checkDockerConfigGone(t *testing.T, e *testenv.Env, docker *fakeDocker) {
	t.Helper()
	for _, c := range docker.recorded(t) {
		if c.Config == "" {
			continue
		}
		if _, err := os.Stat(c.Config); !os.IsNotExist(err) {
			t.Errorf("docker config %s of %s left behind (%v)", c.Config, c.Args[0], err)
		}
	}
	if _, err := os.Stat(filepath.Join(e.Dir, ".docker")); !os.IsNotExist(err) {
		t.Errorf("a docker config was written into HOME (%v)", err)
	}
}

// readStackOutput reads an output of the image app's stack in account.
func readStackOutput(t *testing.T, e *testenv.Env, account, key string) string {
	t.Helper()
	status, outputs := stackIn(t, e, account, testenv.Region, "ImageStack")
	if status != "CREATE_COMPLETE" || outputs[key] == "" {
		t.Fatalf("ImageStack: %s, outputs %v", status, outputs)
	}
	return outputs[key]
}

// functionImage is the image URI of the image app's function in account.
func functionImage(t *testing.T, e *testenv.Env, account string) string {
	t.Helper()
	fn := callJSON(t, accountConfig(t, e, account, testenv.Region), "lambda", http.MethodGet,
		"/2015-03-31/functions/"+readStackOutput(t, e, account, "FunctionName"), "", "")
	code, _ := fn["Code"].(map[string]any)
	uri, _ := code["ImageUri"].(string)
	return uri
}
