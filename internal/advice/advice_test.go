package advice

import (
	"strings"
	"testing"
)

// Each text is quoted as AWS prints it; each must get its own advice, not
// the generic AccessDenied line.
func TestKnownTexts(t *testing.T) {
	cases := map[string]string{
		"api error AccessDenied: Cross-account pass role is not allowed.":                                                                     "--cfn-role-arn a role of the target account",
		"User: arn:aws:sts::222222222222:assumed-role/deploy/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::2:role/e": "iam:PassedToService",
		"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/d":             "trust policy must name the caller",
		"operation error S3: GetObject, api error KMS.AccessDeniedException: User is not authorized":                                          "key policy in the CI/CD account",
		"The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access": "customer-managed key",
		"api error ExpiredToken: The security token included in the request is expired":                                                       "at most one hour",
		"api error ValidationError: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.":       "--duration 1h",
		"Role arn:aws:iam::222222222222:role/cfn-exec is invalid or cannot be assumed":                                                        "cloudformation.amazonaws.com",
		"operation error CloudFormation: DescribeStackEvents, exceeded maximum number of attempts, 6, api error Throttling: Rate exceeded":    "run the same command again",
		"api error AccessDenied: User is not allowed to call s3:PutObject":                                                                    "no SCP or permissions boundary",
	}
	for msg, want := range cases {
		if got := For(msg); !strings.Contains(got, want) {
			t.Errorf("For(%q) = %q, want it to contain %q", msg, got, want)
		}
	}
	if got := For("some unrelated failure"); got != "" {
		t.Errorf("unrelated text got advice %q", got)
	}
	if len(Known()) != len(cases) {
		t.Errorf("table has %d texts, test covers %d", len(Known()), len(cases))
	}
}
