// Package doctor checks one cross-account set-up and says, line by line,
// what works and what is missing, with the statements to add filled in.
// The emulator does not enforce IAM, and neither does a dry run: so besides
// live calls, the doctor reads the trust, bucket and key policies and checks
// that they admit the principals the deploy will use.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/assume"
)

// Status of one check.
type Status string

// The outcomes. Warn is a working set-up that lacks a recommended guard;
// it prints its fix but does not fail the run.
const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
	Warn Status = "WARN"
	Skip Status = "SKIP"
)

// Check is one line of the report.
type Check struct {
	Status Status
	Name   string
	Detail string
	Fix    string // what to add, when it failed
}

// IAM, S3 and KMS are the calls the doctor makes; the SDK clients satisfy them.
type IAM interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// S3 is the part of S3 the doctor calls.
type S3 interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// KMS is the part of KMS the doctor calls.
type KMS interface {
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// Clients are the clients of each side.
type Clients struct {
	TargetIAM IAM
	TargetS3  S3
	TargetKMS KMS
	SourceS3  S3  // owner side of a cross-account bucket
	SourceKMS KMS // owner side of a cross-account key
	// SourceIAM reads the pipeline account's own role (the CodeBuild role's
	// trust); nil skips that check.
	SourceIAM IAM
}

// Setup is what is being checked.
type Setup struct {
	Session        *assume.Session
	Caller         string // ARN that calls AssumeRole on the last hop
	ExternalID     bool
	Duration       time.Duration
	CfnRoleARN     string
	ArtifactBucket string
	KMSKeyID       string
	BackendBucket  string
	// ArtifactUploader is whose credentials upload to the artifact bucket:
	// "source" (the default, as --artifact-credentials) or "target".
	ArtifactUploader string
}

// Run performs every check whose inputs are given.
func Run(ctx context.Context, s Setup, c Clients) []Check {
	var out []Check
	sess := s.Session
	if sess.RoleARN != "" {
		out = append(out, trustCheck(ctx, s, c))
		out = append(out, durationCheck(ctx, s, c))
	}
	out = append(out, execRoleCheck(ctx, s, c))
	out = append(out, codeBuildTrustCheck(ctx, s, c))
	roles := rolesOf(s)
	out = append(out, bucketChecks(ctx, artifactBucket, s.ArtifactBucket, s, roles, c)...)
	out = append(out, keyChecks(ctx, s, roles, c)...)
	out = append(out, bucketChecks(ctx, stateBucket, s.BackendBucket, s, roles, c)...)
	return out
}

// Write prints the report, one line per check and its fix indented below.
func Write(w io.Writer, checks []Check) (failed int) {
	for _, ch := range checks {
		fmt.Fprintf(w, "%-4s  %-30s %s\n", ch.Status, ch.Name, ch.Detail)
		if ch.Status == Fail || ch.Status == Warn {
			if ch.Status == Fail {
				failed++
			}
			for _, line := range strings.Split(ch.Fix, "\n") {
				if line != "" {
					fmt.Fprintln(w, "        "+line)
				}
			}
		}
	}
	return failed
}

func trustCheck(ctx context.Context, s Setup, c Clients) Check {
	name := "target role trust"
	roleName := assume.RoleName(s.Session.RoleARN)
	doc, _, err := getRole(ctx, c.TargetIAM, roleName)
	if err != nil {
		return Check{Status: Skip, Name: name, Detail: fmt.Sprintf("cannot read the trust policy (%s); the AssumeRole itself worked", short(err))}
	}
	principal := assume.TrustPrincipal(s.Caller)
	p, err := parsePolicy(doc)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: "trust policy does not parse: " + err.Error()}
	}
	if p.allows(who{ARN: principal, Account: accountOf(principal)}, "sts:AssumeRole") {
		return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s trusts %s", s.Session.RoleARN, principal)}
	}
	if isExecutionRole(p) {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("%s trusts only cloudformation.amazonaws.com: this is an execution role; pass it as --cfn-role-arn", s.Session.RoleARN),
			Fix: "--role-arn is the role deployer assumes to act in the target account; aws cloudformation deploy --role-arn is deployer's --cfn-role-arn.\n" +
				"Keep this role's trust as it is and pass it as --cfn-role-arn; pass the target account's deploy role (buildspec/iam/target-account.yaml) as --role-arn."}
	}
	denied := &assume.DeniedError{Caller: s.Caller, RoleARN: s.Session.RoleARN, ExternalID: s.ExternalID}
	return Check{Status: Fail, Name: name,
		Detail: fmt.Sprintf("%s does not trust %s (%s)", s.Session.RoleARN, principal, namedPrincipals(p)),
		Fix:    denied.Advice()}
}

