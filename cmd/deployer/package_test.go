package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// The function, its layer, the state machine and the nested stack's
// function in the target account run what was packaged from local paths, read
// from the pipeline account's bucket; a fresh checkout (other mtimes, modes
// and creation order) then uploads nothing and changes nothing.
func TestPackageDeployCrossAccountThenNothingToUpload(t *testing.T) {
	w := newPackWorld(t)
	target := w.TargetConfig(context.Background())
	first := sourceCopy(t, "app", time.Now().Add(-48*time.Hour), 0o022, false)
	r := w.deployApp("pkg-app", filepath.Join(first, "template.yaml"))
	mustCode(t, r, 0)
	// Five references, four objects: the nested function shares ./src.
	if got := w.puts.Load(); got != 4 {
		t.Errorf("first deploy: %d PutObject calls, want 4", got)
	}
	if got := strings.Count(r.Stderr, " uploaded "); got != 4 {
		t.Errorf("first deploy: %d \"uploaded\" lines, want 4:\n%s", got, r.Stderr)
	}
	for _, want := range []string{"resource=Function", "property=Code", "path=./src", "resource=Layer", "property=Content",
		"resource=Machine", "property=DefinitionS3Location", "resource=Child", "property=TemplateURL", "resource=Worker", "bytes="} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("artifact lines lack %q:\n%s", want, r.Stderr)
		}
	}

	tpl := deployedTemplate(t, target, "pkg-app")
	codeKey := lookup(tpl, "Resources", "Function", "Properties", "Code", "S3Key")
	if b := lookup(tpl, "Resources", "Function", "Properties", "Code", "S3Bucket"); b != artifactBucket || !strings.HasPrefix(codeKey, testenv.TargetAcct+"/") {
		t.Fatalf("deployed Code is s3://%s/%s, want the artifact bucket under the target account's prefix", b, codeKey)
	}
	code, obj := w.object(t, codeKey)
	if codeKey != testenv.TargetAcct+"/"+hexSHA(code)+".zip" {
		t.Errorf("key %s is not the zip's content hash %s", codeKey, hexSHA(code))
	}
	if obj.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(obj.SSEKMSKeyId) != w.key {
		t.Errorf("zip encrypted with %s %s, want aws:kms with the bucket's key %s", obj.ServerSideEncryption, aws.ToString(obj.SSEKMSKeyId), w.key)
	}
	wantEntries := []string{"bin/ drwxr-xr-x 1980-01-01T00:00", "bin/run.sh -rwxr-xr-x 1980-01-01T00:00", "index.py -rw-r--r-- 1980-01-01T00:00"}
	if got := zipEntries(t, code); !slices.Equal(got, wantEntries) {
		t.Errorf("zip entries %q, want %q", got, wantEntries)
	}
	// Lambda in the target account read the zip from the pipeline's bucket.
	for _, name := range []string{"app-test", "app-worker-test"} {
		fn := callJSON(t, target, "lambda", http.MethodGet, "/2015-03-31/functions/"+name, "", "")
		cfg, _ := fn["Configuration"].(map[string]any)
		if got := cfg["CodeSha256"]; got != codeSHA(code) || !strings.Contains(aws.ToString(anyString(cfg["FunctionArn"])), ":"+testenv.TargetAcct+":") {
			t.Errorf("function %s: CodeSha256 %v, ARN %v; want %s in account %s", name, got, cfg["FunctionArn"], codeSHA(code), testenv.TargetAcct)
		}
	}
	layer, _ := w.object(t, lookup(tpl, "Resources", "Layer", "Properties", "Content", "S3Key"))
	layers, _ := callJSON(t, target, "lambda", http.MethodGet, "/2018-10-31/layers", "", "")["Layers"].([]any)
	if len(layers) != 1 || !strings.Contains(fmt.Sprint(layers[0]), "CodeSha256:"+codeSHA(layer)) {
		t.Errorf("layers in the target account %v, want one with CodeSha256 %s", layers, codeSHA(layer))
	}
	fnLayers := callJSON(t, target, "lambda", http.MethodGet, "/2015-03-31/functions/app-test", "", "")["Configuration"].(map[string]any)["Layers"]
	if arn := physicalID(t, target, "pkg-app", "Layer"); arn == "" || !strings.Contains(fmt.Sprint(fnLayers), arn) {
		t.Errorf("function layers %v, want the layer version %q", fnLayers, arn)
	}
	definition, err := os.ReadFile(filepath.Join(first, "machine.json"))
	if err != nil {
		t.Fatal(err)
	}
	machine := callJSON(t, target, "states", http.MethodPost, "/", "AWSStepFunctions.DescribeStateMachine",
		`{"stateMachineArn":"arn:aws:states:us-east-1:222222222222:stateMachine:app-machine-test"}`)
	if machine["definition"] != string(definition) {
		t.Errorf("state machine definition %q, want machine.json %q", machine["definition"], definition)
	}
	if st, _, _ := describe(t, w.SourceConfig(), "pkg-app"); st != "" {
		t.Errorf("stack also in the pipeline account: %s", st)
	}

	// A fresh checkout: new mtimes, umask 077, files created in reverse order.
	w.Proxy.ResetCalls()
	w.puts.Store(0)
	second := sourceCopy(t, "app", time.Now(), 0o077, true)
	r = w.deployApp("pkg-app", filepath.Join(second, "template.yaml"))
	mustCode(t, r, 0)
	if got := w.puts.Load(); got != 0 {
		t.Errorf("second deploy: %d PutObject calls, want none", got)
	}
	if got := strings.Count(r.Stderr, " already there "); got != 5 || strings.Contains(r.Stderr, " uploaded ") {
		t.Errorf("second deploy: %d \"already there\" lines, want 5 and no upload:\n%s", got, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "No changes: stack pkg-app is up to date") || w.Proxy.Count("cloudformation:ExecuteChangeSet") != 0 {
		t.Errorf("second deploy changed something:\n%s", r.Stderr)
	}
	if again := lookup(deployedTemplate(t, target, "pkg-app"), "Resources", "Function", "Properties", "Code", "S3Key"); again != codeKey {
		t.Errorf("second deploy points at %s, first at %s", again, codeKey)
	}
	t.Logf("first deploy: 4 objects (%d-byte code zip); second deploy's calls: %v", len(code), w.Proxy.Calls())
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

// layerAndFunction is a template with a layer from ./layer and a function
// whose Code is the %s.
const layerAndFunction = `Resources:
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: ./layer
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::222222222222:role/fn
      Code: %s
`

// badInput is a template directory that cannot be packaged.
type badInput struct {
	name, code string
	files      map[string]string
	noBucket   bool
	want       []string // in the error line
}

// refuse runs "cfn deploy" and "cfn package" of the input and checks the
// run ends in exit 2 with one error line, no upload and no CloudFormation
// call. Paths are checked before any call (so stderr is that one line)
// unless afterSession: a symlink below a zipped directory is found while
// zipping, once the session exists.
func (w *packWorld) refuse(t *testing.T, c badInput, afterSession bool) {
	layer := map[string]string{"layer/python/lib.py": "X = 1\n"}
	for _, verb := range []string{"deploy", "package"} {
		t.Run(c.name+"/"+verb, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "app")
			writeTree(t, dir, c.files)
			writeTree(t, dir, layer)
			writeTree(t, dir, map[string]string{"template.yaml": fmt.Sprintf(layerAndFunction, c.code)})
			args := []string{"cfn", verb, "--role-arn", testenv.TargetRole, "--template", filepath.Join(dir, "template.yaml")}
			if verb == "deploy" {
				args = append(args, "--stack", "bad-input", "--cfn-role-arn", cfnExecRole)
			} else {
				args = append(args, "--output-template", filepath.Join(dir, "out.yaml"))
			}
			if !c.noBucket {
				args = append(args, "--artifact-bucket", artifactBucket)
			}
			w.Proxy.ResetCalls()
			w.puts.Store(0)
			r := w.Run(args...)
			calls := w.Proxy.Calls()
			lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
			errLine := lines[len(lines)-1]
			if r.Code != 2 || strings.Count(r.Stderr, " ERR ") != 1 || !strings.Contains(errLine, " ERR ") {
				t.Fatalf("exit %d, want 2 and one error line:\n%s", r.Code, r.Stderr)
			}
			if !afterSession && (len(lines) != 1 || len(calls) != 0) {
				t.Errorf("want only the error line and no call; got %d lines and calls %v", len(lines), calls)
			}
			for k := range calls {
				if strings.HasPrefix(k, "cloudformation:") {
					t.Errorf("CloudFormation called: %v", calls)
				}
			}
			if n := w.puts.Load(); n != 0 {
				t.Errorf("%d objects uploaded", n)
			}
			want := c.want
			if verb == "package" && c.noBucket {
				// package always needs a bucket: the flag is the whole story.
				want = []string{"--artifact-bucket: no bucket given"}
			}
			for _, s := range want {
				if !strings.Contains(errLine, s) {
					t.Errorf("error line lacks %q: %s", s, errLine)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "out.yaml")); err == nil {
				t.Errorf("an output template was written")
			}
		})
	}
}

