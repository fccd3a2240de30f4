package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

var stackNamePattern = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]*$`)

// cfnCmd dispatches "deployer cfn VERB"; without a verb it follows ACTION or
// BUILD_ACTION as existing buildspecs set them.
func (a *app) cfnCmd(ctx context.Context, args []string) error {
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	if verb == "" {
		action, from := firstSet("ACTION", a.env.Action, "BUILD_ACTION", a.env.BuildAction)
		switch action {
		case "create-stack", "update-stack", "deploy":
			verb = "deploy"
		case "delete-stack", "delete":
			verb = "delete"
		case "":
			return exitcode.Usagef("cfn: no verb given (expected deployer cfn deploy|delete, or ACTION=deploy|delete-stack)")
		default:
			return exitcode.Usagef("%s: %q is not known (expected create-stack, update-stack, deploy or delete-stack)", from, action)
		}
	}
	switch verb {
	case "deploy":
		return a.cfnDeploy(ctx, args)
	case "delete":
		return a.cfnDelete(ctx, args)
	}
	return exitcode.Usagef("cfn: unknown verb %q (expected deploy or delete)", verb)
}

// validStackName checks a stack name locally.
func validStackName(from, name string) error {
	if name == "" {
		return exitcode.Usagef("--stack: no stack name given (expected --stack NAME, DEPLOYER_STACK or STACK_NAME)")
	}
	if len(name) > 128 || !stackNamePattern.MatchString(name) {
		return exitcode.Usagef("%s: %q is not a stack name (expected a letter then up to 127 letters, digits or -)", from, name)
	}
	return nil
}

// execRole validates the CloudFormation execution role against the target
// account. It must live in the account CloudFormation is called from: passing
// a role of another account is what produces "Cross-account pass role is not
// allowed".
func execRole(from, arn, targetAccount string) error {
	if arn == "" {
		return nil
	}
	acct, err := assume.RoleAccount(arn)
	if err != nil {
		return exitcode.Usagef("%s: %v", from, err)
	}
	if targetAccount != "" && acct != targetAccount {
		return exitcode.Usagef("%s: role is in account %s but the deploy acts in %s (expected an execution role of %s: CloudFormation refuses to pass a role of another account, \"Cross-account pass role is not allowed\")",
			from, acct, targetAccount, targetAccount)
	}
	return nil
}

// targetAccountOf is the account the last hop lands in, known before any call.
func targetAccountOf(c assumeConfig) string {
	if n := len(c.Assume.RoleARNs); n > 0 {
		acct, _ := assume.RoleAccount(c.Assume.RoleARNs[n-1])
		return acct
	}
	return ""
}

// runner builds the CloudFormation runner for the assumed session.
func (a *app) runner(s *assume.Session, cancelOnInterrupt bool) *cfn.Runner {
	return &cfn.Runner{
		CFN:               cloudformation.NewFromConfig(s.Config),
		S3:                s3.NewFromConfig(s.Config),
		Log:               a.log,
		Err:               a.io.err,
		Region:            s.Config.Region,
		CancelOnInterrupt: cancelOnInterrupt,
	}
}

func (a *app) cfnDeploy(ctx context.Context, args []string) error {
	o, err := a.parseDeploy(args)
	if err != nil {
		return err
	}
	s, err := a.session(ctx, o.assume)
	if err != nil {
		return err
	}
	if err := execRole(o.roleFrom, o.deploy.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	ctx, stop := a.interruptible(ctx, o.timeout)
	defer stop()
	res, err := a.runner(s, o.cancelOnInterrupt).Deploy(ctx, o.deploy)
	if errors.Is(err, cfn.ErrEmpty) {
		return fmt.Errorf("stack %s: %w", o.deploy.Stack, err)
	}
	if err != nil {
		return err
	}
	if res.NoChanges {
		fmt.Fprintf(a.io.err, "No changes: stack %s is up to date.\n", o.deploy.Stack)
	}
	return nil
}

func (a *app) cfnDelete(ctx context.Context, args []string) error {
	o, err := a.parseDelete(args)
	if err != nil {
		return err
	}
	s, err := a.session(ctx, o.assume)
	if err != nil {
		return err
	}
	if err := execRole(o.roleFrom, o.del.ExecRoleARN, s.Target.Account); err != nil {
		return err
	}
	ctx, stop := a.interruptible(ctx, o.timeout)
	defer stop()
	_, err = a.runner(s, false).Delete(ctx, o.del)
	return err
}
