package settings

import (
	"fmt"
	"regexp"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

var stackNamePattern = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]*$`)

// ValidStackName reports whether CloudFormation accepts name for a stack or
// a StackSet.
func ValidStackName(name string) bool {
	return len(name) <= 128 && stackNamePattern.MatchString(name)
}

// The target group: the stack a command acts on and the execution role
// CloudFormation acts with.
var (
	Stack = str("target", Decl{Flag: "stack", Alias: "stack-name", Env: "DEPLOYER_STACK", Legacy: []string{"STACK_NAME"}, Value: "NAME", Help: "stack name"}, func(v string) error {
		if !ValidStackName(v) {
			return fmt.Errorf("%q is not a stack name (expected a letter then up to 127 letters, digits or -)", v)
		}
		return nil
	})
	CfnRoleARN = str("target", Decl{Flag: "cfn-role-arn", Alias: "role-arn-cfn", Env: "DEPLOYER_CFN_ROLE_ARN", Legacy: []string{"CFN_ROLE_ARN"}, Value: "ARN",
		Help: "CloudFormation execution role in the target account"}, func(v string) error {
		_, err := assume.RoleAccount(v)
		return err
	})
)

// Target is the resolved target group.
type Target struct {
	Stack, ExecRoleARN string
}

// TargetGroup declares the stack and execution role of every verb that
// touches one stack; both are checked against the target account before
// any call.
func TargetGroup(s *Set, t *Target, ac *AssumeConfig) {
	Stack.Bind(s, &t.Stack)
	CfnRoleARN.Bind(s, &t.ExecRoleARN)
	s.After(func() error {
		if t.Stack == "" {
			return exitcode.Usagef("--stack: no stack name given (expected --stack NAME, DEPLOYER_STACK or STACK_NAME)")
		}
		return ExecRoleIn(s.Source("cfn-role-arn"), t.ExecRoleARN, ac.TargetAccount())
	})
}

// ExecRoleIn checks that the execution role lives in the account
// CloudFormation is called from: a role of another account is what produces
// "Cross-account pass role is not allowed". from names the setting.
func ExecRoleIn(from, arn, targetAccount string) error {
	if arn == "" || targetAccount == "" {
		return nil
	}
	acct, err := assume.RoleAccount(arn)
	if err != nil {
		return exitcode.Usagef("%s: %v", from, err)
	}
	if acct != targetAccount {
		return exitcode.Usagef("%s: role is in account %s but the deploy acts in %s (expected an execution role of %s: CloudFormation refuses to pass a role of another account, \"Cross-account pass role is not allowed\")",
			from, acct, targetAccount, targetAccount)
	}
	return nil
}

// LogicalIDs checks resource logical ids (cfn delete --retain): letters and
// digits, as CloudFormation names them.
func LogicalIDs(ids []string) error {
	for _, id := range ids {
		if !cfn.ValidLogicalID(id) {
			return fmt.Errorf("%q is not a logical id (expected letters and digits)", id)
		}
	}
	return nil
}
