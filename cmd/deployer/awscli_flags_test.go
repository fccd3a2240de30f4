package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// formsOf records the query forms of one action the proxy sees.
type formsOf struct {
	mu    sync.Mutex
	forms []map[string]string
}

func (f *formsOf) hook(action string) testenv.Hook {
	return testenv.OnAction(action, func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		form := map[string]string{}
		for k, v := range r.Form {
			form[k] = v[0]
		}
		f.mu.Lock()
		f.forms = append(f.forms, form)
		f.mu.Unlock()
		return nil
	})
}

func (f *formsOf) last() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.forms) == 0 {
		return nil
	}
	return f.forms[len(f.forms)-1]
}

// TestAWSCLIHabitsOnCfnDeploy: aws cloudformation deploy's flags and
// spellings work on cfn deploy with their aws-cli meanings.
func TestAWSCLIHabitsOnCfnDeploy(t *testing.T) {
	e := testenv.NewEnv(t)
	creates, executes := &formsOf{}, &formsOf{}
	e.Proxy.Handle(creates.hook("CreateChangeSet"))
	e.Proxy.Handle(executes.hook("ExecuteChangeSet"))
	mustCode(t, deploy(e, "habits", "--parameter", "BucketName=habits-bucket", "--disable-rollback"), 0)
	if got := executes.last()["DisableRollback"]; got != "true" {
		t.Errorf("--disable-rollback: ExecuteChangeSet DisableRollback=%q, want true (aws-cli passes it there)", got)
	}

	t.Run("capabilities in one argument and in the variable", func(t *testing.T) {
		want := "CAPABILITY_IAM CAPABILITY_NAMED_IAM"
		for _, r := range []testenv.Result{
			deploy(e, "habits", "--parameter", "BucketName=habits-bucket", "--force", "--capabilities", want),
			e.RunEnv([]string{"DEPLOYER_CAPABILITIES=" + want}, "cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
				"--stack", "habits", "--template", testdata("app.yaml"), "--parameter", "BucketName=habits-bucket", "--force"),
		} {
			mustCode(t, r, 0)
			f := creates.last()
			if got := f["Capabilities.member.1"] + " " + f["Capabilities.member.2"]; got != want {
				t.Errorf("CreateChangeSet capabilities %q, want %q", got, want)
			}
		}
	})

	t.Run("fail on empty, both spellings", func(t *testing.T) {
		mustCode(t, deploy(e, "habits", "--parameter", "BucketName=habits-bucket", "--fail-on-empty-changeset"), 1)
		mustCode(t, e.RunEnv([]string{"DEPLOYER_FAIL_ON_EMPTY=true"}, "cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole,
			"--stack", "habits", "--template", testdata("app.yaml"), "--parameter", "BucketName=habits-bucket", "--no-fail-on-empty-changeset"), 0)
		r := deploy(e, "habits", "--parameter", "BucketName=habits-bucket", "--fail-on-empty-changeset", "--no-fail-on-empty-changeset")
		mustCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--no-fail-on-empty-changeset: contradicts --fail-on-empty") {
			t.Errorf("contradiction not named:\n%s", r.Stderr)
		}
	})

	t.Run("no execute: the change set is kept and the command given runs it", func(t *testing.T) {
		e.Proxy.ResetCalls()
		r := deploy(e, "habits", "--parameter", "BucketName=habits-bucket", "--parameter", "Greeting=kept", "--no-execute-changeset")
		mustCode(t, r, 0)
		if n := e.Proxy.Count("cloudformation:ExecuteChangeSet"); n != 0 {
			t.Fatalf("--no-execute-changeset executed %d change set(s)", n)
		}
		i := strings.Index(r.Stderr, "deployer exec --role-arn "+testenv.TargetRole+" -- aws cloudformation execute-change-set --change-set-name arn:")
		if i < 0 {
			t.Fatalf("no command to execute the change set:\n%s", r.Stderr)
		}
		args := strings.Fields(strings.SplitN(r.Stderr[i:], "\n", 2)[0])
		for j, a := range args {
			if a == "aws" {
				args[j] = testenv.AWSCLI(t) // as installed for the tests
			}
		}
		mustCode(t, e.Run(args[1:]...), 0)
		waitForStack(t, e, "habits", "Greeting", "kept")
	})
}

// waitForStack waits for the stack to show a parameter value after an
// execution it did not follow itself.
func waitForStack(t *testing.T, e *testenv.Env, stack, key, want string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		st, params, _ := describe(t, e.TargetConfig(context.Background()), stack)
		if params[key] == want && strings.HasSuffix(st, "_COMPLETE") {
			return
		}
		e.Run("version")
	}
	_, params, _ := describe(t, e.TargetConfig(context.Background()), stack)
	t.Errorf("stack %s parameter %s = %q, want %q", stack, key, params[key], want)
}

