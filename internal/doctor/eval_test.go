package doctor

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/deployer-dev/deployer/internal/assume"
)

func TestDecideReadsResourcesVariablesAndConditions(t *testing.T) {
	b := who{ARN: "arn:aws:iam::333333333333:role/deployer-target", Account: "333333333333"}
	scoped := `{"Statement":[
	 {"Sid":"Own","Effect":"Allow","Principal":{"AWS":["222222222222","333333333333"]},"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::st/${aws:PrincipalAccount}/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deployer-target"}}},
	 {"Sid":"List","Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::st","Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalAccount}/*"}}},
	 {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::st","arn:aws:s3:::st/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	cases := []struct {
		name string
		r    request
		want decision
	}{
		{"own prefix, nested key", request{who: b, action: "s3:GetObject", resource: "arn:aws:s3:::st/333333333333/a/b/terraform.tfstate", context: tlsContext}, allowed},
		{"another account's prefix", request{who: b, action: "s3:GetObject", resource: "arn:aws:s3:::st/222222222222/terraform.tfstate", context: tlsContext}, notAllowed},
		{"bucket root", request{who: b, action: "s3:GetObject", resource: "arn:aws:s3:::st/terraform.tfstate", context: tlsContext}, notAllowed},
		{"list own prefix", listRequest(b, "st", "333333333333/"), allowed},
		{"list another prefix", listRequest(b, "st", "222222222222/"), notAllowed},
		{"plain HTTP", request{who: b, action: "s3:GetObject", resource: "arn:aws:s3:::st/333333333333/x", context: map[string]string{"aws:SecureTransport": "false"}}, denied},
	}
	p, err := parsePolicy(scoped)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if got := p.decide(c.r); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDecideStrictMissingKeys(t *testing.T) {
	w := who{ARN: "arn:aws:iam::333333333333:role/deployer-target", Account: "333333333333"}
	p, _ := parsePolicy(`{"Statement":{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}}`)
	if p.decide(request{who: w, action: "kms:Decrypt", strict: true}) != notAllowed {
		t.Error("a direct call (no kms:ViaService) is allowed in strict mode")
	}
	if p.decide(request{who: w, action: "kms:Decrypt", context: viaS3("us-east-1")}) != allowed {
		t.Error("a call through S3 is not allowed")
	}
	if p.decide(request{who: w, action: "kms:Decrypt", context: viaS3("eu-west-1")}) != notAllowed {
		t.Error("a call through S3 of another region is allowed")
	}
	neg, _ := parsePolicy(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}}`)
	if neg.decide(request{who: w, action: "s3:GetObject", strict: true}) != denied {
		t.Error("a negated operator on a missing key must hold, as in IAM")
	}
}

func TestWildcardMatchCrossesSlashes(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{{"a/*", "a/b/c", true}, {"a/*/d", "a/b/c/d", true}, {"a?c", "abc", true}, {"app-*", "application", false}, {"app*", "application", true}, {"*", "", true}} {
		if got := wildcardMatch(c.p, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

// iamFake answers GetRole with fixed trust documents.
type iamFake map[string]string

func (f iamFake) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	doc, ok := f[aws.ToString(in.RoleName)]
	if !ok {
		return nil, errors.New("NoSuchEntity")
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{AssumeRolePolicyDocument: aws.String(doc)}}, nil
}

func TestStackSetTrust(t *testing.T) {
	ctx := context.Background()
	s := StackSetSetup{AdminAccount: "123456789012"}
	guarded := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	open := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	other := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for doc, want := range map[string]Status{guarded: Pass, open: Warn, other: Fail} {
		got := StackSetAdminTrust(ctx, s, iamFake{StackSetAdminRoleName: doc})
		if got.Status != want {
			t.Errorf("admin trust %s: %s (%s)", doc, got.Status, got.Detail)
		}
	}
	if got := StackSetAdminTrust(ctx, s, iamFake{}); got.Status != Fail || !strings.Contains(got.Fix, "CreateStackSetAdministrationRole=true") {
		t.Errorf("missing admin role: %+v", got)
	}
	root := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	adminRole := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/AWSCloudFormationStackSetAdministrationRole"},"Action":"sts:AssumeRole"}]}`
	elsewhere := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`
	for doc, want := range map[string]Status{root: Pass, adminRole: Pass, elsewhere: Fail} {
		got := StackSetExecTrust(ctx, s, "222222222222", iamFake{StackSetExecRoleName: doc})
		if got.Status != want {
			t.Errorf("exec trust %s: %s (%s)", doc, got.Status, got.Detail)
		}
	}
}

// ownerFake is the pipeline account's view of a bucket and key.
type ownerFake struct {
	location   s3types.BucketLocationConstraint
	keyManager kmstypes.KeyManagerType
	S3
}

func (f ownerFake) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return &s3.GetBucketLocationOutput{LocationConstraint: f.location}, nil
}

func (f ownerFake) DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyManager: f.keyManager}}, nil
}

func (f ownerFake) GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return nil, errors.New("not reached for an AWS managed key")
}

func TestBucketInAnotherRegionAndAWSManagedKeyFail(t *testing.T) {
	ctx := context.Background()
	c := Clients{SourceS3: ownerFake{location: "eu-west-2"}}
	if got := regionCheck(ctx, "artifact bucket", "b", "us-east-1", c); got.Status != Fail || !strings.Contains(got.Detail, "eu-west-2") {
		t.Errorf("region: %+v", got)
	}
	c.SourceS3 = ownerFake{location: ""}
	if got := regionCheck(ctx, "artifact bucket", "b", "us-east-1", c); got.Status != Pass {
		t.Errorf("us-east-1 (empty LocationConstraint): %+v", got)
	}
	deploy := targetRoles{deploy: who{ARN: "arn:aws:iam::222222222222:role/deployer-target", Account: "222222222222"}}
	for _, key := range []string{"alias/aws/s3", "arn:aws:kms:us-east-1:123456789012:key/abc"} {
		k := ownerFake{keyManager: kmstypes.KeyManagerTypeAws}
		s := Setup{KMSKeyID: key, Session: sessionIn("us-east-1")}
		got := keyChecks(ctx, s, deploy, Clients{SourceKMS: k, TargetKMS: k})
		if len(got) != 1 || got[0].Status != Fail || !strings.Contains(got[0].Detail, "AWS managed key") {
			t.Errorf("%s: %+v", key, got)
		}
	}
}

func sessionIn(region string) *assume.Session {
	return &assume.Session{Config: aws.Config{Region: region}, Target: assume.Identity{Account: "222222222222"}}
}