// isExecutionRole: the trust policy lets CloudFormation assume the role and
// names no other principal, the shape of aws cloudformation deploy
// --role-arn (a CloudFormation service role).
func isExecutionRole(p policy) bool {
	if !p.allows(who{Service: "cloudformation.amazonaws.com"}, "sts:AssumeRole") {
		return false
	}
	for _, v := range p.principals("sts:AssumeRole") {
		if v != "cloudformation.amazonaws.com" {
			return false
		}
	}
	return true
}

// namedPrincipals says whom the trust policy names. IAM shows a principal
// it can no longer resolve (a deleted role or user) as its unique id
// (AROA..., AIDA...); a policy that names none readable says so.
func namedPrincipals(p policy) string {
	var readable, unreadable []string
	for _, v := range p.principals("sts:AssumeRole") {
		if v == "*" || strings.Contains(v, ":") || strings.HasSuffix(v, ".amazonaws.com") || (len(v) == 12 && strings.Trim(v, "0123456789") == "") {
			readable = append(readable, v)
		} else {
			unreadable = append(unreadable, v)
		}
	}
	var parts []string
	if len(readable) > 0 {
		parts = append(parts, "it names "+strings.Join(readable, ", "))
	}
	if len(unreadable) > 0 {
		parts = append(parts, "it names unreadable principal(s) "+strings.Join(unreadable, ", ")+": the unique id IAM shows for a deleted role or user")
	}
	if len(parts) == 0 {
		return "no principal in it could be read for sts:AssumeRole"
	}
	return strings.Join(parts, "; ")
}

func durationCheck(ctx context.Context, s Setup, c Clients) Check {
	name := "session duration"
	d := s.Duration
	if d == 0 {
		d = time.Hour
	}
	if s.Session.Chained && d > assume.ChainedMaxDur {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%v asked, but role chaining caps sessions at 1h", d), Fix: "use --duration 1h or less"}
	}
	_, maxDur, err := getRole(ctx, c.TargetIAM, assume.RoleName(s.Session.RoleARN))
	if err == nil && maxDur > 0 && d > maxDur {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%v asked, the role allows %v", d, maxDur),
			Fix: "raise the role's MaxSessionDuration or lower --duration"}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%v allowed (chained: %v)", d, s.Session.Chained)}
}

func execRoleCheck(ctx context.Context, s Setup, c Clients) Check {
	name := "CloudFormation execution role"
	if s.CfnRoleARN == "" {
		return Check{Status: Skip, Name: name, Detail: "no --cfn-role-arn given"}
	}
	acct, err := assume.RoleAccount(s.CfnRoleARN)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: err.Error()}
	}
	if acct != s.Session.Target.Account {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("%s is in account %s, the deploy acts in %s", s.CfnRoleARN, acct, s.Session.Target.Account),
			Fix:    "CloudFormation refuses a role of another account (\"Cross-account pass role is not allowed\"): create the execution role in the target account (buildspec/iam/target-account.yaml) and pass that one."}
	}
	doc, _, err := getRole(ctx, c.TargetIAM, assume.RoleName(s.CfnRoleARN))
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s cannot be read: %s", s.CfnRoleARN, short(err)),
			Fix: "create it in the target account, trusted by cloudformation.amazonaws.com"}
	}
	p, err := parsePolicy(doc)
	if err != nil || !p.allows(who{Service: "cloudformation.amazonaws.com"}, "sts:AssumeRole") {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s is not assumable by CloudFormation", s.CfnRoleARN),
			Fix: `add to its trust policy: {"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}`}
	}
	return Check{Status: Pass, Name: name, Detail: s.CfnRoleARN + " exists in the target account and trusts CloudFormation"}
}

func getRole(ctx context.Context, c IAM, name string) (trust string, maxDur time.Duration, err error) {
	out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return "", 0, err
	}
	return aws.ToString(out.Role.AssumeRolePolicyDocument), time.Duration(aws.ToInt32(out.Role.MaxSessionDuration)) * time.Second, nil
}

// roleARNOf is the IAM ARN of the target role (the principal policies name).
func roleARNOf(s *assume.Session) string {
	if s.RoleARN != "" {
		return s.RoleARN
	}
	return assume.TrustPrincipal(s.Target.ARN)
}

func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 4 {
		return parts[4]
	}
	return ""
}

func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func short(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() + ": " + api.ErrorMessage()
	}
	return err.Error()
}

// rolesOf names the two target roles whose access the policies must grant:
// the deploy role (the session's) and, when given, the execution role that
// CloudFormation uses to fetch nested templates and code.
func rolesOf(s Setup) (r targetRoles) {
	r.deploy = who{ARN: roleARNOf(s.Session), Account: s.Session.Target.Account}
	if s.CfnRoleARN != "" {
		r.exec = &who{ARN: s.CfnRoleARN, Account: accountOf(s.CfnRoleARN)}
	}
	return r
}

type targetRoles struct {
	deploy who
	exec   *who // nil: no --cfn-role-arn, so not checked
}