// TestCfnPackageAWSCLIHabits: without --output-template the packaged
// template goes to stdout, as aws cloudformation package writes it; and
// --force-upload uploads what is already there.
func TestCfnPackageAWSCLIHabits(t *testing.T) {
	e := testenv.NewEnv(t)
	ctx := context.Background()
	c := s3.NewFromConfig(e.SourceConfig(), pathStyle)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("habit-artifacts")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl := filepath.Join(dir, "template.yaml")
	body := "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n" +
		"      Role: arn:aws:iam::123456789012:role/r\n      Code: ./src\n"
	if err := os.WriteFile(tpl, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.Run("cfn", "package", "--template", tpl, "--s3-bucket", "habit-artifacts")
	mustCode(t, r, 0)
	if !strings.Contains(r.Stdout, "S3Bucket: habit-artifacts") || !strings.Contains(r.Stdout, "S3Key: "+testenv.PipelineAcct+"/") {
		t.Errorf("stdout is not the packaged template:\n%s", r.Stdout)
	}
	var put formsOf
	e.Proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		if r.HTTP.Method == "PUT" && strings.Contains(r.HTTP.URL.Path, "/habit-artifacts/") {
			put.mu.Lock()
			put.forms = append(put.forms, map[string]string{"key": r.HTTP.URL.Path})
			put.mu.Unlock()
		}
		return nil
	})
	mustCode(t, e.Run("cfn", "package", "--template", tpl, "--s3-bucket", "habit-artifacts", "--output-template", filepath.Join(e.Dir, "p.yaml")), 0)
	if put.last() != nil {
		t.Errorf("content already there was uploaded again without --force-upload")
	}
	mustCode(t, e.Run("cfn", "package", "--template", tpl, "--s3-bucket", "habit-artifacts", "--force-upload", "--output-template", filepath.Join(e.Dir, "p.yaml")), 0)
	if put.last() == nil {
		t.Errorf("--force-upload uploaded nothing")
	}
}

// TestPackageOnceDeployTestAndProd: what the public cross-account samples do
// (package in the build stage, deploy to a test account, then to
// production), with each account reading only its own prefix: cfn package
// --targets writes one packaged template per target, its artifacts under
// that target's account prefix, and each deploy uses its own.
func TestPackageOnceDeployTestAndProd(t *testing.T) {
	e := testenv.NewEnv(t)
	ctx := context.Background()
	c := s3.NewFromConfig(e.SourceConfig(), pathStyle)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("stages-artifacts")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl := filepath.Join(dir, "template.yaml")
	body := "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n" +
		"        Statement:\n          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}\n" +
		"  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: index.handler\n" +
		"      Role: !GetAtt Role.Arn\n      Code: ./src\n"
	if err := os.WriteFile(tpl, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	stages := filepath.Join(dir, "stages.yaml")
	file := "role: arn:aws:iam::{account}:role/deployer-target\ncfn-role: arn:aws:iam::{account}:role/cfn-exec\nwaves:\n" +
		"  - name: test\n    targets:\n      - {account: \"222222222222\", regions: [us-east-1]}\n" +
		"  - name: prod\n    targets:\n      - {account: \"333333333333\", regions: [us-east-1]}\n"
	if err := os.WriteFile(stages, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(e.Dir, "packaged", "{account}-{region}.yaml")
	mustCode(t, e.Run("cfn", "package", "--targets", stages, "--template", tpl, "--s3-bucket", "stages-artifacts", "--output-template", out), 0)
	for _, acct := range []string{"222222222222", "333333333333"} {
		packaged := strings.NewReplacer("{account}", acct, "{region}", "us-east-1").Replace(out)
		b, err := os.ReadFile(packaged)
		if err != nil {
			t.Fatalf("no packaged template for %s: %v", acct, err)
		}
		if !strings.Contains(string(b), "S3Key: "+acct+"/") || strings.Count(string(b), "S3Key: ") != 1 {
			t.Errorf("the template for %s does not read from its own prefix:\n%s", acct, b)
		}
		r := e.Run("cfn", "deploy", "--role-arn", "arn:aws:iam::"+acct+":role/deployer-target", "--cfn-role-arn", "arn:aws:iam::"+acct+":role/cfn-exec",
			"--stack", "stages-app", "--template", packaged, "--capabilities", "CAPABILITY_IAM")
		mustCode(t, r, 0)
	}
	// The same zip, once under each account's prefix, and nothing elsewhere.
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("stages-artifacts")})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "222222222222/") || !strings.HasPrefix(keys[1], "333333333333/") ||
		filepath.Base(keys[0]) != filepath.Base(keys[1]) {
		t.Errorf("objects in the bucket: %v, want the same zip under each account's prefix", keys)
	}
	// A targets run needs a file per target.
	r := e.Run("cfn", "package", "--targets", stages, "--template", tpl, "--s3-bucket", "stages-artifacts", "--output-template", filepath.Join(e.Dir, "one.yaml"))
	mustCode(t, r, 2)
}
