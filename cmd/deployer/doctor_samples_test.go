package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// TestDoctorOnTheSamplesShapes: the policy shapes of the public
// cross-account samples, on the kit deployed on the emulator.
func TestDoctorOnTheSamplesShapes(t *testing.T) {
	t.Run("CodePipeline console bucket policy: Deny s3:PutObject unless SSE-KMS", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, nil)
		c := s3.NewFromConfig(e.SourceConfig(), pathStyle)
		ctx := context.Background()
		pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("kit-artifacts")})
		if err != nil {
			t.Fatal(err)
		}
		deny := `{"Sid":"DenyUnEncryptedObjectUploads","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::kit-artifacts/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`
		doc := strings.Replace(aws.ToString(pol.Policy), `"Statement": [`, `"Statement": [`+deny+",", 1)
		doc = strings.Replace(doc, `"Statement":[`, `"Statement":[`+deny+",", 1)
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("kit-artifacts"), Policy: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String("kit-artifacts")}); err != nil {
			t.Fatal(err)
		}
		// With --kms-key-id deployer sends aws:kms: the Deny does not apply.
		r := k.doctor()
		if !strings.Contains(r.Stdout, "PASS  artifact bucket: uploads") {
			t.Errorf("with --kms-key-id:\n%s", r.Stdout)
		}
		// Without it, and without default encryption, it sends no header.
		r = e.Run("doctor", "--role-arn", kitCodeBuild, "--role-arn", kitDeploy, "--artifact-bucket", "kit-artifacts", "--cfn-role-arn", kitExec)
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  artifact bucket: uploads") || !strings.Contains(r.Stdout, "DenyUnEncryptedObjectUploads") ||
			!strings.Contains(r.Stdout, "an Allow cannot override a Deny") || !strings.Contains(r.Stdout, "pass --kms-key-id") {
			t.Errorf("without --kms-key-id:\n%s", r.Stdout)
		}
		if strings.Contains(r.Stdout, "add to the bucket policy") {
			t.Errorf("advice to add an Allow against a Deny:\n%s", r.Stdout)
		}
	})
	t.Run("account root grant: the role's own policy is the other half", func(t *testing.T) {
		e := testenv.NewEnv(t)
		k := bootstrap(t, e, nil, nil)
		// The deploy role's own policy loses the key (the kit names it).
		tc := iam.NewFromConfig(e.TargetConfig(context.Background()))
		names, err := tc.ListRolePolicies(context.Background(), &iam.ListRolePoliciesInput{RoleName: aws.String("deployer-target")})
		if err != nil || len(names.PolicyNames) == 0 {
			t.Fatalf("policies of the deploy role: %v %v", names, err)
		}
		only := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:PutObject","s3:DeleteObject"],"Resource":"*"}]}`
		for _, n := range names.PolicyNames {
			if _, err := tc.PutRolePolicy(context.Background(), &iam.PutRolePolicyInput{RoleName: aws.String("deployer-target"), PolicyName: aws.String(n), PolicyDocument: aws.String(only)}); err != nil {
				t.Fatal(err)
			}
		}
		r := k.doctor()
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "FAIL  KMS key ") || !strings.Contains(r.Stdout, "half of a cross-account grant") ||
			!strings.Contains(r.Stdout, "add to the policy of "+kitDeploy) {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
	t.Run("execution role passed as --role-arn", func(t *testing.T) {
		e := testenv.NewEnv(t)
		bootstrap(t, e, nil, nil)
		r := e.Run("doctor", "--role-arn", kitCodeBuild, "--role-arn", kitExec)
		mustCode(t, r, 1)
		if !strings.Contains(r.Stdout, "this is an execution role; pass it as --cfn-role-arn") || strings.Contains(r.Stdout, `"Principal"`) {
			t.Errorf("doctor:\n%s", r.Stdout)
		}
	})
}

// TestAccessDeniedOnAnExecutionRoleSaysPassItAsCfnRoleArn: a migrated
// aws-cli line keeps --role-arn for the execution role; CloudFormation's
// service role refuses deployer's AssumeRole, and every command's advice
// says what the role is and where it goes. The proxy answers AssumeRole as
// STS does for a trust policy that names only cloudformation.amazonaws.com.
func TestAccessDeniedOnAnExecutionRoleSaysPassItAsCfnRoleArn(t *testing.T) {
	e := testenv.NewEnv(t)
	e.Proxy.Handle(testenv.OnAction("AssumeRole", func(*testenv.Request, func() *testenv.Response) *testenv.Response {
		return testenv.QueryError(403, "AccessDenied",
			"User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: "+cfnExecRole)
	}))
	for _, args := range [][]string{
		{"cfn", "deploy", "--stack", "migrated", "--template", testdata("app.yaml"), "--parameter", "BucketName=b", "--role-arn", cfnExecRole},
		{"cfn", "delete", "--stack", "migrated", "--role-arn", cfnExecRole},
		{"whoami", "--role-arn", cfnExecRole},
	} {
		r := e.Run(args...)
		mustCode(t, r, 3)
		if !strings.Contains(r.Stderr, "this is an execution role; pass it as --cfn-role-arn") {
			t.Errorf("%v: advice lacks the execution-role hint:\n%s", args[:2], r.Stderr)
		}
	}
}
