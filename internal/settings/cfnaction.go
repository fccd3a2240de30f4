package settings

import "github.com/deployer-dev/deployer/internal/exitcode"

// CfnAction is the verb of "deployer cfn" given none: ACTION's, else
// BUILD_ACTION's, as existing buildspecs set them, so one command line
// serves create, update and delete. via names the variable and its value
// ("ACTION=update-stack"); an empty or unknown action is exit 2.
func CfnAction(environ []string) (verb, via string, err error) {
	action, from := Lookup(environ, "ACTION"), "ACTION"
	if action == "" {
		action, from = Lookup(environ, "BUILD_ACTION"), "BUILD_ACTION"
	}
	switch action {
	case "create-stack", "update-stack", "deploy":
		return "deploy", from + "=" + action, nil
	case "delete-stack", "delete":
		return "delete", from + "=" + action, nil
	case "":
		return "", "", exitcode.Usagef("cfn: no verb given (expected deployer cfn deploy|delete|package|execute|stackset, or ACTION=create-stack|update-stack|delete-stack)")
	default:
		return "", "", exitcode.Usagef("%s: %q is not known (expected create-stack, update-stack, deploy or delete-stack)", from, action)
	}
}
