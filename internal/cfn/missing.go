package cfn

import "github.com/deployer-dev/deployer/internal/exitcode"

// missingStack is the refusal of an update-only deploy (ACTION=update-stack,
// as old buildspecs set it) to create a stack that is not there: aws
// cloudformation update-stack fails there too, and a migrating pipeline
// reads update-stack as "update or fail". The usual cause is a region or
// account other than the stack's, so both are named.
func (r *Runner) missingStack(o DeployOptions) error {
	account := r.Account
	if account == "" {
		account = "(unknown)"
	}
	return exitcode.Usagef("%s: stack %s does not exist in account %s, region %s, and update-stack creates nothing (expected the stack's region in --region or DEPLOYER_REGION, or create-stack to create it)",
		o.MustExist, o.Stack, account, r.Region)
}
