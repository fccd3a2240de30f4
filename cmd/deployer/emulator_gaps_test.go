package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestKitCICDStackDeletesOnTheEmulator: the kit's own cicd-account.yaml
// (an AWS::S3::BucketPolicy whose Bucket is a Ref) deletes on the emulator.
// moto passes a delete the unresolved Ref; the wrapper deletes the policy
// of the bucket resolved at create (internal/testenv/moto_server.py).
func TestKitCICDStackDeletesOnTheEmulator(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, e.Run("cfn", "deploy", "--stack", "deployer-cicd", "--template", kitFile("iam/cicd-account.yaml"),
		"--capabilities", "CAPABILITY_NAMED_IAM", "--parameter", "TargetAccountIds=222222222222",
		"--parameter", "ArtifactBucketName=gaps-artifacts", "--parameter", "StateBucketName=gaps-tfstate"), 0)
	c := s3.NewFromConfig(e.SourceConfig(), pathStyle)
	if _, err := c.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("gaps-artifacts")}); err != nil {
		t.Fatalf("the kit's bucket policy was not applied: %v", err)
	}
	// The SDK retries an HTTP 500, and moto had deleted the stack before it
	// failed: only the answers tell.
	var failed atomic.Int32
	e.Proxy.Handle(testenv.OnAction("DeleteStack", func(_ *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		resp := forward()
		if resp.Status >= 500 {
			failed.Add(1)
		}
		return resp
	}))
	r := e.Run("cfn", "delete", "--stack", "deployer-cicd")
	mustCode(t, r, 0)
	if n := failed.Load(); n != 0 {
		t.Errorf("DeleteStack answered HTTP 500 %d time(s)", n)
	}
	if st, _, _ := describe(t, e.SourceConfig(), "deployer-cicd"); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("after the delete the stack is %s", st)
	}
}

// TestEmulatorRefusesOutputsItCannotEvaluate: a change set whose outputs
// moto cannot evaluate (a GetAtt of an attribute the resource lacks) gets
// the ValidationError CloudFormation gives such a template ("Template
// error: ..."), not an HTTP 500 after applying, and the stack stays readable:
// the next deploy of a good template works.
func TestEmulatorRefusesOutputsItCannotEvaluate(t *testing.T) {
	e := testenv.NewEnv(t)
	mustCode(t, deploy(e, "outs", "--parameter", "BucketName=outs-bucket"), 0)
	body, err := os.ReadFile(testdata("app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(e.Dir, "bad-output.yaml")
	text := string(body) + "  TopicOwner:\n    Value: !GetAtt Topic.NoSuchAttribute\n"
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.Run("cfn", "deploy", "--role-arn", testenv.TargetRole, "--cfn-role-arn", cfnExecRole, "--stack", "outs",
		"--template", bad, "--parameter", "BucketName=outs-bucket")
	if r.Code == 0 || !strings.Contains(r.Stderr, "Template error") || strings.Contains(r.Stderr, "HTTP 500") || strings.Contains(r.Stderr, "unreadable") {
		t.Errorf("exit %d, want the emulator's ValidationError:\n%s", r.Code, r.Stderr)
	}
	mustCode(t, deploy(e, "outs", "--parameter", "BucketName=outs-bucket", "--parameter", "Greeting=again"), 0)
	if _, params, outs := describe(t, e.TargetConfig(context.Background()), "outs"); params["Greeting"] != "again" || outs["Greeting"] != "again" {
		t.Errorf("after the refusal: %v %v", params, outs)
	}
}
