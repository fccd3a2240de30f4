package doctor

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/assume"
)

// The policy shapes three public cross-account samples use, each a case the
// doctor got wrong before.

// codePipelineConsolePolicy is the artifact bucket policy the CodePipeline
// console creates: uploads without SSE-KMS and plain HTTP denied, nothing
// allowed (the pipeline account's own roles are allowed by their IAM
// policies).
const codePipelineConsolePolicy = `{"Version":"2012-10-17","Id":"SSEAndSSLPolicy","Statement":[
 {"Sid":"DenyUnEncryptedObjectUploads","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::codepipeline-us-east-1-1234/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
 {"Sid":"DenyInsecureConnections","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::codepipeline-us-east-1-1234/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
 {"Sid":"TargetReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/deployer-target"},"Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::codepipeline-us-east-1-1234/*"}]}`

// s3Fake is the pipeline account's view of one bucket.
type s3Fake struct {
	policy     string
	encryption error // GetBucketEncryption's error; nil: SSE-S3 default
}

func (f s3Fake) ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	return &s3.ListObjectsV2Output{}, nil
}
func (f s3Fake) GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return &s3.GetBucketPolicyOutput{Policy: aws.String(f.policy)}, nil
}
func (f s3Fake) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return &s3.GetBucketLocationOutput{}, nil
}
func (f s3Fake) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return nil, errors.New("not asked of an artifact bucket")
}
func (f s3Fake) GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if f.encryption != nil {
		return nil, f.encryption
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}, nil
}

func pipelineSetup(uploader, kmsKey string) Setup {
	return Setup{ArtifactUploader: uploader, KMSKeyID: kmsKey, Session: &assume.Session{
		Config: aws.Config{Region: "us-east-1"}, RoleARN: "arn:aws:iam::222222222222:role/deployer-target",
		Source: assume.Identity{ARN: "arn:aws:sts::123456789012:assumed-role/codebuild-role/build-1", Account: "123456789012"},
		Target: assume.Identity{ARN: "arn:aws:sts::222222222222:assumed-role/deployer-target/s", Account: "222222222222"}}}
}

func checkNamed(checks []Check, name string) Check {
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	return Check{Status: "MISSING", Name: name}
}

// TestConditionalDenyOfTheCodePipelineConsoleBucket: the console's
// "Deny s3:PutObject unless s3:x-amz-server-side-encryption is aws:kms" is
// evaluated against the header deployer would send, and never answered with
// an Allow to add.
func TestConditionalDenyOfTheCodePipelineConsoleBucket(t *testing.T) {
	ctx := context.Background()
	const bucket = "codepipeline-us-east-1-1234"
	roles := rolesOf(pipelineSetup("", ""))
	notFound := &smithy.GenericAPIError{Code: "ServerSideEncryptionConfigurationNotFoundError"}
	denied := &smithy.GenericAPIError{Code: "AccessDenied"}
	cases := []struct {
		name, kmsKey string
		encryption   error
		want         Status
		in           string
	}{
		{"--kms-key-id: aws:kms is sent", "arn:aws:kms:us-east-1:123456789012:key/k", nil, Pass, "aws:kms (--kms-key-id)"},
		{"bucket default SSE-S3: AES256 is sent", "", nil, Fail, "--kms-key-id KEY"},
		{"no default encryption: no header is sent", "", notFound, Fail, "--kms-key-id KEY"},
		{"default unreadable: depends on the header", "", denied, Warn, "depend on Deny DenyUnEncryptedObjectUploads"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := pipelineSetup("", c.kmsKey)
			p, _ := parsePolicy(codePipelineConsolePolicy)
			got := uploadCheck(ctx, p, bucket, s, roles, Clients{SourceS3: s3Fake{encryption: c.encryption}})
			if got.Status != c.want || !strings.Contains(got.Detail+got.Fix, c.in) {
				t.Errorf("%s: %s %s\n%s", c.name, got.Status, got.Detail, got.Fix)
			}
			if strings.Contains(got.Fix, "add to the bucket policy") || strings.Contains(got.Fix, `"Effect":"Allow"`) {
				t.Errorf("advice to add an Allow against a Deny:\n%s", got.Fix)
			}
			if got.Status == Fail && !strings.Contains(got.Fix, "an Allow cannot override a Deny") {
				t.Errorf("the fix does not say why no Allow helps:\n%s", got.Fix)
			}
		})
	}
	// The target role's reads are not affected by the upload Deny.
	s := pipelineSetup("", "")
	checks := bucketChecks(ctx, artifactBucket, bucket, s, roles, Clients{SourceS3: s3Fake{policy: codePipelineConsolePolicy}, TargetS3: s3Fake{}})
	if got := checkNamed(checks, "artifact bucket"); got.Status != Pass {
		t.Errorf("target reads under the console policy: %+v", got)
	}
}

