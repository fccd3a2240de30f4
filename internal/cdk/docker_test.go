package cdk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestBuildArgsFollowCDKAssets: every build option of an asset manifest's
// image source reaches docker build as cdk-assets 2.1149.0 passes it
// (Docker.build in cdk-assets-lib), in its order.
func TestBuildArgsFollowCDKAssets(t *testing.T) {
	a := ImageAsset{
		BuildArgs: map[string]string{"B": "2", "A": "1"}, BuildContexts: map[string]string{"lib": "../lib"},
		BuildSecrets: map[string]string{"npm": "src=/run/npmrc"}, BuildSSH: "default", Target: "web", DockerFile: "web.Dockerfile",
		NetworkMode: "host", Platform: "linux/arm64", Outputs: []string{"type=docker"},
		CacheFrom: []CacheOption{{Type: "registry", Params: map[string]string{"ref": "r:cache"}}},
		CacheTo:   &CacheOption{Type: "registry", Params: map[string]string{"ref": "r:cache", "mode": "max"}}, CacheDisabled: true,
	}
	want := []string{"build", "--build-arg", "A=1", "--build-arg", "B=2", "--build-context", "lib=../lib", "--secret", "id=npm,src=/run/npmrc",
		"--ssh", "default", "--tag", "cdkasset-x", "--target", "web", "--file", "web.Dockerfile", "--network", "host", "--platform", "linux/arm64",
		"--output=type=docker", "--cache-from", "type=registry,ref=r:cache", "--cache-to", "type=registry,mode=max,ref=r:cache", "--no-cache", "."}
	if diff := cmp.Diff(want, buildArgs(a, "cdkasset-x")); diff != "" {
		t.Errorf("docker build argv (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"build", "--tag", "cdkasset-x", "."}, buildArgs(ImageAsset{}, "cdkasset-x")); diff != "" {
		t.Errorf("a plain asset (-want +got):\n%s", diff)
	}
}

// TestPrivateDockerConfigKeepsAllButTheStore: the run's DOCKER_CONFIG is the
// user's config without credsStore (docker login would put the password
// there), with the user's contexts linked; a login drops the credential
// helper of its own registry only; close removes it all and leaves the
// user's config as it was.
func TestPrivateDockerConfigKeepsAllButTheStore(t *testing.T) {
	user := t.TempDir()
	orig := `{"credsStore":"desktop","credHelpers":{"222222222222.dkr.ecr.us-east-1.amazonaws.com":"ecr-login","gcr.io":"gcloud"},` +
		`"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpodWI="}},"currentContext":"colima"}`
	if err := os.WriteFile(filepath.Join(user, "config.json"), []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(user, "contexts"), 0o700); err != nil {
		t.Fatal(err)
	}
	d := &dockerRun{env: []string{"HOME=/nowhere", "DOCKER_CONFIG=" + user}}
	if err := d.open(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(d.config); err != nil || st.Mode().Perm() != 0o700 || strings.HasPrefix(d.config, user) {
		t.Fatalf("private config %s: %v %v, want a new 0700 directory", d.config, st, err)
	}
	if err := d.dropHelper("222222222222.dkr.ecr.us-east-1.amazonaws.com"); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	b, _ := os.ReadFile(filepath.Join(d.config, "config.json"))
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"credHelpers": map[string]any{"gcr.io": "gcloud"}, "currentContext": "colima",
		"auths": map[string]any{"https://index.docker.io/v1/": map[string]any{"auth": "dXNlcjpodWI="}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("private config.json (-want +got):\n%s", diff)
	}
	if target, err := os.Readlink(filepath.Join(d.config, "contexts")); err != nil || target != filepath.Join(user, "contexts") {
		t.Errorf("contexts: %q %v, want a link to the user's", target, err)
	}
	d.close()
	if _, err := os.Stat(d.config); !os.IsNotExist(err) {
		t.Errorf("private config left behind: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(user, "config.json")); string(b) != orig {
		t.Errorf("the user's config changed: %s", b)
	}
}

// ecrFake is ECR with the images pushed so far (by the fake docker below,
// through the tags file) and a count of tokens issued.
type ecrFake struct {
	mu     sync.Mutex
	tokens int
	pushed string // file the fake docker appends pushed references to
}

const ecrPassword = "s3cret-ecr-password"

func (f *ecrFake) DescribeImages(_ context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	b, _ := os.ReadFile(f.pushed)
	ref := "/" + aws.ToString(in.RepositoryName) + ":" + aws.ToString(in.ImageIds[0].ImageTag)
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && strings.HasSuffix(line, ref) {
			return &ecr.DescribeImagesOutput{}, nil
		}
	}
	return nil, &ecrtypes.ImageNotFoundException{Message: aws.String("not there")}
}

func (f *ecrFake) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	tok := base64.StdEncoding.EncodeToString([]byte("AWS:" + ecrPassword))
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{
		{AuthorizationToken: aws.String(tok), ProxyEndpoint: aws.String("https://333333333333.dkr.ecr.us-east-1.amazonaws.com")}}}, nil
}

