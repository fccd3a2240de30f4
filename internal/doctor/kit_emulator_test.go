package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/testenv"
)

// Two target accounts share the CI/CD account's buckets: A (222222222222)
// and B (333333333333).
const (
	acctA    = "222222222222"
	acctB    = "333333333333"
	pipeline = testenv.PipelineAcct
)

// emulatorKit is the kit deployed on moto: the CI/CD stack in the pipeline
// account and the target stack in account B.
type emulatorKit struct {
	src, tgtB aws.Config
	keyARN    string
}

func emuConfig(url string) aws.Config {
	return aws.Config{Region: testenv.Region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(testenv.SourceKeyID, testenv.SourceSecret, "")}
}

func accountConfig(src aws.Config, acct string) aws.Config {
	cfg := src.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(src),
		"arn:aws:iam::"+acct+":role/OrganizationAccountAccessRole"))
	return cfg
}

// deployKit creates both stacks from the given templates (the kit as it is,
// or as it was before issue 12) and returns the key's ARN.
func deployKit(t *testing.T, cicdTemplate, targetTemplate string) emulatorKit {
	t.Helper()
	m := testenv.StartMoto(t)
	ctx := context.Background()
	k := emulatorKit{src: emuConfig(m.URL)}
	k.tgtB = accountConfig(k.src, acctB)
	outs := createStack(t, k.src, "deployer-cicd", cicdTemplate, map[string]string{
		"TargetAccountIds": acctA + "," + acctB, "ArtifactBucketName": "kit-artifacts", "StateBucketName": "kit-tfstate"})
	k.keyARN = outs["ArtifactKeyArn"]
	createStack(t, k.tgtB, "deployer-target", targetTemplate, map[string]string{
		"CicdAccountId": pipeline, "ArtifactBucketName": "kit-artifacts", "ArtifactKeyArn": k.keyARN, "StateBucketName": "kit-tfstate"})
	// moto's CloudFormation ignores PublicAccessBlockConfiguration on
	// AWS::S3::Bucket (moto/s3/models.py, FakeBucket.create_from_cloudformation_json),
	// so the test applies what the template declares, for the new kit only.
	if strings.Contains(readFile(t, cicdTemplate), "StateBucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref StateBucketName\n      VersioningConfiguration: { Status: Enabled }\n      BucketEncryption") {
		for _, b := range []string{"kit-artifacts", "kit-tfstate"} {
			_, err := s3.NewFromConfig(k.src, pathStyle).PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(b),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
					IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return k
}

func pathStyle(o *s3.Options) { o.UsePathStyle = true }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func createStack(t *testing.T, cfg aws.Config, name, template string, params map[string]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	var ps []cfntypes.Parameter
	for k, v := range params {
		ps = append(ps, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
	}
	c := cloudformation.NewFromConfig(cfg)
	_, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(readFile(t, template)),
		Parameters: ps, Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil || len(out.Stacks) != 1 || out.Stacks[0].StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("stack %s: %v %+v", name, err, out)
	}
	m := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m
}

func kitPath(rel string) string { return filepath.Join(testenv.RepoRoot(), "buildspec", "iam", rel) }

// runAsB runs the doctor as account B's deploy role, with B's execution
// role, against the kit's buckets and key.
func (k emulatorKit) runAsB(t *testing.T) map[string]Check {
	t.Helper()
	ctx := context.Background()
	sess := &assume.Session{Config: k.tgtB, SourceConfig: k.src,
		Source:  assume.Identity{Account: pipeline, ARN: "arn:aws:iam::" + pipeline + ":user/pipeline"},
		Target:  assume.Identity{Account: acctB, ARN: "arn:aws:sts::" + acctB + ":assumed-role/deployer-target/s"},
		RoleARN: "arn:aws:iam::" + acctB + ":role/deployer-target"}
	checks := Run(ctx, Setup{Session: sess, Caller: "arn:aws:iam::" + pipeline + ":role/deployer-codebuild",
		CfnRoleARN: "arn:aws:iam::" + acctB + ":role/deployer-cfn-exec", ArtifactBucket: "kit-artifacts", KMSKeyID: k.keyARN, BackendBucket: "kit-tfstate"},
		Clients{TargetIAM: iam.NewFromConfig(k.tgtB), TargetS3: s3.NewFromConfig(k.tgtB, pathStyle), TargetKMS: kms.NewFromConfig(k.tgtB),
			SourceS3: s3.NewFromConfig(k.src, pathStyle), SourceKMS: kms.NewFromConfig(k.src), SourceIAM: iam.NewFromConfig(k.src)})
	var report strings.Builder
	Write(&report, checks)
	t.Logf("doctor as account B:\n%s", report.String())
	byName := map[string]Check{}
	for _, c := range checks {
		byName[c.Name] = c
	}
	return byName
}

// moto evaluates only the caller's identity policies, never a bucket or key
// policy (moto/core/authorization.py calls IAMRequest.check_action_permitted,
// which collects the caller's own policies only), and only when
// INITIAL_NO_AUTH_ACTION_COUNT is set. So B's read of A's state cannot be
// refused by the emulator; the proof is the doctor's reading of the policies
// as deployed, here for the kit before and after per-account prefixes.
func TestKitOnEmulatorIsolatesTargetAccounts(t *testing.T) {
	isolation := []string{"state bucket isolation", "artifact bucket isolation", "KMS key through S3 only",
		"state bucket TLS", "state bucket public access", "state bucket encryption", "CodeBuild role trust"}

	t.Run("old kit: shared prefixes", func(t *testing.T) {
		k := deployKit(t, "testdata/cicd-account-before-issue-12.yaml", "testdata/target-account-before-issue-12.yaml")
		got := k.runAsB(t)
		for _, name := range isolation {
			if got[name].Status != Fail {
				t.Errorf("%s = %s (%s), want FAIL on the old kit", name, got[name].Status, got[name].Detail)
			}
		}
		iso := got["state bucket isolation"]
		if !strings.Contains(iso.Detail, "deployer-target may s3:GetObject 000000000000/terraform.tfstate") ||
			!strings.Contains(iso.Fix, "TargetDeployRolesUseState") || !strings.Contains(iso.Fix, `"Resource":"arn:aws:s3:::kit-tfstate/${aws:PrincipalAccount}/*"`) {
			t.Errorf("isolation finding:\n%s\n%s", iso.Detail, iso.Fix)
		}
		if got["artifact bucket: exec role"].Status != Fail || !strings.Contains(got["artifact bucket: exec role"].Fix, "deployer-cfn-exec") {
			t.Errorf("old kit admits the execution role: %+v", got["artifact bucket: exec role"])
		}
		// The old key policy lets a target role decrypt another account's
		// objects through S3: a recommended guard is missing.
		if c := got["KMS key: own prefix only"]; c.Status != Warn || !strings.Contains(c.Fix, "kms:EncryptionContext:aws:s3:arn") {
			t.Errorf("old kit's key policy: %+v", c)
		}
	})

	t.Run("current kit: per-account prefixes", func(t *testing.T) {
		k := deployKit(t, kitPath("cicd-account.yaml"), kitPath("target-account.yaml"))
		got := k.runAsB(t)
		for name, c := range got {
			if c.Status != Pass {
				t.Errorf("%s = %s: %s\n%s", name, c.Status, c.Detail, c.Fix)
			}
		}
		for _, name := range append(isolation, "artifact bucket", "artifact bucket: exec role", "KMS key", "KMS key: exec role", "KMS key: own prefix only", "state bucket", "artifact bucket region") {
			if _, ok := got[name]; !ok {
				t.Errorf("no check %q", name)
			}
		}
		// The same policy, read back, as the request AWS would evaluate:
		// B's deploy role reading A's state object, and its own.
		out, err := s3.NewFromConfig(k.src, pathStyle).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("kit-tfstate")})
		if err != nil {
			t.Fatal(err)
		}
		p, err := parsePolicy(aws.ToString(out.Policy))
		if err != nil {
			t.Fatal(err)
		}
		roleB := who{ARN: "arn:aws:iam::" + acctB + ":role/deployer-target", Account: acctB}
		for key, want := range map[string]decision{acctA + "/terraform.tfstate": notAllowed, acctB + "/terraform.tfstate": allowed} {
			r := request{who: roleB, action: "s3:GetObject", resource: "arn:aws:s3:::kit-tfstate/" + key, context: tlsContext}
			if d := p.decide(r); d != want {
				t.Errorf("B GetObject %s: %v, want %v", key, d, want)
			}
		}
	})
}

