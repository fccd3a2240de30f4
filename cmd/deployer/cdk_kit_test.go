package main

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// The CDK test world: the test app synthesized by aws-cdk-lib with node
// (once per test binary), accounts bootstrapped by the real
// "cdk bootstrap --trust" on the emulator (about 5 s an account), and node,
// npx and cdk shims first on every deployer run's PATH.

// cdkAssembly is the test app's cdk.out (read only: copy before changing).
func cdkAssembly(t *testing.T) string {
	t.Helper()
	return testenv.SynthCDK(t, filepath.Join(testenv.RepoRoot(), "internal", "cdk", "testdata", "app"))
}

// cdkEnv is an emulator world where deployer may not run Node.
func cdkEnv(t *testing.T) (*testenv.Env, *cdkCalls) {
	t.Helper()
	e := testenv.NewEnv(t)
	e.ForbidNode()
	calls := &cdkCalls{}
	e.Proxy.Handle(calls.hook)
	return e, calls
}

// cdkBootstrap runs the real CDK CLI's bootstrap of account, trusting the
// pipeline account, as a team does once per account.
func cdkBootstrap(t *testing.T, e *testenv.Env, account string) {
	t.Helper()
	cdkBootstrapTrusting(t, e, account, testenv.PipelineAcct)
}

// cdkBootstrapTrusting bootstraps account trusting another account, or
// none when trust is "".
func cdkBootstrapTrusting(t *testing.T, e *testenv.Env, account, trust string) {
	t.Helper()
	creds, err := accountConfig(t, e, account, testenv.Region).Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"bootstrap", "aws://" + account + "/" + testenv.Region}
	if trust != "" {
		args = append(args, "--trust", trust, "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess")
	}
	cmd := exec.Command(testenv.CDKBin(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "CDK_DISABLE_VERSION_CHECK=1", "CI=1",
		"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey, "AWS_SESSION_TOKEN=" + creds.SessionToken,
		"AWS_REGION=" + testenv.Region, "AWS_ENDPOINT_URL=" + e.Moto.URL, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cdk bootstrap %s: %v\n%s", account, err, out)
	}
}

// cdkCalls counts what the proxy saw deployer send.
type cdkCalls struct {
	mu           sync.Mutex
	placeholders []string // requests that still carried ${AWS::...}
	puts         []string // S3 objects written
	changeSets   []string // stacks, in the order change sets were made
}

func (c *cdkCalls) hook(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, _ := url.PathUnescape(r.HTTP.URL.String())
	text := raw + " " + r.HTTP.Header.Get("X-Amz-Copy-Source")
	for k, vs := range r.Form {
		if k != "TemplateBody" { // a template's own Fn::Sub may say ${AWS::AccountId}
			text += " " + strings.Join(vs, " ")
		}
	}
	if strings.Contains(text, "${AWS::") {
		c.placeholders = append(c.placeholders, r.Service+":"+r.Action+" "+raw)
	}
	if r.Service == "s3" && r.HTTP.Method == "PUT" {
		c.puts = append(c.puts, r.HTTP.URL.Path)
	}
	if r.Action == "CreateChangeSet" {
		c.changeSets = append(c.changeSets, r.Form.Get("StackName"))
	}
	return nil
}

func (c *cdkCalls) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts, c.changeSets = nil, nil
}

func (c *cdkCalls) snapshot() (placeholders, puts, changeSets []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.placeholders...), append([]string(nil), c.puts...), append([]string(nil), c.changeSets...)
}

// getObject reads an object in account's bucket.
func getObject(t *testing.T, cfg aws.Config, bucket, key string) []byte {
	t.Helper()
	out, err := s3.NewFromConfig(cfg, pathStyle).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readOutputs reads a cdk-shaped outputs file.
func readOutputs(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
	return out
}
