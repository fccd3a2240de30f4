package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/deployer-dev/deployer/internal/assume"
)

// regionCheck: CloudFormation reads TemplateURL and Lambda code only from a
// bucket in the stack's own region.
func regionCheck(ctx context.Context, name, bucket, stackRegion string, c Clients) Check {
	name += " region"
	if stackRegion == "" {
		return Check{Status: Skip, Name: name, Detail: "no region set"}
	}
	out, err := c.SourceS3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return Check{Status: Skip, Name: name, Detail: "cannot read the bucket's region: " + short(err)}
	}
	region := bucketRegion(out.LocationConstraint)
	if region != stackRegion {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s is in %s, the stack in %s", bucket, region, stackRegion),
			Fix: fmt.Sprintf("use a bucket in %s: one bucket per region (deploy buildspec/iam/cicd-account.yaml in each region the stacks use)", stackRegion)}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s is in %s, as the stack", bucket, region)}
}

// bucketRegion reads GetBucketLocation's legacy answers: empty is
// us-east-1 and EU is eu-west-1.
func bucketRegion(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}

func publicAccessCheck(ctx context.Context, name, bucket string, c Clients) Check {
	name += " public access"
	fix := fmt.Sprintf("aws s3api put-public-access-block --bucket %s --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"+
		"(in CloudFormation: PublicAccessBlockConfiguration with all four set to true)", bucket)
	out, err := c.SourceS3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		if code(err) == "NoSuchPublicAccessBlockConfiguration" {
			return Check{Status: Fail, Name: name, Detail: bucket + " has no public access block", Fix: fix}
		}
		return Check{Status: Skip, Name: name, Detail: "cannot read the public access block: " + short(err)}
	}
	cfg := out.PublicAccessBlockConfiguration
	if cfg == nil || !aws.ToBool(cfg.BlockPublicAcls) || !aws.ToBool(cfg.IgnorePublicAcls) || !aws.ToBool(cfg.BlockPublicPolicy) || !aws.ToBool(cfg.RestrictPublicBuckets) {
		return Check{Status: Fail, Name: name, Detail: bucket + " does not block all four kinds of public access", Fix: fix}
	}
	return Check{Status: Pass, Name: name, Detail: bucket + " blocks public access"}
}

func encryptionCheck(ctx context.Context, name, bucket string, c Clients) Check {
	name += " encryption"
	fix := fmt.Sprintf(`aws s3api put-bucket-encryption --bucket %s --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<customer managed key ARN>"}}]}'`, bucket)
	out, err := c.SourceS3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if code(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return Check{Status: Fail, Name: name, Detail: bucket + " has no default encryption", Fix: fix}
		}
		return Check{Status: Skip, Name: name, Detail: "cannot read the default encryption: " + short(err)}
	}
	if out.ServerSideEncryptionConfiguration != nil {
		for _, r := range out.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil && strings.HasPrefix(string(d.SSEAlgorithm), "aws:kms") && aws.ToString(d.KMSMasterKeyID) != "" {
				return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s encrypts with %s", bucket, aws.ToString(d.KMSMasterKeyID))}
			}
		}
	}
	return Check{Status: Fail, Name: name, Detail: bucket + " does not encrypt with a KMS key of its own (SSE-S3 or the aws/s3 key)", Fix: fix}
}

// codeBuildTrustCheck: the pipeline's own role, when CodeBuild assumes it,
// names the account (and projects) it serves, AWS's guard against a
// confused deputy. It is visible only with the pipeline account's IAM.
func codeBuildTrustCheck(ctx context.Context, s Setup, c Clients) Check {
	name := "CodeBuild role trust"
	role := assume.TrustPrincipal(s.Caller)
	if c.SourceIAM == nil || assume.RoleName(role) == "" || accountOf(role) != s.Session.Source.Account {
		return Check{Status: Skip, Name: name, Detail: "the pipeline's own role is not visible here"}
	}
	doc, _, err := getRole(ctx, c.SourceIAM, assume.RoleName(role))
	if err != nil {
		return Check{Status: Skip, Name: name, Detail: fmt.Sprintf("cannot read %s: %s", role, short(err))}
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: "trust policy does not parse: " + err.Error()}
	}
	return serviceTrustGuarded(p, name, role, "codebuild.amazonaws.com", s.Session.Source.Account,
		fmt.Sprintf("arn:aws:codebuild:%s:%s:project/*", s.Session.Config.Region, s.Session.Source.Account), Fail)
}

// serviceTrustGuarded: every statement trusting service carries an
// aws:SourceAccount or aws:SourceArn condition. missing is the status when
// one does not (Fail for the kit's own roles, Warn where AWS only
// recommends it).
func serviceTrustGuarded(p policy, name, role, service, account, sourceArn string, missing Status) Check {
	trusted, guarded := false, true
	for _, st := range p.Statement {
		if st.Effect != "Allow" || !actionMatches(st.Action, "sts:AssumeRole") || !principalMatches(st.Principal, who{Service: service}) {
			continue
		}
		trusted = true
		if !hasConditionKey(st.Condition, "aws:SourceAccount") && !hasConditionKey(st.Condition, "aws:SourceArn") {
			guarded = false
		}
	}
	if !trusted {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s is not assumable by %s", role, service),
			Fix: fmt.Sprintf(`add to its trust policy: {"Effect":"Allow","Principal":{"Service":"%s"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"%s"},"ArnLike":{"aws:SourceArn":"%s"}}}`, service, account, sourceArn)}
	}
	if !guarded {
		return Check{Status: missing, Name: name, Detail: fmt.Sprintf("%s trusts %s from any account (no aws:SourceAccount or aws:SourceArn)", role, service),
			Fix: fmt.Sprintf(`add to its trust statement for %s: "Condition":{"StringEquals":{"aws:SourceAccount":"%s"},"ArnLike":{"aws:SourceArn":"%s"}}`, service, account, sourceArn)}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s trusts %s only for account %s", role, service, account)}
}

func hasConditionKey(cond map[string]map[string]any, key string) bool {
	for _, kv := range cond {
		for k := range kv {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}
