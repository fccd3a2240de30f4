package stackset

import (
	"errors"
	"fmt"
	"regexp"
)

// ErrAdminRoleAccount: the administration role is in another account than
// the one calling StackSets. StackSets assumes it from the StackSet's own
// account, so a role elsewhere fails every operation, late.
var ErrAdminRoleAccount = errors.New("the administration role must be in the calling account")

var roleAccountRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/`)

// checkAdminRole refuses an administration role outside e.Account.
func (e *Engine) checkAdminRole(arn string) error {
	if arn == "" || e.Account == "" {
		return nil
	}
	m := roleAccountRE.FindStringSubmatch(arn)
	if m == nil {
		return fmt.Errorf("--administration-role-arn %q is not a role ARN (expected arn:aws:iam::%s:role/NAME)", arn, e.Account)
	}
	if m[1] != e.Account {
		return fmt.Errorf("--administration-role-arn %s is in account %s, not the calling account %s: %w", arn, m[1], e.Account, ErrAdminRoleAccount)
	}
	return nil
}

// where names the account and region StackSets are called in.
func (e *Engine) where() string {
	switch {
	case e.Account != "" && e.Region != "":
		return e.Account + "/" + e.Region
	case e.Region != "":
		return e.Region
	}
	return "this account"
}
