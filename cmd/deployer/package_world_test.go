package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	yaml "go.yaml.in/yaml/v3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// artifactBucket is the pipeline account's artifact bucket in the tests.
const artifactBucket = "deployer-artifacts-123456789012"

// packWorld is the emulator with the artifact bucket and its KMS key in the
// pipeline account, and a count of the uploads the binary makes.
type packWorld struct {
	*testenv.Env
	key  string        // ARN of the bucket's default KMS key
	puts *atomic.Int64 // S3 PutObject calls seen at the proxy
}

func newPackWorld(t *testing.T) *packWorld {
	t.Helper()
	e := testenv.NewEnv(t)
	ctx := context.Background()
	key, err := kms.NewFromConfig(e.SourceConfig()).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("artifacts")})
	if err != nil {
		t.Fatal(err)
	}
	api := pipelineS3(e)
	if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(artifactBucket)}); err != nil {
		t.Fatal(err)
	}
	_, err = api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(artifactBucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: key.KeyMetadata.Arn},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	w := &packWorld{Env: e, key: aws.ToString(key.KeyMetadata.Arn), puts: &atomic.Int64{}}
	e.Proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		// A PUT with a key in the path is PutObject (bucket-level PUTs have none).
		if r.Service == "s3" && r.HTTP.Method == http.MethodPut && strings.Count(strings.Trim(r.HTTP.URL.Path, "/"), "/") > 0 {
			w.puts.Add(1)
		}
		return nil
	})
	return w
}

// pipelineS3 is an S3 client of the pipeline account, straight to moto.
func pipelineS3(e *testenv.Env) *s3.Client {
	return s3.NewFromConfig(e.SourceConfig(), func(o *s3.Options) { o.UsePathStyle = true })
}

// sourceCopy copies testdata/package/<name> into a fresh directory as a
// new checkout would leave it: every file with the given mtime, files and
// directories created in the given order, modes from umask (0o022 gives 0644
// and 0755; 0o077 gives 0600 and 0700). Files named *.sh are executable.
func sourceCopy(t *testing.T, name string, mtime time.Time, umask fs.FileMode, reverse bool) string {
	t.Helper()
	src := testdata(filepath.Join("package", name))
	var files []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if reverse {
		slices.Reverse(files)
	}
	dst := t.TempDir()
	for _, p := range files {
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o777&^umask); err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o666)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o777
		}
		if err := os.WriteFile(to, body, mode&^umask); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(to, mode&^umask); err != nil { // WriteFile's mode is cut by the process umask
			t.Fatal(err)
		}
		if err := os.Chtimes(to, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// deployApp runs "cfn deploy" of a packaged app into the target account.
func (w *packWorld) deployApp(stack, template string, extra ...string) testenv.Result {
	w.T.Helper()
	args := append([]string{"cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
		"--stack", stack, "--template", template, "--artifact-bucket", artifactBucket,
		"--capabilities", "CAPABILITY_IAM,CAPABILITY_AUTO_EXPAND"}, extra...)
	return w.Run(args...)
}

// object reads an object of the artifact bucket with the pipeline's credentials.
func (w *packWorld) object(t *testing.T, key string) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := pipelineS3(w.Env).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(artifactBucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", artifactBucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out
}

// deployedTemplate is the template the stack in the target account runs.
func deployedTemplate(t *testing.T, cfg aws.Config, stack string) *yaml.Node {
	t.Helper()
	out, err := cloudformation.NewFromConfig(cfg).GetTemplate(context.Background(), &cloudformation.GetTemplateInput{
		StackName: aws.String(stack), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(aws.ToString(out.TemplateBody)), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// lookup follows a path of mapping keys in a YAML document ("" when absent).
func lookup(n *yaml.Node, path ...string) string {
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for _, k := range path {
		var next *yaml.Node
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return ""
		}
		n = next
	}
	return n.Value
}

// codeSHA is Lambda's CodeSha256 of a zip: base64 of its SHA-256.
func codeSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func hexSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// zipEntries lists a zip's entries as "name mode modified".
func zipEntries(t *testing.T, b []byte) []string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range z.File {
		out = append(out, f.Name+" "+f.Mode().String()+" "+f.Modified.UTC().Format("2006-01-02T15:04"))
	}
	return out
}

// callJSON makes a signed call to a JSON API the SDK modules of this
// repository do not cover (Lambda's REST API, Step Functions' JSON 1.0),
// straight to the emulator, and decodes the answer.
func callJSON(t *testing.T, cfg aws.Config, service, method, path, target, body string) map[string]any {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, method, aws.ToString(cfg.BaseEndpoint)+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hexSHA([]byte(body)), service, cfg.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s %s: HTTP %d, %v %v", service, method, path+target, resp.StatusCode, out, err)
	}
	return out
}

// physicalID is a resource's physical id in a stack.
func physicalID(t *testing.T, cfg aws.Config, stack, logicalID string) string {
	t.Helper()
	out, err := cloudformation.NewFromConfig(cfg).DescribeStackResource(context.Background(), &cloudformation.DescribeStackResourceInput{
		StackName: aws.String(stack), LogicalResourceId: aws.String(logicalID)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StackResourceDetail.PhysicalResourceId)
}

func anyString(v any) *string {
	s, _ := v.(string)
	return &s
}

// writeTree writes files (a trailing "/" makes a directory; "-> target" a symlink).
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(name, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(body, "-> "):
			err = os.Symlink(strings.TrimPrefix(body, "-> "), p)
		default:
			err = os.WriteFile(p, []byte(body), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// shell runs commands as a build would, in dir with a fresh source artifact
// (no outputs.env of a previous run), with counts reset; it fails the test
// when a command fails.
func (w *packWorld) shell(t *testing.T, dir string, env, commands []string) testenv.Result {
	t.Helper()
	w.Proxy.ResetCalls()
	w.puts.Store(0)
	_ = os.Remove(filepath.Join(dir, "outputs.env"))
	cmd := exec.Command("sh", "-ec", strings.Join(commands, "\n"))
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), w.Vars...), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	w.Record(out.String(), errb.String())
	if err != nil {
		t.Fatalf("%v: %v\n%s%s", env, err, out.String(), errb.String())
	}
	return testenv.Result{Stdout: out.String(), Stderr: errb.String()}
}