// A docker that logs its argv, holds a lock directory while it builds (two
// builds at once are recorded as an overlap) and appends pushes.
const overlapDocker = `#!/bin/sh
s='%s'
echo "$*" >> "$s/calls"
case "$1" in
login) cat > /dev/null ;;
build) mkdir "$s/building" 2>/dev/null || echo overlap >> "$s/overlaps"; sleep 0.2; rmdir "$s/building" 2>/dev/null; true ;;
push) echo "$2" >> "$s/pushed" ;;
esac
`

// TestImagesLoginOnceBuildOneAtATime: three image assets of one registry,
// published 8 at a time: one token and one login for all, the builds one
// after another, three pushes, the password on no command line, and the
// private config gone when Publish returns; a second Publish finds every
// tag and runs no docker.
func TestImagesLoginOnceBuildOneAtATime(t *testing.T) {
	state := t.TempDir()
	bin := filepath.Join(state, "docker")
	if err := os.WriteFile(bin, []byte(strings.Replace(overlapDocker, "%s", state, 1)), 0o755); err != nil {
		t.Fatal(err)
	}
	st := &Stack{DisplayName: "Svc", Environment: Environment{Account: "333333333333", Region: "us-east-1"}}
	for _, h := range []string{"aaa", "bbb", "ccc"} {
		st.Images = append(st.Images, ImageAsset{Hash: h, DisplayName: "Img" + h, Directory: state, Destinations: []ImageDestination{
			{Repository: "cdk-hnb659fds-container-assets-333333333333-us-east-1", Tag: h, Region: "us-east-1"}}})
	}
	fake := &ecrFake{pushed: filepath.Join(state, "pushed")}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := &Publisher{Access: &roles{}, Log: zerolog.Nop(), Docker: bin, DockerEnv: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp},
		NewECR: func(aws.Config) ECRAPI { return fake }}
	got, err := p.Publish(context.Background(), []*Stack{st}, nil)
	if err != nil {
		t.Fatal(err)
	}
	calls, _ := os.ReadFile(filepath.Join(state, "calls"))
	count := func(verb string) int { return strings.Count("\n"+string(calls), "\n"+verb+" ") }
	if fake.tokens != 1 || count("login") != 1 || count("build") != 3 || count("tag") != 3 || count("push") != 3 || len(got) != 3 || !got[0].Uploaded {
		t.Errorf("%d tokens, docker calls:\n%s\npublished %+v; want 1 token, 1 login, 3 builds, tags and pushes", fake.tokens, calls, got)
	}
	if strings.Contains(string(calls), ecrPassword) {
		t.Error("the ECR password was on a docker command line")
	}
	if b, _ := os.ReadFile(filepath.Join(state, "overlaps")); len(b) > 0 {
		t.Errorf("two docker builds ran at once (%d times)", strings.Count(string(b), "\n"))
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "deployer-docker-*")); len(left) > 0 {
		t.Errorf("private docker config left behind: %v", left)
	}
	before := len(calls)
	if got, err := p.Publish(context.Background(), []*Stack{st}, nil); err != nil || got[0].Uploaded {
		t.Fatalf("second publish: %v %+v", err, got)
	}
	if calls, _ := os.ReadFile(filepath.Join(state, "calls")); len(calls) != before {
		t.Errorf("second publish ran docker:\n%s", calls[before:])
	}
}

