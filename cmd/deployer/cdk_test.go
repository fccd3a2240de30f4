package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/deployer-dev/deployer/internal/testenv"
)

const cdkTarget = testenv.TargetAcct // the test app's concrete stacks live here

// TestCDKDeployWithoutNode deploys a real synthesized app into an account
// bootstrapped by the real "cdk bootstrap --trust": the function's code is
// the published asset, dependencies go first, the outputs file has cdk's
// shape, and a rerun makes no change set, uploads nothing and takes two
// round trips for its four stacks.
func TestCDKDeployWithoutNode(t *testing.T) {
	e, calls := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := cdkAssembly(t)
	outFile := filepath.Join(e.Dir, "outputs.json")
	r := e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--outputs-file", outFile, "FnStack", "Consumer", "Prod/*")
	if r.Code != 0 {
		t.Fatalf("cdk deploy: exit %d\n%s", r.Code, r.Stderr)
	}
	placeholders, puts, changeSets := calls.snapshot()
	if len(placeholders) > 0 {
		t.Errorf("requests still carrying ${AWS::...}: %v", placeholders)
	}
	if i, j := slices.Index(changeSets, "Producer"), slices.Index(changeSets, "Consumer"); i < 0 || j < i {
		t.Errorf("change sets made for %v: Producer (which Consumer imports from) must come first", changeSets)
	}
	if len(puts) != 6 {
		t.Errorf("uploaded %d objects %v, want 6 (function zip, config file, 4 templates)", len(puts), puts)
	}
	outs := readOutputs(t, outFile)
	fn := outs["FnStack"]["FunctionName"]
	if fn == "" || outs["Producer"] == nil {
		t.Fatalf("outputs file %v: want FnStack's FunctionName and Producer's export, keyed by stack name", outs)
	}
	target := accountConfig(t, e, cdkTarget, testenv.Region)
	bucket := "cdk-hnb659fds-assets-" + cdkTarget + "-" + testenv.Region
	zipKey := ""
	for _, p := range puts {
		if strings.HasSuffix(p, ".zip") {
			zipKey = p[strings.LastIndex(p, "/")+1:]
		}
	}
	code := getObject(t, target, bucket, zipKey)
	cfg := callJSON(t, target, "lambda", http.MethodGet, "/2015-03-31/functions/"+fn, "", "")["Configuration"].(map[string]any)
	if got := cfg["CodeSha256"]; got != codeSHA(code) {
		t.Errorf("function %s: CodeSha256 %v, want %s, the SHA-256 of the published s3://%s/%s", fn, got, codeSHA(code), bucket, zipKey)
	}
	st, err := cloudformation.NewFromConfig(target).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("FnStack")})
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Stacks[0]; !aws.ToBool(s.EnableTerminationProtection) || len(s.Tags) != 2 || !strings.Contains(aws.ToString(s.RoleARN), "cdk-hnb659fds-cfn-exec-role") {
		t.Errorf("FnStack: termination protection %v, tags %v, role %v; want protection, the two app tags and the cfn-exec role",
			aws.ToBool(s.EnableTerminationProtection), s.Tags, aws.ToString(s.RoleARN))
	}

	// The rerun under a round trip of rtt: four stacks, Consumer after
	// Producer, still two round trips, every stack's reads sent at once.
	var slow atomic.Bool
	latency := testenv.Latency(rtt, 0)
	e.Proxy.Handle(func(r *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		if slow.Load() {
			return latency(r, forward)
		}
		return nil
	})
	calls.reset()
	e.Proxy.ResetCalls()
	slow.Store(true)
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack", "Consumer", "Prod/*")
	slow.Store(false)
	if r.Code != 0 {
		t.Fatalf("rerun: exit %d\n%s", r.Code, r.Stderr)
	}
	if n, chain := testenv.Depth(e.Proxy.Trace()); n > 2 {
		t.Errorf("the four-stack no-op took %d sequential round trips, want 2: %v", n, chain)
	}
	if _, puts, changeSets := calls.snapshot(); len(puts) > 0 || len(changeSets) > 0 {
		t.Errorf("rerun uploaded %v and made change sets for %v; want neither", puts, changeSets)
	}
	if n := strings.Count(r.Stderr, "(nothing submitted)"); n != 4 {
		t.Errorf("rerun: %d stacks reported unchanged without a change set, want 4:\n%s", n, r.Stderr)
	}

	calls.reset()
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--parameter", "FnStack:Greeting=bonjour", "FnStack")
	if r.Code != 0 {
		t.Fatalf("parameter change: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, puts, changeSets := calls.snapshot(); len(puts) > 0 || !slices.Equal(changeSets, []string{"FnStack"}) {
		t.Errorf("a parameter changed: uploads %v, change sets %v; want none and one for FnStack", puts, changeSets)
	}
}

// TestCDKRefusesUnbootstrappedAccount: nothing is published or created in
// an account the CDK never bootstrapped, or bootstrapped at an old
// version; the one line names the command that fixes it.
func TestCDKRefusesUnbootstrappedAccount(t *testing.T) {
	e, calls := cdkEnv(t)
	app := cdkAssembly(t)
	r := e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack")
	fix := "cdk bootstrap --trust " + testenv.PipelineAcct + " --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess aws://" + cdkTarget + "/" + testenv.Region
	if r.Code != 3 || !strings.Contains(r.Stderr, fix) || !strings.Contains(r.Stderr, "account "+cdkTarget+" region "+testenv.Region) {
		t.Errorf("unbootstrapped: exit %d, want 3 and %q:\n%s", r.Code, fix, r.Stderr)
	}
	// The assets' HeadObjects go out with the bootstrap read (reads only);
	// nothing else reaches S3.
	var s3Calls []string
	for _, c := range e.Proxy.Trace() {
		if strings.HasPrefix(c.Key, "s3:") && c.Key != "s3:HEAD" {
			s3Calls = append(s3Calls, c.Key)
		}
	}
	if _, puts, changeSets := calls.snapshot(); len(puts) > 0 || len(changeSets) > 0 || len(s3Calls) > 0 {
		t.Errorf("unbootstrapped: uploads %v, change sets %v, S3 calls %v besides HeadObject; want nothing touched", puts, changeSets, s3Calls)
	}

	target := accountConfig(t, e, cdkTarget, testenv.Region)
	if _, err := ssm.NewFromConfig(target).PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String("/cdk-bootstrap/hnb659fds/version"), Value: aws.String("5"), Type: "String"}); err != nil {
		t.Fatal(err)
	}
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack")
	if r.Code != 3 || !strings.Contains(r.Stderr, "CDK bootstrap version 5, 6 required") || !strings.Contains(r.Stderr, fix) {
		t.Errorf("bootstrap version 5: exit %d, want 3 naming 5, 6 and the fix:\n%s", r.Code, r.Stderr)
	}
}

// TestCDKRefusesWhatItCannotRead: a newer manifest major is exit 2 naming
// both versions, before any call.
func TestCDKRefusesWhatItCannotRead(t *testing.T) {
	e, _ := cdkEnv(t)
	dir := filepath.Join(e.Dir, "newer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cdkAssembly(t), "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["version"] = "56.0.0"
	b, _ = json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.Run("cdk", "deploy", "--app", dir, "--all")
	if r.Code != 2 || !strings.Contains(r.Stderr, "56.0.0") || !strings.Contains(r.Stderr, "major 55") {
		t.Errorf("newer manifest: exit %d, want 2 naming 56.0.0 and 55:\n%s", r.Code, r.Stderr)
	}
	if n := len(e.Proxy.Calls()); n > 0 {
		t.Errorf("newer manifest: %d kinds of AWS calls made, want none", n)
	}
}

// TestCDKRequireApproval: the default, broadening, stops a first deploy
// that creates an IAM role, lists it, exits 6 and leaves nothing behind.
func TestCDKRequireApproval(t *testing.T) {
	e, _ := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	r := e.Run("cdk", "deploy", "--app", cdkAssembly(t), "FnStack")
	if r.Code != 6 || !strings.Contains(r.Stderr, "Add HandlerServiceRoleFCDC14AE (AWS::IAM::Role)") {
		t.Errorf("broadening change: exit %d, want 6 listing the role:\n%s", r.Code, r.Stderr)
	}
	if e.Proxy.Count("cloudformation:ExecuteChangeSet") > 0 {
		t.Error("a change set needing approval was executed")
	}
	st, err := cloudformation.NewFromConfig(accountConfig(t, e, cdkTarget, testenv.Region)).DescribeStacks(context.Background(),
		&cloudformation.DescribeStacksInput{StackName: aws.String("FnStack")})
	if err == nil && len(st.Stacks) > 0 && st.Stacks[0].StackStatus != "REVIEW_IN_PROGRESS" {
		t.Errorf("FnStack exists as %s after a refused first deploy", st.Stacks[0].StackStatus)
	}
}

// TestCDKInteropWithTheCDKCLI: a stack the real "cdk deploy" created is
// one deployer finds up to date (no change set), and after deployer
// changed a parameter the real "cdk deploy" finds it up to date too.
func TestCDKInteropWithTheCDKCLI(t *testing.T) {
	e, calls := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := cdkAssembly(t)
	cdkCLI := func() string {
		t.Helper()
		cmd := exec.Command(testenv.CDKBin(t), "deploy", "--app", app, "--require-approval", "never", "FnStack")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "CDK_DISABLE_VERSION_CHECK=1", "CI=1",
			"AWS_ACCESS_KEY_ID=" + testenv.SourceKeyID, "AWS_SECRET_ACCESS_KEY=" + testenv.SourceSecret,
			"AWS_REGION=" + testenv.Region, "AWS_ENDPOINT_URL=" + e.Moto.URL, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cdk deploy: %v\n%s", err, out)
		}
		return string(out)
	}
	cdkCLI()
	r := e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "FnStack")
	if _, puts, changeSets := calls.snapshot(); r.Code != 0 || len(changeSets) > 0 || len(puts) > 0 {
		t.Errorf("after cdk deploy: exit %d, change sets %v, uploads %v; want 0 and neither\n%s", r.Code, changeSets, puts, r.Stderr)
	}
	r = e.Run("cdk", "deploy", "--app", app, "--require-approval", "never", "--parameter", "Greeting=hi", "FnStack")
	if r.Code != 0 {
		t.Fatalf("parameter change: exit %d\n%s", r.Code, r.Stderr)
	}
	if out := cdkCLI(); !strings.Contains(out, "FnStack (no changes)") {
		t.Errorf("cdk deploy after deployer: want FnStack (no changes), got\n%s", out)
	}
}

// TestCDKImageAssetWithoutDocker: an image asset not yet in ECR, and no
// docker to build it, is refused naming the asset, before any stack.
func TestCDKImageAssetWithoutDocker(t *testing.T) {
	e, _ := cdkEnv(t)
	cdkBootstrap(t, e, cdkTarget)
	app := testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "imageapp"))
	r := e.RunEnv([]string{"CDK_DOCKER=" + filepath.Join(e.Dir, "no-docker-here")}, "cdk", "deploy", "--app", app, "--require-approval", "never")
	if r.Code == 0 || !strings.Contains(r.Stderr, "image asset Web") || !strings.Contains(r.Stderr, "docker is not available") {
		t.Errorf("image asset without docker: exit %d, want a refusal naming the asset Web:\n%s", r.Code, r.Stderr)
	}
	if e.Proxy.Count("cloudformation:CreateChangeSet") > 0 {
		t.Error("a change set was made although an asset could not be published")
	}
}

// TestCDKDoctor: doctor --app checks each environment of the assembly as
// cdk deploy will use it: passes once bootstrapped with --trust, names the
// fix when the account is not bootstrapped or does not trust the pipeline.
func TestCDKDoctor(t *testing.T) {
	e, _ := cdkEnv(t)
	app := cdkAssembly(t)
	r := e.Run("doctor", "--app", app)
	fix := "cdk bootstrap --trust " + testenv.PipelineAcct
	if r.Code == 0 || !strings.Contains(r.Stdout, "FAIL  cdk bootstrap version") || !strings.Contains(r.Stdout, fix) {
		t.Errorf("not bootstrapped: exit %d, want a failure naming %q:\n%s\n%s", r.Code, fix, r.Stdout, r.Stderr)
	}
	cdkBootstrapTrusting(t, e, cdkTarget, "")
	r = e.Run("doctor", "--app", app)
	if r.Code == 0 || !strings.Contains(r.Stdout, "FAIL  cdk deploy role trust") || !strings.Contains(r.Stdout, "does not trust account "+testenv.PipelineAcct) {
		t.Errorf("bootstrapped without --trust: exit %d, want the deploy role's trust to fail:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	cdkBootstrap(t, e, cdkTarget)
	r = e.Run("doctor", "--app", app)
	for _, want := range []string{"PASS  cdk bootstrap version", "PASS  cdk deploy role trust", "PASS  cdk file-publishing role trust", "PASS  cdk asset bucket policy"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("bootstrapped with --trust: no %q:\n%s\n%s", want, r.Stdout, r.Stderr)
		}
	}
}
