package settings

import "fmt"

// The StackSet group's settings of their own.
var (
	IfExists = boolean("stackset", Decl{Flag: "if-exists", Env: "DEPLOYER_IF_EXISTS",
		Help: "delete: a StackSet that does not exist is nothing to do (default: exit 1, so a mistyped name does not pass)"})
)

// CallAs is how StackSets are called: SELF, or DELEGATED_ADMIN from a
// delegated administrator account of the organisation. doctor takes it too,
// to check the registration.
var CallAs = str("stackset", Decl{Flag: "call-as", Env: "DEPLOYER_CALL_AS", Default: "SELF", Value: "WHO",
	Help: "SELF, or DELEGATED_ADMIN from a delegated administrator account"}, oneOf("SELF", "DELEGATED_ADMIN"))

// StackSet is what a "cfn stackset deploy|delete" alone declares, as given.
// Its settings belong to no shared group (Group ""): the reference lists
// them as the command's own.
type StackSet struct {
	Name                            string
	Permission, AdminRole, ExecRole string
	AutoDeploy, Removal             string
	RetainOnRemoval, RetainStacks   bool
	Parallel                        bool
}

// StackSetName declares --stack-set, the StackSet both verbs act on.
func StackSetName(s *Set, o *StackSet) {
	s.String(Decl{Flag: "stack-set", Env: "DEPLOYER_STACK_SET", Value: "NAME", Help: "StackSet name"}, &o.Name, func(v string) error {
		if !ValidStackName(v) {
			return fmt.Errorf("%q is not a StackSet name (expected a letter then up to 127 letters, digits or -)", v)
		}
		return nil
	})
}

// StackSetDelete declares what only "cfn stackset delete" takes of its own.
func StackSetDelete(s *Set, o *StackSet) {
	s.Bool(Decl{Flag: "retain-stacks", Env: "DEPLOYER_RETAIN_STACKS", Help: "remove the instances from the StackSet but keep their stacks"}, &o.RetainStacks)
}

// StackSetDeploy declares what only "cfn stackset deploy" takes of its own:
// the permission model and its roles, what happens to instances no longer
// in the targets file, and how regions run.
func StackSetDeploy(s *Set, o *StackSet) {
	s.String(Decl{Flag: "permission-model", Env: "DEPLOYER_PERMISSION_MODEL", Default: "self-managed", Value: "MODEL", Help: "self-managed (roles the kit adds) or service-managed (AWS Organizations, OU targets)"}, &o.Permission, oneOf("self-managed", "service-managed"))
	s.String(Decl{Flag: "administration-role-arn", Env: "DEPLOYER_ADMINISTRATION_ROLE_ARN", Value: "ARN", Help: "self-managed: administration role (default AWSCloudFormationStackSetAdministrationRole of this account)"}, &o.AdminRole, nil)
	s.String(Decl{Flag: "execution-role-name", Env: "DEPLOYER_EXECUTION_ROLE_NAME", Value: "NAME", Help: "self-managed: execution role name in each target (default AWSCloudFormationStackSetExecutionRole)"}, &o.ExecRole, nil)
	s.String(Decl{Flag: "auto-deployment", Env: "DEPLOYER_AUTO_DEPLOYMENT", Value: "on|off", Help: "service-managed: deploy to accounts that join a target OU"}, &o.AutoDeploy, oneOf("on", "off"))
	s.Bool(Decl{Flag: "retain-stacks-on-account-removal", Env: "DEPLOYER_RETAIN_STACKS_ON_ACCOUNT_REMOVAL", Help: "service-managed: keep stacks of accounts that leave an OU"}, &o.RetainOnRemoval)
	s.String(Decl{Flag: "removal", Env: "DEPLOYER_REMOVAL", Default: "delete", Value: "WHAT", Help: "instances no longer in the targets file: delete, retain (keep their stacks) or none"}, &o.Removal, oneOf("delete", "retain", "none"))
	s.Bool(Decl{Flag: "parallel-regions", Env: "DEPLOYER_PARALLEL_REGIONS", Help: "deploy the regions of an operation at once instead of in order"}, &o.Parallel)
}
