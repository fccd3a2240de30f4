// Package advice turns known AWS error texts, met anywhere in the tool, into
// what to do about them. It is the one shared table; commands do not grow
// their own.
package advice

import "strings"

// Entry is one known AWS failure: the text that identifies it, what
// causes it, and what fixes it. The troubleshooting page of the reference is
// generated from this table.
type Entry struct {
	Match string // a text found in the error, as AWS prints it
	Cause string
	Fix   string
}

var table = []Entry{
	{"Cross-account pass role is not allowed",
		"CloudFormation was handed an execution role of another account.",
		"Pass --cfn-role-arn a role of the target account (the one the deploy role lives in), and grant iam:PassRole on it to the deploy role in that account."},
	{"is not authorized to perform: iam:PassRole",
		"The deploy role may not pass the execution role.",
		"Add to the deploy role: {\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"<execution role ARN>\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"cloudformation.amazonaws.com\"}}}."},
	{"is not authorized to perform: sts:AssumeRole",
		"Two policies must agree: the target role's trust policy must name the caller as principal, and the caller's own policy must allow sts:AssumeRole on the target role.",
		"Run 'deployer doctor' for both statements filled in. If the role trusts only cloudformation.amazonaws.com, this is an execution role; pass it as --cfn-role-arn (aws-cli's --role-arn is deployer's --cfn-role-arn)."},
	{"KMS.AccessDeniedException",
		"The role may not use the KMS key.",
		"The key policy in the CI/CD account must allow kms:Decrypt (and kms:GenerateDataKey to write) to the target account's deploy role, and the role's own policy must allow the same on the key ARN."},
	{"The ciphertext refers to a customer master key that does not exist",
		"The artifact is encrypted with a KMS key this account cannot see.",
		"Use a customer-managed key (not aws/s3) in the CI/CD account and add the target account to its key policy; give --kms-key-id as the key's full ARN."},
	{"ExpiredToken",
		"The credentials expired.",
		"A role assumed from another role lasts at most one hour: 'deployer tf' and 'deployer exec' serve refreshing credentials, so run the long step through them instead of exporting keys."},
	{"DurationSeconds exceeds the 1 hour session limit",
		"Role chaining caps sessions at one hour.",
		"Use --duration 1h or less when the source is itself an assumed role (CodeBuild's is)."},
	{"is invalid or cannot be assumed",
		"CloudFormation cannot assume the execution role.",
		"Its trust policy must allow the service principal cloudformation.amazonaws.com to call sts:AssumeRole, and the role must exist in the target account."},
	{"Rate exceeded",
		"AWS is throttling this account's API calls (all pipelines share the limit); the SDK already retried with backoff.",
		"The stack operation itself is unaffected: run the same command again to follow it."},
	{"AccessDenied",
		"Access was denied.",
		"Check that the role acting in the target account has the permission named in the message, and that no SCP or permissions boundary denies it."},
}

// For returns advice for the first known text found in msg, or "".
func For(msg string) string {
	for _, e := range table {
		if strings.Contains(msg, e.Match) {
			return e.Cause + " " + e.Fix
		}
	}
	return ""
}

// Known lists the texts the table recognises, for tests and docs.
func Known() []string {
	out := make([]string, 0, len(table))
	for _, e := range table {
		out = append(out, e.Match)
	}
	return out
}

// Entries returns the table, in the order texts are matched (the first
// match wins, so the generic AccessDenied comes last).
func Entries() []Entry { return append([]Entry(nil), table...) }
