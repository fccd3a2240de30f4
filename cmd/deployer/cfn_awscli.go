package main

import (
	"strings"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// awsCLIHabits applies aws cloudformation deploy's own flags with their
// aws-cli meanings (docs/migrating-from-aws-cli.md lists them):
// --no-fail-on-empty-changeset is the default and beats DEPLOYER_FAIL_ON_EMPTY
// as any flag beats a variable; --no-execute-changeset creates the change set
// and keeps it.
func awsCLIHabits(s *settings.Set, o *deployOptions) error {
	d := &o.deploy
	if o.awsCLI.NoFailOnEmpty {
		if strings.HasPrefix(s.From("fail-on-empty"), "--") {
			return exitcode.Usagef("--no-fail-on-empty-changeset: contradicts %s (expected one of them)", s.From("fail-on-empty"))
		}
		d.FailOnEmpty = false
	}
	if o.awsCLI.NoExecute {
		if o.fanout.Targets != "" {
			return exitcode.Usagef("--no-execute-changeset: one stack at a time (expected --dry-run --plan-file FILE with --targets, then cfn execute)")
		}
		d.DryRun, d.KeepChangeSet = true, true
	}
	return nil
}

// executeCommand is how to execute a kept change set as the same role.
func executeCommand(roles []string, changeSet string) string {
	var b strings.Builder
	b.WriteString("deployer exec")
	for _, r := range roles {
		b.WriteString(" --role-arn " + r)
	}
	b.WriteString(" -- aws cloudformation execute-change-set --change-set-name " + changeSet)
	return b.String()
}
