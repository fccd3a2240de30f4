package main

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	yaml "go.yaml.in/yaml/v3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

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