// TestDemandedAccessFollowsArtifactCredentials: with --artifact-credentials
// source (the default) the target role needs read only; with target it
// needs to write too.
func TestDemandedAccessFollowsArtifactCredentials(t *testing.T) {
	ctx := context.Background()
	const bucket = "codepipeline-us-east-1-1234"
	readOnly := `{"Statement":[{"Sid":"TargetReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/deployer-target"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
	for uploader, want := range map[string]Status{"source": Pass, "": Pass, "target": Fail} {
		s := pipelineSetup(uploader, "")
		checks := bucketChecks(ctx, artifactBucket, bucket, s, rolesOf(s), Clients{SourceS3: s3Fake{policy: readOnly}, TargetS3: s3Fake{}})
		got := checkNamed(checks, "artifact bucket")
		if got.Status != want {
			t.Errorf("--artifact-credentials %q, read-only grant: %s %s", uploader, got.Status, got.Detail)
		}
		up := checkNamed(checks, "artifact bucket: uploads")
		switch uploader {
		case "target":
			if up.Status != Fail || !strings.Contains(up.Detail, "deployer-target (--artifact-credentials target)") {
				t.Errorf("target uploads: %+v", up)
			}
		default:
			if up.Status != Pass || !strings.Contains(up.Detail, "role/codebuild-role (--artifact-credentials source)") {
				t.Errorf("source uploads are checked for the source identity: %+v", up)
			}
		}
	}
}

// iamRoles answers GetRole and the role-policy calls from fixed documents.
type iamRoles struct {
	trust  map[string]string
	inline map[string]string // role name -> its one inline policy
}

func (f iamRoles) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	doc, ok := f.trust[aws.ToString(in.RoleName)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity"}
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{AssumeRolePolicyDocument: aws.String(url.QueryEscape(doc))}}, nil
}
func (f iamRoles) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if _, ok := f.inline[aws.ToString(in.RoleName)]; ok {
		return &iam.ListRolePoliciesOutput{PolicyNames: []string{"own"}}, nil
	}
	return &iam.ListRolePoliciesOutput{}, nil
}
func (f iamRoles) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return &iam.GetRolePolicyOutput{PolicyDocument: aws.String(url.QueryEscape(f.inline[aws.ToString(in.RoleName)]))}, nil
}
func (f iamRoles) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return &iam.ListAttachedRolePoliciesOutput{}, nil
}
func (f iamRoles) GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return nil, errors.New("no attached policies")
}
func (f iamRoles) GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return nil, errors.New("no attached policies")
}

// TestAccountRootGrantIsHalfACrossAccountGrant: a key policy that grants
// arn:aws:iam::ACCOUNT:root lets the account's roles in only when their own
// policies allow the key too; the doctor checks that where it can read it.
func TestAccountRootGrantIsHalfACrossAccountGrant(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/k"
	keyPolicy := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:Decrypt","Resource":"*"}]}`
	w := who{ARN: "arn:aws:iam::222222222222:role/deployer-target", Account: "222222222222"}
	p, _ := parsePolicy(keyPolicy)
	reqs := keyRequests(key, w, []string{"kms:Decrypt"}, "us-east-1")
	pass := keyAdmits(p, "KMS key", key, w, []string{"kms:Decrypt"}, "us-east-1", nil)
	fix := keyIdentityFix(key, w, "us-east-1")

	withPolicy := iamRoles{inline: map[string]string{"deployer-target": `{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + key + `"}]}`}}
	without := iamRoles{inline: map[string]string{"deployer-target": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}}
	ctx := context.Background()
	if got := otherHalf(ctx, pass, p, "123456789012", withPolicy, reqs, fix); got.Status != Pass || !strings.Contains(got.Detail, "the role's own policy allows it too") {
		t.Errorf("role policy allows the key: %+v", got)
	}
	got := otherHalf(ctx, pass, p, "123456789012", without, reqs, fix)
	if got.Status != Fail || !strings.Contains(got.Detail, "half of a cross-account grant") || !strings.Contains(got.Fix, `"Resource":"`+key+`"`) {
		t.Errorf("role policy without the key: %+v", got)
	}
	if got := otherHalf(ctx, pass, p, "123456789012", iamFake{}, reqs, fix); got.Status != Pass || !strings.Contains(got.Detail, "must allow it too") {
		t.Errorf("role policy unreadable: %+v", got)
	}
	// A grant naming the role itself is a whole grant from the key's side.
	roleGrant, _ := parsePolicy(strings.Replace(keyPolicy, "arn:aws:iam::222222222222:root", w.ARN, 1))
	if got := otherHalf(ctx, pass, roleGrant, "123456789012", without, reqs, fix); got.Status != Pass || strings.Contains(got.Detail, "half") {
		t.Errorf("grant to the role itself: %+v", got)
	}
}

// TestRoleARNThatIsAnExecutionRole: aws cloudformation deploy --role-arn
// passed as deployer's --role-arn names a role only CloudFormation may
// assume; the doctor says so and never advises letting the pipeline in.
func TestRoleARNThatIsAnExecutionRole(t *testing.T) {
	s := pipelineSetup("", "")
	s.Caller = s.Session.Source.ARN
	cfnOnly := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	got := trustCheck(context.Background(), s, Clients{TargetIAM: iamRoles{trust: map[string]string{"deployer-target": cfnOnly}}})
	if got.Status != Fail || !strings.Contains(got.Detail, "this is an execution role; pass it as --cfn-role-arn") || strings.Contains(got.Fix, `"Principal"`) {
		t.Errorf("execution role as --role-arn: %+v", got)
	}
	if d := (&assume.DeniedError{Caller: s.Caller, RoleARN: s.Session.RoleARN}).Advice(); !strings.Contains(d, "this is an execution role; pass it as --cfn-role-arn") {
		t.Errorf("AccessDenied advice lacks the execution-role hint:\n%s", d)
	}
}

// TestWordingOfProbesAndPrincipals: an artifact bucket's isolation is probed
// with artifact keys, and a principal IAM can no longer resolve is called
// unreadable, never listed as "(it names )".
func TestWordingOfProbesAndPrincipals(t *testing.T) {
	open := `{"Statement":[{"Sid":"All","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::art/*"}]}`
	p, _ := parsePolicy(open)
	roles := rolesOf(pipelineSetup("", ""))
	iso := isolationCheck(p, artifactBucket, "art", "222222222222", roles)
	if iso.Status != Fail || strings.Contains(iso.Detail, "tfstate") || !strings.Contains(iso.Detail, artifactProbe) {
		t.Errorf("artifact isolation: %+v", iso)
	}
	s := pipelineSetup("", "")
	s.Caller = s.Session.Source.ARN
	for doc, want := range map[string]string{
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEID1234567"},"Action":"sts:AssumeRole"}]}`: "unreadable principal(s) AROAEXAMPLEID1234567",
		`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"sts:AssumeRole"}]}`:              "no principal in it could be read",
	} {
		got := trustCheck(context.Background(), s, Clients{TargetIAM: iamRoles{trust: map[string]string{"deployer-target": doc}}})
		if got.Status != Fail || !strings.Contains(got.Detail, want) || strings.Contains(got.Detail, "(it names )") {
			t.Errorf("%s: %+v", doc, got)
		}
	}
}

// TestReadDeniedIsNeverAnsweredWithAnAllow: a bucket policy that denies
// the target role outright (a Deny naming it, as some samples use to fence
// off other accounts' roles) fails the read check with the Deny named and
// no Allow to add; a Deny on a key the doctor cannot know is a warning.
func TestReadDeniedIsNeverAnsweredWithAnAllow(t *testing.T) {
	w := who{ARN: "arn:aws:iam::222222222222:role/deployer-target", Account: "222222222222"}
	fenced, _ := parsePolicy(`{"Statement":[
	 {"Sid":"Read","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"FenceTargets","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:role/deployer-target"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`)
	got := admitCheck(fenced, "artifact bucket", "b", w, []string{"s3:GetObject"}, false, Check{})
	if got.Status != Fail || !strings.Contains(got.Detail, "FenceTargets") || strings.Contains(got.Fix, `"Effect":"Allow"`) {
		t.Errorf("outright Deny: %+v", got)
	}
	vpce, _ := parsePolicy(`{"Statement":[
	 {"Sid":"Read","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"OnlyFromTheVPC","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}`)
	got = admitCheck(vpce, "artifact bucket", "b", w, []string{"s3:GetObject"}, false, Check{})
	if got.Status != Warn || !strings.Contains(got.Detail, "OnlyFromTheVPC") || !strings.Contains(got.Detail, "aws:SourceVpce") {
		t.Errorf("Deny on an unknown key: %+v", got)
	}
}
