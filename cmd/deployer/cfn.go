package main

import (
	"flag"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

// cfnGroup is "deployer cfn VERB"; without a verb it follows ACTION or
// BUILD_ACTION as existing buildspecs set them, so one command line serves
// create, update and delete.
var cfnGroup = group{name: "cfn", usage: cfnUsage, noVerb: func(a *app, log *runLog) (string, string, error) {
	action, from := settings.Lookup(a.environ, "ACTION"), "ACTION"
	if action == "" {
		action, from = settings.Lookup(a.environ, "BUILD_ACTION"), "BUILD_ACTION"
	}
	verb := ""
	switch action {
	case "create-stack", "update-stack", "deploy":
		verb = "deploy"
	case "delete-stack", "delete":
		verb = "delete"
	case "":
		return noVerbError("cfn: no verb given (expected deployer cfn deploy|delete|package|execute|stackset, or ACTION=create-stack|update-stack|delete-stack)")
	default:
		return noVerbError("%s: %q is not known (expected create-stack, update-stack, deploy or delete-stack)", from, action)
	}
	log.Debug().Str(from, action).Str("verb", verb).Msg("verb from the environment")
	return verb, from + "=" + action, nil
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

// changeSetName is a readable, unique change set name (cdk deploy's).
func (a *app) changeSetName() string {
	return cfnrun.ChangeSetName(settings.BuildID(a.environ), a.host.Now())
}

// errHelp ends a run whose help a dispatcher printed: exit 0.
var errHelp = flag.ErrHelp
