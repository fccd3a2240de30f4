package settings

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Apply applies aws cloudformation deploy's own flags with their aws-cli
// meanings (docs/migrating-from-aws-cli.md lists them) to d:
// --no-fail-on-empty-changeset is the default and beats
// DEPLOYER_FAIL_ON_EMPTY as any flag beats a variable; --no-execute-changeset
// creates the change set and keeps it, one stack at a time (targets: the
// --targets file given, if any).
func (h AWSCLI) Apply(s *Set, d *cfn.DeployOptions, targets string) error {
	if h.NoFailOnEmpty {
		if strings.HasPrefix(s.From("fail-on-empty"), "--") {
			return exitcode.Usagef("--no-fail-on-empty-changeset: contradicts %s (expected one of them)", s.From("fail-on-empty"))
		}
		d.FailOnEmpty = false
	}
	if h.NoExecute {
		if targets != "" {
			return exitcode.Usagef("--no-execute-changeset: one stack at a time (expected --dry-run --plan-file FILE with --targets, then cfn execute)")
		}
		d.DryRun, d.KeepChangeSet = true, true
	}
	return nil
}
