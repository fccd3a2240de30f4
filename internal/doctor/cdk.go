package doctor

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// CDKSetup is one environment of a CDK app, as deployer cdk deploy will
// use it: the bootstrap's roles, bucket and version parameter, assumed and
// read from the source principal.
type CDKSetup struct {
	Account, Region string
	Qualifier       string // default hnb659fds
	Source          string // the principal that assumes the deploy role (ARN)
	SourceAccount   string
	Required        int // bootstrap version the app needs; 0 means 6
	// DeployErr and PublishErr are how assuming the deploy and
	// file-publishing roles went (nil: assumed).
	DeployErr, PublishErr error
}

// CDKClients read the environment: SSM as the deploy role, IAM and S3 with
// whatever may read the roles' trust and the bucket's policy (nil skips).
type CDKClients struct {
	SSM interface {
		GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	}
	IAM IAM
	S3  S3
}

func (s CDKSetup) name(kind string) string {
	q := s.Qualifier
	if q == "" {
		q = "hnb659fds"
	}
	if kind == "assets" {
		return "cdk-" + q + "-assets-" + s.Account + "-" + s.Region
	}
	return "cdk-" + q + "-" + kind + "-role-" + s.Account + "-" + s.Region
}

// Fix is the command that bootstraps the environment for the source.
func (s CDKSetup) Fix() string {
	return fmt.Sprintf("cdk bootstrap --trust %s --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess aws://%s/%s",
		s.SourceAccount, s.Account, s.Region)
}

// CDKChecks checks the bootstrap version, that the deploy and
// file-publishing roles trust the source, and that the asset bucket's
// policy lets the file-publishing role write.
func CDKChecks(ctx context.Context, s CDKSetup, c CDKClients) []Check {
	env := "aws://" + s.Account + "/" + s.Region
	out := []Check{cdkVersionCheck(ctx, s, c, env)}
	for _, r := range []struct {
		kind string
		err  error
	}{{"deploy", s.DeployErr}, {"file-publishing", s.PublishErr}} {
		out = append(out, cdkTrustCheck(ctx, s, c, r.kind, r.err, env))
	}
	return append(out, cdkBucketCheck(ctx, s, c, env))
}

func cdkVersionCheck(ctx context.Context, s CDKSetup, c CDKClients, env string) Check {
	name := "cdk bootstrap version"
	required := s.Required
	if required == 0 {
		required = 6
	}
	if s.DeployErr != nil || c.SSM == nil {
		return Check{Status: Skip, Name: name, Detail: env + ": the deploy role cannot be assumed, so its parameter cannot be read"}
	}
	param := "/cdk-bootstrap/" + s.qualifier() + "/version"
	got, err := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(param)})
	var nf *ssmtypes.ParameterNotFound
	switch {
	case errors.As(err, &nf):
		return Check{Status: Fail, Name: name, Detail: env + ": " + param + " not found: not bootstrapped", Fix: "run once: " + s.Fix()}
	case err != nil:
		return Check{Status: Fail, Name: name, Detail: env + ": read " + param + ": " + short(err)}
	}
	v, _ := strconv.Atoi(aws.ToString(got.Parameter.Value))
	if v < required {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s: version %d, %d required", env, v, required), Fix: "run once: " + s.Fix()}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s: version %d (%d required)", env, v, required)}
}

func (s CDKSetup) qualifier() string {
	if s.Qualifier == "" {
		return "hnb659fds"
	}
	return s.Qualifier
}

// cdkTrustCheck: the role was assumed, and (when IAM can be read) its trust
// policy admits the source; the emulator does not enforce trust, so the
// policy is what shows a missing --trust there.
func cdkTrustCheck(ctx context.Context, s CDKSetup, c CDKClients, kind string, assumeErr error, env string) Check {
	name := "cdk " + kind + " role trust"
	role := s.name(kind)
	if assumeErr != nil {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s cannot be assumed from %s: %s", role, s.Source, short(assumeErr)),
			Fix: "bootstrap the account trusting the pipeline's: " + s.Fix()}
	}
	if c.IAM == nil {
		return Check{Status: Pass, Name: name, Detail: role + " assumed from " + s.Source}
	}
	out, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s assumed from %s (trust policy not readable: %s)", role, s.Source, short(err))}
	}
	p, err := parsePolicy(aws.ToString(out.Role.AssumeRolePolicyDocument)) // it unescapes IAM's URL encoding
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: role + ": trust policy does not parse: " + err.Error()}
	}
	if !p.allows(who{ARN: s.Source, Account: s.SourceAccount}, "sts:AssumeRole") {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s in %s does not trust account %s (%s)", role, env, s.SourceAccount, namedPrincipals(p)),
			Fix: "bootstrap again with --trust: " + s.Fix()}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s trusts account %s", role, s.SourceAccount)}
}

// cdkBucketCheck: the asset bucket is there and its policy does not deny
// the file-publishing role's uploads.
func cdkBucketCheck(ctx context.Context, s CDKSetup, c CDKClients, env string) Check {
	name := "cdk asset bucket policy"
	bucket := s.name("assets")
	if c.S3 == nil || s.PublishErr != nil {
		return Check{Status: Skip, Name: name, Detail: bucket + ": the file-publishing role cannot be assumed"}
	}
	out, err := c.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket), ExpectedBucketOwner: aws.String(s.Account)})
	switch {
	case code(err) == "NoSuchBucket":
		return Check{Status: Fail, Name: name, Detail: bucket + " does not exist in " + env, Fix: "run once: " + s.Fix()}
	case code(err) == "NoSuchBucketPolicy":
		return Check{Status: Pass, Name: name, Detail: bucket + ": no bucket policy; the role's own policy decides"}
	case err != nil:
		return Check{Status: Skip, Name: name, Detail: bucket + ": cannot read the policy: " + short(err)}
	}
	p, err := parsePolicy(aws.ToString(out.Policy))
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: bucket + ": policy does not parse: " + err.Error()}
	}
	role := "arn:aws:iam::" + s.Account + ":role/" + s.name("file-publishing")
	r := request{who: who{ARN: role, Account: s.Account}, action: "s3:PutObject", resource: "arn:aws:s3:::" + bucket + "/asset.zip",
		context: map[string]string{"aws:SecureTransport": "true"}}
	if p.decide(r) == denied {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s denies s3:PutObject to %s (%v)", bucket, role, p.denyingSidsOnly(r)),
			Fix: "remove the Deny statements above from the bucket policy, or bootstrap again: " + s.Fix()}
	}
	return Check{Status: Pass, Name: name, Detail: bucket + " lets " + s.name("file-publishing") + " upload over TLS"}
}

func (p policy) denyingSidsOnly(r request) []string {
	sids, _ := p.denyingSids(r)
	return sids
}
