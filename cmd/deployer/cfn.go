package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cfnVerbs = []string{"deploy", "delete", "package", "execute", "stackset"}

// cfnCommand picks "deployer cfn VERB"; without a verb it follows ACTION or
// BUILD_ACTION as existing buildspecs set them, so one command line serves
// create, update and delete.
func (a *app) cfnCommand(args []string, log *runLog) (*command, []string, error) {
	verb, mustExist := "", ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	if verb == "help" || (verb == "" && len(args) > 0 && helpWord(args[0])) {
		fmt.Fprint(a.io.out, cfnUsage)
		return nil, nil, errHelp
	}
	if verb == "" {
		action, from := settings.Lookup(a.environ, "ACTION"), "ACTION"
		if action == "" {
			action, from = settings.Lookup(a.environ, "BUILD_ACTION"), "BUILD_ACTION"
		}
		switch action {
		case "create-stack", "update-stack", "deploy":
			verb = "deploy"
			if action == "update-stack" {
				mustExist = from + "=update-stack"
			}
		case "delete-stack", "delete":
			verb = "delete"
		case "":
			return nil, nil, exitcode.Usagef("cfn: no verb given (expected deployer cfn deploy|delete|package|execute|stackset, or ACTION=create-stack|update-stack|delete-stack)")
		default:
			return nil, nil, exitcode.Usagef("%s: %q is not known (expected create-stack, update-stack, deploy or delete-stack)", from, action)
		}
		log.Debug().Str(from, action).Str("verb", verb).Msg("verb from the environment")
	}
	switch verb {
	case "deploy":
		return a.deployCommand(mustExist), args, nil
	case "delete":
		return a.deleteCommand(), args, nil
	case "package":
		return a.packageCommand(), args, nil
	case "execute":
		return a.executeCommand(), args, nil
	case "stackset":
		return a.stacksetCommand(args)
	}
	return nil, nil, unknownWord("cfn verb", verb, cfnVerbs)
}

const cfnUsage = `usage: deployer cfn <verb> [flags]

verbs:
  deploy     deploy a stack through a change set with the target account's execution role
  delete     delete a stack and wait for it
  package    upload local code and nested templates; write the template pointing at them
  execute    execute the change sets of a plan file written by "deploy --dry-run --plan-file"
  stackset   deploy or delete a StackSet from a targets file

Without a verb, ACTION or BUILD_ACTION (create-stack, update-stack, delete-stack)
chooses deploy or delete, and delete accepts the deploy command line unchanged.
run "deployer cfn <verb> -h" for the flags of a verb.
`

var stackNamePattern = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]*$`)

// stackSettings are what every verb that touches one stack takes: the stack
// and the execution role, checked against the target account.
type stackSettings struct {
	stack, execRole string
}

func declareStack(s *settings.Set, o *stackSettings, ac *settings.AssumeConfig) {
	s.String(settings.Decl{Flag: "stack", Alias: "stack-name", Env: "DEPLOYER_STACK", Legacy: []string{"STACK_NAME"}, Value: "NAME", Help: "stack name"}, &o.stack, func(v string) error {
		if len(v) > 128 || !stackNamePattern.MatchString(v) {
			return fmt.Errorf("%q is not a stack name (expected a letter then up to 127 letters, digits or -)", v)
		}
		return nil
	})
	s.String(settings.Decl{Flag: "cfn-role-arn", Alias: "role-arn-cfn", Env: "DEPLOYER_CFN_ROLE_ARN", Legacy: []string{"CFN_ROLE_ARN"}, Value: "ARN",
		Help: "CloudFormation execution role in the target account"}, &o.execRole, func(v string) error {
		_, err := assume.RoleAccount(v)
		return err
	})
	s.After(func() error {
		if o.stack == "" {
			return exitcode.Usagef("--stack: no stack name given (expected --stack NAME, DEPLOYER_STACK or STACK_NAME)")
		}
		return execRole(s.Source("cfn-role-arn"), o.execRole, ac.TargetAccount())
	})
}

// execRole checks that the execution role lives in the account CloudFormation
// is called from: a role of another account is what produces "Cross-account
// pass role is not allowed".
func execRole(from, arn, targetAccount string) error {
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

// changeSetName is readable (the build id, else the time) and unique: two
// deploys of one stack in one build or one second must not share it.
func (a *app) changeSetName() string {
	build := settings.Lookup(a.environ, "CODEBUILD_BUILD_ID")
	if build == "" {
		build = settings.Lookup(a.environ, "CODEPIPELINE_EXECUTION_ID")
	}
	base := cfn.ChangeSetName(build, a.host.Now())
	suffix := randomHex(4)
	if len(base)+1+len(suffix) > 128 {
		base = base[:128-1-len(suffix)]
	}
	return base + "-" + suffix
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// errHelp ends a run whose help a dispatcher printed: exit 0.
var errHelp = flag.ErrHelp
