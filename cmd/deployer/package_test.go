package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/deployer-dev/deployer/internal/testenv"
)

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