// Input that cannot be packaged is exit 2 with one line naming the
// resource and property, before any call.
func TestPackageRefusesBadPathsWithExit2(t *testing.T) {
	w := newPackWorld(t)
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret/index.py": "LEAK = 1\n"})
	for _, c := range []badInput{
		{"no bucket", "./src", map[string]string{"src/index.py": "x = 1\n"}, true,
			[]string{"resource Layer property Content", `"./layer"`, "--artifact-bucket"}},
		{"missing path", "./build/function", nil, false,
			[]string{"resource Fn property Code", `"./build/function"`, "path does not exist"}},
		{"parent path", "../outside", map[string]string{"../outside/index.py": "x = 1\n"}, false,
			[]string{"resource Fn property Code", `"../outside"`, "leaves the template's directory tree"}},
		{"symlink out", "./src", map[string]string{"src": "-> " + filepath.Join(outside, "secret")}, false,
			[]string{"resource Fn property Code", `"./src"`, "leaves the template's directory tree"}},
		{"local image", "{ImageUri: ./image}", map[string]string{"image/Dockerfile": "FROM scratch\n"}, false,
			[]string{"resource Fn property ImageUri", `"./image"`, "container images are out of scope"}},
	} {
		w.refuse(t, c, false)
	}
}

// A symlink below a zipped directory that leads out of the tree is found
// while zipping: exit 2 naming it, and nothing uploaded, even when another
// artifact of the template was being packaged at the same time.
func TestPackageRefusesSymlinkOutBelowADirectory(t *testing.T) {
	w := newPackWorld(t)
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret/index.py": "LEAK = 1\n"})
	w.refuse(t, badInput{"symlink below", "./src",
		map[string]string{"src/index.py": "x = 1\n", "src/leak": "-> " + filepath.Join(outside, "secret")}, false,
		[]string{"resource Fn property Code", `"./src"`, "leak: symlink to", "leaves the template's directory tree"}}, true)
}

