package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/deployer-dev/deployer/internal/testenv"
)

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
		[]string{"resource Fn property Code", `"./src"`, "leak: symlink to", "leaves the code directory"}}, false)
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
