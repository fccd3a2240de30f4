package main

import (
	"flag"
	"strings"

	"github.com/deployer-dev/deployer/internal/settings"
)

// cfnGroup is "deployer cfn VERB"; without a verb it follows ACTION or
// BUILD_ACTION (settings.CfnAction) as existing buildspecs set them.
var cfnGroup = group{name: "cfn", usage: cfnUsage, noVerb: func(a *app, log *runLog) (string, string, error) {
	verb, via, err := settings.CfnAction(a.environ)
	if err == nil {
		from, action, _ := strings.Cut(via, "=")
		log.Debug().Str(from, action).Str("verb", verb).Msg("verb from the environment")
	}
	return verb, via, err
}}

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

// errHelp ends a run whose help a dispatcher printed: exit 0.
var errHelp = flag.ErrHelp