// An artifact bucket in another region than the stack is exit 2, before
// anything is uploaded: CloudFormation and Lambda read only from the stack's
// region.
func TestPackageRefusesBucketInAnotherRegion(t *testing.T) {
	w := newPackWorld(t)
	_, err := pipelineS3(w.Env).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("artifacts-eu"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	if err != nil {
		t.Fatal(err)
	}
	app := sourceCopy(t, "app", time.Now(), 0o022, false)
	for _, verb := range []string{"deploy", "package"} {
		w.Proxy.ResetCalls()
		args := []string{"cfn", verb, "--role-arn", testenv.TargetRole, "--template", filepath.Join(app, "template.yaml"), "--artifact-bucket", "artifacts-eu"}
		if verb == "deploy" {
			args = append(args, "--stack", "eu-bucket", "--cfn-role-arn", cfnExecRole, "--capabilities", "CAPABILITY_IAM")
		} else {
			args = append(args, "--output-template", filepath.Join(app, "out.yaml"))
		}
		r := w.Run(args...)
		if r.Code != 2 || strings.Count(r.Stderr, " ERR ") != 1 || !strings.Contains(r.Stderr, "artifact bucket artifacts-eu is in eu-west-1 but the stack is in us-east-1") {
			t.Errorf("%s: exit %d, want 2 and one line naming both regions:\n%s", verb, r.Code, r.Stderr)
		}
		calls := w.Proxy.Calls()
		if w.puts.Load() != 0 || calls["s3:"] != 1 || calls["cloudformation:CreateChangeSet"]+calls["cloudformation:DescribeStacks"] != 0 {
			t.Errorf("%s: want only GetBucketLocation after the session; calls %v, %d uploads", verb, calls, w.puts.Load())
		}
	}
}

// A SAM app's CodeUri is packaged and the app deploys end to end (the
// emulator applies the SAM transform with aws-sam-translator).
func TestPackageDeploySAMApp(t *testing.T) {
	w := newPackWorld(t)
	target := w.TargetConfig(context.Background())
	app := sourceCopy(t, "sam", time.Now(), 0o022, false)
	r := w.deployApp("sam-app", filepath.Join(app, "template.yaml"))
	mustCode(t, r, 0)
	uri := lookup(deployedTemplate(t, target, "sam-app"), "Resources", "Hello", "Properties", "CodeUri")
	prefix := "s3://" + artifactBucket + "/" + testenv.TargetAcct + "/"
	if !strings.HasPrefix(uri, prefix) || !strings.HasSuffix(uri, ".zip") {
		t.Fatalf("deployed CodeUri %q, want %s<sha256>.zip", uri, prefix)
	}
	code, _ := w.object(t, strings.TrimPrefix(uri, "s3://"+artifactBucket+"/"))
	fn := callJSON(t, target, "lambda", http.MethodGet, "/2015-03-31/functions/sam-hello", "", "")
	if cfg, _ := fn["Configuration"].(map[string]any); cfg["CodeSha256"] != codeSHA(code) || cfg["Handler"] != "app.handler" {
		t.Errorf("SAM function %v, want CodeSha256 %s", fn["Configuration"], codeSHA(code))
	}
	if got := zipEntries(t, code); !slices.Equal(got, []string{"app.py -rw-r--r-- 1980-01-01T00:00"}) {
		t.Errorf("zip entries %q", got)
	}
}

// "cfn package" alone writes the packaged template, YAML with its comments
// and short-form tags, and one line per artifact; the written template then
// deploys with no bucket setting, as a buildspec that packages first does.
func TestPackageStandaloneWritesTemplateThenDeploys(t *testing.T) {
	w := newPackWorld(t)
	target := w.TargetConfig(context.Background())
	app := sourceCopy(t, "app", time.Now(), 0o022, false)
	out := filepath.Join(w.Dir, "packaged.yaml")
	r := w.Run("cfn", "package", "--role-arn", testenv.TargetRole, "--template", filepath.Join(app, "template.yaml"),
		"--artifact-bucket", artifactBucket, "--output-template", out)
	mustCode(t, r, 0)
	if r.Stdout != "" {
		t.Errorf("stdout %q, want nothing (people read stderr)", r.Stdout)
	}
	var lines []string
	for _, l := range strings.Split(r.Stderr, "\n") {
		if strings.Contains(l, " uploaded ") || strings.Contains(l, " already there ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 5 || w.puts.Load() != 4 {
		t.Errorf("%d artifact lines (want 5) and %d uploads (want 4):\n%s", len(lines), w.puts.Load(), r.Stderr)
	}
	for _, l := range lines {
		for _, field := range []string{"resource=", "property=", "path=./", "key=" + testenv.TargetAcct + "/", "bytes="} {
			if !strings.Contains(l, field) {
				t.Errorf("artifact line lacks %q: %s", field, l)
			}
		}
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for _, want := range []string{
		"# A Lambda function, its layer, a state machine and a nested stack, all from",        // head comment
		"# zipped: sorted, fixed times, normalised modes",                                     // line comment
		`FunctionName: !Sub "app-${Stage}"`, "Role: !GetAtt FunctionRole.Arn", "- !Ref Layer", // short forms
		"S3Bucket: " + artifactBucket, "TemplateURL: https://s3.us-east-1.amazonaws.com/" + artifactBucket + "/" + testenv.TargetAcct + "/",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("packaged template lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "./src") || strings.Contains(text, "./nested.yaml") || strings.HasPrefix(strings.TrimSpace(text), "{") {
		t.Errorf("packaged template keeps a local path or is not YAML:\n%s", text)
	}

	// Packaged once, deployed without any artifact setting.
	w.Proxy.ResetCalls()
	r = w.Run("cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", "packaged-app",
		"--template", out, "--capabilities", "CAPABILITY_IAM")
	mustCode(t, r, 0)
	if w.Proxy.Count("s3:") != 0 {
		t.Errorf("deploy of a packaged template called S3 %d times", w.Proxy.Count("s3:"))
	}
	if st, _, outputs := describe(t, target, "packaged-app"); st != "CREATE_COMPLETE" || !strings.HasSuffix(outputs["FunctionArn"], ":function:app-test") {
		t.Errorf("packaged app: %s %v", st, outputs)
	}
}

// The Commands action's one deployer line, run as CodePipeline would for
// each ACTION, against the emulator: create packages and deploys, update
// uploads only the changed code, delete takes the same line and removes the
// stack without packaging. The transcript goes to the test log.
func TestBuildspecsCommandsActionOneLineForEveryAction(t *testing.T) {
	w := newPackWorld(t)
	target := w.TargetConfig(context.Background())
	raw, err := os.ReadFile(kitFile("codepipeline-commands-action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Commands []string `yaml:"Commands"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatal(err)
	}
	var script, line []string
	for _, c := range action.Commands {
		if strings.Contains(c, "scripts/install.sh") {
			continue // the release install; the test binary stands in for it
		}
		if len(invocations(c)) > 0 {
			line = invocations(c)[0]
		}
		script = append(script, strings.ReplaceAll(c, "/tmp/deployer", w.Bin))
	}
	bucket := line[slices.Index(line, "--artifact-bucket")+1]
	stack := line[slices.Index(line, "--stack")+1]
	if _, err := pipelineS3(w.Env).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	work := sourceCopy(t, "app", time.Now(), 0o022, false)
	writeTree(t, work, map[string]string{"params/prod.json": `{"Parameters": {"Stage": "prod"}}`})

	run := func(act string) testenv.Result {
		t.Helper()
		r := w.shell(t, work, []string{"ACTION=" + act}, append(script, `echo "APP_FunctionArn=${APP_FunctionArn:-}"`))
		t.Logf("$ ACTION=%s deployer %s\n%s%s(%d objects uploaded)", act, strings.Join(line, " "), r.Stderr, r.Stdout, w.puts.Load())
		return r
	}

	r := run("create-stack")
	st, _, outputs := describe(t, target, stack)
	if st != "CREATE_COMPLETE" || w.puts.Load() != 4 || !strings.Contains(r.Stdout, "APP_FunctionArn="+outputs["FunctionArn"]) || outputs["FunctionArn"] == "" {
		t.Errorf("create-stack: stack %s, %d uploads, outputs %v, stdout %q", st, w.puts.Load(), outputs, r.Stdout)
	}
	codeOf := func() any {
		return callJSON(t, target, "lambda", http.MethodGet, "/2015-03-31/functions/app-prod", "", "")["Configuration"].(map[string]any)["CodeSha256"]
	}
	before := codeOf()

	// A new commit changes the function's code: its zip and the nested
	// template that points at it are the only uploads.
	writeTree(t, work, map[string]string{"src/index.py": "def handler(event, context):\n    return 'v2'\n"})
	r = run("update-stack")
	if st, _, _ := describe(t, target, stack); st != "UPDATE_COMPLETE" || w.puts.Load() != 2 || codeOf() == before {
		t.Errorf("update-stack: stack %s, %d uploads (want 2), CodeSha256 %v before and %v after", st, w.puts.Load(), before, codeOf())
	}

	r = run("delete-stack")
	if st, _, _ := describe(t, target, stack); st != "" || w.Proxy.Count("s3:") != 0 || !strings.Contains(r.Stderr, "stack deleted") {
		t.Errorf("delete-stack: stack %q left, %d S3 calls (want none):\n%s", st, w.Proxy.Count("s3:"), r.Stderr)
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

// The CodeBuild buildspec's build phase, with its variables, deploys an app
// whose template points at local code: the one deploy line packages it.
func TestBuildspecsCodeBuildPackagesLocalCode(t *testing.T) {
	w := newPackWorld(t)
	target := w.TargetConfig(context.Background())
	raw, err := os.ReadFile(kitFile("codebuild-cloudformation.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Env struct {
			Variables map[string]string `yaml:"variables"`
		} `yaml:"env"`
		Phases map[string]struct {
			Commands []string `yaml:"commands"`
		} `yaml:"phases"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	var env []string
	for k, v := range spec.Env.Variables {
		env = append(env, k+"="+v)
	}
	bucket := spec.Env.Variables["DEPLOYER_ARTIFACT_BUCKET"]
	if _, err := pipelineS3(w.Env).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	work := sourceCopy(t, "app", time.Now(), 0o022, false)
	writeTree(t, work, map[string]string{"params/prod.json": `{"Parameters": {"Stage": "prod"}}`})
	r := w.shell(t, work, env, append(spec.Phases["build"].Commands, `echo "APP_FunctionArn=${APP_FunctionArn:-}"`))
	stack := spec.Env.Variables["STACK_NAME"]
	st, _, outputs := describe(t, target, stack)
	if st != "CREATE_COMPLETE" || w.puts.Load() != 4 || outputs["FunctionArn"] == "" || !strings.Contains(r.Stdout, "APP_FunctionArn="+outputs["FunctionArn"]) {
		t.Errorf("stack %s %q, %d uploads (want 4), outputs %v:\n%s%s", stack, st, w.puts.Load(), outputs, r.Stderr, r.Stdout)
	}
	if code := lookup(deployedTemplate(t, target, stack), "Resources", "Function", "Properties", "Code", "S3Bucket"); code != bucket {
		t.Errorf("deployed Code.S3Bucket %q, want %s", code, bucket)
	}
}