// The kit's optional parts, deployed: the execution role's permissions
// boundary, the StackSet roles (checked by the doctor's --stack-set
// functions) and the stack-name scope with its delimiter.
func TestKitOnEmulatorOptionalRolesAndScope(t *testing.T) {
	m := testenv.StartMoto(t)
	ctx := context.Background()
	src := emuConfig(m.URL)
	tgt := accountConfig(src, acctB)
	boundary := "arn:aws:iam::" + acctB + ":policy/deployer-boundary"
	createStack(t, src, "deployer-cicd", kitPath("cicd-account.yaml"), map[string]string{
		"TargetAccountIds": acctB, "ArtifactBucketName": "kit-artifacts", "StateBucketName": "kit-tfstate", "CreateStackSetAdministrationRole": "true"})
	createStack(t, tgt, "deployer-target", kitPath("target-account.yaml"), map[string]string{
		"CicdAccountId": pipeline, "ArtifactBucketName": "kit-artifacts", "ArtifactKeyArn": "arn:aws:kms:us-east-1:" + pipeline + ":key/k",
		"StateBucketName": "kit-tfstate", "CreateStackSetExecutionRole": "true", "ExecutionRolePermissionsBoundary": boundary})
	s := StackSetSetup{AdminAccount: pipeline, Region: testenv.Region}
	if c := StackSetAdminTrust(ctx, s, iam.NewFromConfig(src)); c.Status != Pass {
		t.Errorf("admin role: %+v", c)
	}
	if c := StackSetExecTrust(ctx, s, acctB, iam.NewFromConfig(tgt)); c.Status != Pass {
		t.Errorf("exec role: %+v", c)
	}
	tiam := iam.NewFromConfig(tgt)
	role, err := tiam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer-cfn-exec")})
	if err != nil || role.Role.PermissionsBoundary == nil || aws.ToString(role.Role.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("execution role boundary: %v %+v", err, role)
	}
	pol, err := tiam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("deployer-target"), PolicyName: aws.String("deployer-deploy")})
	if err != nil {
		t.Fatal(err)
	}
	// moto keeps a template's inline policy as a Python dict and returns
	// its repr (single quotes) where IAM returns URL-encoded JSON.
	doc := strings.ReplaceAll(aws.ToString(pol.PolicyDocument), "'", `"`)
	p, err := parsePolicy(doc)
	if err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	w := who{ARN: "arn:aws:iam::" + acctB + ":role/deployer-target", Account: acctB}
	for stack, want := range map[string]decision{"app-web": allowed, "application-prod": notAllowed, "app": notAllowed} {
		// Identity policies name no principal; the statement applies to w.
		r := request{who: w, action: "cloudformation:ExecuteChangeSet", resource: "arn:aws:cloudformation:us-east-1:" + acctB + ":stack/" + stack + "/id"}
		if got := identityDecide(p, r); got != want {
			t.Errorf("deploy role on stack %s: %v, want %v", stack, got, want)
		}
	}
	for _, st := range p.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "dynamodb:") {
				t.Errorf("deploy role still has %s (useless without a table resource policy)", a)
			}
		}
	}
}

// identityDecide evaluates an identity policy, whose statements name no
// principal, for w.
func identityDecide(p policy, r request) decision {
	for i := range p.Statement {
		p.Statement[i].Principal = map[string]any{"AWS": r.who.ARN}
	}
	return p.decide(r)
}
