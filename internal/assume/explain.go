package assume

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// DeniedError is an AssumeRole refused by IAM. Its Advice is the policy text
// that would let the call through, filled in with the real ARNs.
type DeniedError struct {
	Caller     string // ARN of the principal that called AssumeRole
	RoleARN    string
	ExternalID bool
	Err        error
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("%s may not assume %s: %v", e.Caller, e.RoleARN, e.Err)
}

func (e *DeniedError) Unwrap() error { return e.Err }

// Advice prints, ready to paste, the trust statement the target role needs
// and the permission the caller needs.
func (e *DeniedError) Advice() string {
	principal := TrustPrincipal(e.Caller)
	trust := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]string{"AWS": principal},
		"Action":    "sts:AssumeRole",
	}
	if e.ExternalID {
		trust["Condition"] = map[string]any{"StringEquals": map[string]string{"sts:ExternalId": "<your external id>"}}
	}
	perm := map[string]any{
		"Effect":   "Allow",
		"Action":   "sts:AssumeRole",
		"Resource": e.RoleARN,
	}
	t, _ := json.MarshalIndent(trust, "  ", "  ")
	p, _ := json.MarshalIndent(perm, "  ", "  ")
	var b strings.Builder
	fmt.Fprintf(&b, "The trust policy of %s needs this statement:\n  %s\n", e.RoleARN, t)
	fmt.Fprintf(&b, "and the policy of %s needs:\n  %s\n", principal, p)
	b.WriteString("Both must allow it; a Deny in an SCP or permissions boundary also blocks it.\n")
	b.WriteString(ExecutionRoleHint(e.RoleARN))
	return b.String()
}

// ExecutionRoleHint is said with every refused AssumeRole: aws cloudformation
// deploy --role-arn takes the execution role, deployer's --role-arn the role
// it assumes, so a migrated command line often hands deployer an execution
// role to assume.
func ExecutionRoleHint(roleARN string) string {
	return fmt.Sprintf("If %s trusts only cloudformation.amazonaws.com, this is an execution role; pass it as --cfn-role-arn "+
		"(aws-cli's --role-arn is deployer's --cfn-role-arn) and leave its trust policy as it is.", roleARN)
}

// TrustPrincipal turns a caller ARN into the principal a trust policy names:
// an assumed-role session becomes its role's IAM ARN (add the role's path if
// it has one: the session ARN does not carry it).
func TrustPrincipal(callerARN string) string {
	parts := strings.SplitN(callerARN, ":", 6)
	if len(parts) == 6 && parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/") {
		seg := strings.Split(parts[5], "/")
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", parts[1], parts[4], seg[1])
	}
	return callerARN
}

// explainAssumeError classifies an AssumeRole failure: denials and expired
// tokens are access problems (exit 3) with advice; others stay plain.
func explainAssumeError(err error, caller, roleARN string, externalID bool) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDenied", "AccessDeniedException":
			return exitcode.AccessErr(&DeniedError{Caller: caller, RoleARN: roleARN, ExternalID: externalID, Err: err})
		case "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException":
			return exitcode.AccessErr(fmt.Errorf("assume %s: source credentials rejected: %w", roleARN, err))
		}
	}
	return fmt.Errorf("assume %s: %w", roleARN, err)
}