// TestImageAssetOfARealAppPlaced: the image app synthesized by aws-cdk-lib
// is read with its build options, and, left environment-agnostic, its
// repository (cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region})
// and publishing role are placed in the target's account and region.
func TestImageAssetOfARealAppPlaced(t *testing.T) {
	app := filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp")
	a, err := Load(testenv.SynthCDK(t, app, "AGNOSTIC=1"))
	if err != nil {
		t.Fatal(err)
	}
	st := a.Stack("ImageStack")
	if st == nil || len(st.Images) != 1 || !st.Environment.Agnostic() {
		t.Fatalf("ImageStack: %+v, want one image asset in an agnostic stack", st)
	}
	im := st.Images[0]
	if im.DockerFile != "web.Dockerfile" || im.Target != "web" || im.Platform != "linux/arm64" || im.BuildArgs["GREETING"] != "hello from the build" ||
		filepath.Base(im.Directory) != "asset."+im.Hash {
		t.Errorf("image asset read as %+v", im)
	}
	if d := im.Destinations[0]; !strings.Contains(d.Repository, "${AWS::AccountId}") {
		t.Errorf("agnostic repository %q, want the account placeholder the synthesizer writes", d.Repository)
	}
	d := st.In(Environment{Account: "444444444444", Region: "eu-west-1"}).Images[0].Destinations[0]
	want := ImageDestination{ID: d.ID, Repository: "cdk-hnb659fds-container-assets-444444444444-eu-west-1", Tag: im.Hash, Region: "eu-west-1",
		RoleARN: "arn:aws:iam::444444444444:role/cdk-hnb659fds-image-publishing-role-444444444444-eu-west-1"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("placed destination (-want +got):\n%s", diff)
	}
}

// TestLookPathUsesDockersEnvironment: docker is found on the PATH of the
// environment deployer was given, not its own; a path is made absolute
// (the build runs in the asset's directory); nothing found is "".
func TestLookPathUsesDockersEnvironment(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "docker")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "podman"), []byte("not executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=/nowhere", "PATH=/no/such/dir:" + dir}
	t.Chdir(dir)
	for _, c := range []struct{ bin, want string }{{"docker", bin}, {"podman", ""}, {"./docker", bin}, {bin, bin}, {"nerdctl", ""}} {
		if got := lookPath(c.bin, env); got != c.want {
			t.Errorf("lookPath(%q) = %q, want %q", c.bin, got, c.want)
		}
	}
	if got := lookPath("docker", []string{"PATH=/no/such/dir"}); got != "" {
		t.Errorf("docker found on a PATH without it: %q", got)
	}
}

// TestImageBuiltOnceForEveryTarget: two targets' Publishers sharing the
// run's ImageBuilds, at once: the image is built once, tagged and pushed by
// each.
func TestImageBuiltOnceForEveryTarget(t *testing.T) {
	state := t.TempDir()
	bin := filepath.Join(state, "docker")
	if err := os.WriteFile(bin, []byte(strings.Replace(overlapDocker, "%s", state, 1)), 0o755); err != nil {
		t.Fatal(err)
	}
	fake := &ecrFake{pushed: filepath.Join(state, "pushed")}
	builds := &ImageBuilds{}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, acct := range []string{"333333333333", "444444444444"} {
		st := &Stack{DisplayName: "Svc", Environment: Environment{Account: acct, Region: "us-east-1"}, Images: []ImageAsset{{Hash: "abc",
			DisplayName: "Img", Directory: state, Destinations: []ImageDestination{{Repository: "repo-" + acct, Tag: "abc", Region: "us-east-1"}}}}}
		p := &Publisher{Access: &roles{}, Log: zerolog.Nop(), Docker: bin, DockerEnv: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + state},
			Builds: builds, NewECR: func(aws.Config) ECRAPI { return fake }}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.Publish(context.Background(), []*Stack{st}, nil)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	calls, _ := os.ReadFile(filepath.Join(state, "calls"))
	count := func(verb string) int { return strings.Count("\n"+string(calls), "\n"+verb+" ") }
	if count("build") != 1 || count("tag") != 2 || count("push") != 2 {
		t.Errorf("docker calls:\n%s\nwant one build, two tags and two pushes", calls)
	}
}
