package doctor

import (
	"context"
	"fmt"
)

// The role names AWS documents for self-managed StackSets permissions
// ("Grant self-managed permissions", CloudFormation User Guide).
const (
	StackSetAdminRoleName = "AWSCloudFormationStackSetAdministrationRole"
	StackSetExecRoleName  = "AWSCloudFormationStackSetExecutionRole"
)

// StackSetSetup is what "doctor --stack-set" checks for self-managed
// permissions: the administration role in the account that owns the
// StackSet, and the execution role in one target account.
type StackSetSetup struct {
	AdminAccount  string // the account the StackSet lives in (the CI/CD account)
	Region        string // for the aws:SourceArn shown in fixes
	AdminRoleName string // empty: StackSetAdminRoleName
	ExecRoleName  string // empty: StackSetExecRoleName
}

// StackSetAdminTrust checks that CloudFormation may assume the
// administration role, and warns when the trust lacks the aws:SourceAccount
// or aws:SourceArn condition AWS recommends against a confused deputy.
// adminIAM acts in the administration account.
func StackSetAdminTrust(ctx context.Context, s StackSetSetup, adminIAM IAM) Check {
	name := "StackSet admin role trust"
	roleName := orDefault(s.AdminRoleName, StackSetAdminRoleName)
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", s.AdminAccount, roleName)
	doc, _, err := getRole(ctx, adminIAM, roleName)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s cannot be read: %s", arn, short(err)),
			Fix: "create it: buildspec/iam/cicd-account.yaml with --parameter CreateStackSetAdministrationRole=true"}
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: "trust policy does not parse: " + err.Error()}
	}
	return serviceTrustGuarded(p, name, arn, "cloudformation.amazonaws.com", s.AdminAccount,
		fmt.Sprintf("arn:aws:cloudformation:*:%s:stackset/*", s.AdminAccount), Warn)
}

// StackSetExecTrust checks that the execution role in a target account
// trusts the administration account (its root, as AWS's template has it, or
// the administration role itself). targetIAM acts in that target account.
func StackSetExecTrust(ctx context.Context, s StackSetSetup, targetAccount string, targetIAM IAM) Check {
	name := "StackSet exec role trust"
	roleName := orDefault(s.ExecRoleName, StackSetExecRoleName)
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", targetAccount, roleName)
	adminRole := fmt.Sprintf("arn:aws:iam::%s:role/%s", s.AdminAccount, orDefault(s.AdminRoleName, StackSetAdminRoleName))
	fix := fmt.Sprintf(`add to its trust policy: {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"} (buildspec/iam/target-account.yaml with --parameter CreateStackSetExecutionRole=true)`, s.AdminAccount)
	doc, _, err := getRole(ctx, targetIAM, roleName)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: fmt.Sprintf("%s cannot be read: %s", arn, short(err)), Fix: fix}
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return Check{Status: Fail, Name: name, Detail: "trust policy does not parse: " + err.Error()}
	}
	if !p.allows(who{ARN: adminRole, Account: s.AdminAccount}, "sts:AssumeRole") {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("%s does not trust account %s (it names %v)", arn, s.AdminAccount, p.principals("sts:AssumeRole")), Fix: fix}
	}
	return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("%s trusts %s", arn, adminRole)}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
