package settings

import (
	"fmt"
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// Capabilities are the capabilities CloudFormation knows.
var Capabilities = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}

// The change set group: what a stack (or StackSet) is made of, and how a
// change set to it is made and executed.
var (
	Template = str("change set", Decl{Flag: "template", Alias: "template-file", Env: "DEPLOYER_TEMPLATE", Value: "FILE",
		Help: "template file, s3://bucket/key or S3 https URL (cfn package: a file)"}, nil)
	ParameterFiles = list("change set", Decl{Flag: "parameters", Env: "DEPLOYER_PARAMETERS", Value: "FILE",
		Help: "parameters file (JSON, YAML, KEY=value or a CodePipeline template configuration), repeatable; later wins, a target's own files last"}, nil)
	ParameterOverrides = list("change set", Decl{Flag: "parameter", Alias: "parameter-overrides", Env: "DEPLOYER_PARAMETER_OVERRIDES", Sep: " ", Variadic: true, Value: "K=V",
		Help: "parameter, repeatable; wins over files (variable: space-separated)"}, nil)
	CapabilityList = list("change set", Decl{Flag: "capabilities", Env: "DEPLOYER_CAPABILITIES", Split: true, Variadic: true, Value: "CAP",
		Help: "CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND (comma- or space-separated)"}, func(caps []string) error {
		for _, c := range caps {
			if oneOf(Capabilities...)(c) != nil {
				return fmt.Errorf("%q is not a capability (expected CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND)", c)
			}
		}
		return nil
	})
	Tags = list("change set", Decl{Flag: "tag", Alias: "tags", Env: "DEPLOYER_TAGS", Variadic: true, Value: "K=V",
		Help: "tag of the stack (or StackSet), repeatable (variable: comma-separated)"}, nil)
	NotificationARNs = list("change set", Decl{Flag: "notification-arn", Alias: "notification-arns", Env: "DEPLOYER_NOTIFICATION_ARNS", Variadic: true, Split: true, Value: "ARN",
		Help: "SNS topic for stack events, repeatable"}, func(arns []string) error {
		for _, n := range arns {
			if !strings.HasPrefix(n, "arn:aws") || !strings.Contains(n, ":sns:") {
				return fmt.Errorf("%q is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:TOPIC)", n)
			}
		}
		return nil
	})
	DryRun = boolean("change set", Decl{Flag: "dry-run", Env: "DEPLOYER_DRY_RUN",
		Help: "preview and change nothing: show the change set, then delete it (StackSets: list per target whether its instance would be created, updated, left or removed)"})
	KeepChangeSet = boolean("change set", Decl{Flag: "keep-change-set", Env: "DEPLOYER_KEEP_CHANGE_SET", Help: "with --dry-run, keep the change set for review"})
	ChangeSetName = str("change set", Decl{Flag: "change-set-name", Env: "DEPLOYER_CHANGE_SET_NAME", Value: "NAME",
		Help: "change set name (default: the build id or time, plus a random suffix)"}, func(v string) error {
		if !cfn.ValidChangeSetName(v) {
			return fmt.Errorf("%q is not a change set name (expected a letter then up to 127 letters, digits or -)", v)
		}
		return nil
	})
	FailOnEmpty            = boolean("change set", Decl{Flag: "fail-on-empty", Alias: "fail-on-empty-changeset", Env: "DEPLOYER_FAIL_ON_EMPTY", Help: "exit 1 when there is nothing to change"})
	AllowReplacement       = boolean("change set", Decl{Flag: "allow-replacement", Env: "DEPLOYER_ALLOW_REPLACEMENT", Help: "let an update replace resources"})
	AllowDelete            = boolean("change set", Decl{Flag: "allow-delete", Env: "DEPLOYER_ALLOW_DELETE", Help: "let an update remove resources"})
	NoRecreate             = boolean("change set", Decl{Flag: "no-recreate", Env: "DEPLOYER_NO_RECREATE", Help: "refuse to delete a ROLLBACK_COMPLETE stack before creating it again (exit 5)"})
	ContinueUpdateRollback = boolean("change set", Decl{Flag: "continue-update-rollback", Env: "DEPLOYER_CONTINUE_UPDATE_ROLLBACK",
		Help: "finish the rollback of an UPDATE_ROLLBACK_FAILED stack (with the execution role), then update it"})
	DisableRollback       = boolean("change set", Decl{Flag: "disable-rollback", Env: "DEPLOYER_DISABLE_ROLLBACK", Help: "keep resources of a failed operation for debugging"})
	TerminationProtection = boolean("change set", Decl{Flag: "termination-protection", Env: "DEPLOYER_TERMINATION_PROTECTION", Help: "enable termination protection after deploy"})
	CancelOnInterrupt     = boolean("change set", Decl{Flag: "cancel-on-interrupt", Env: "DEPLOYER_CANCEL_ON_INTERRUPT", Help: "on SIGINT/SIGTERM, also cancel the updates in progress"})
	Force                 = boolean("change set", Decl{Flag: "force", Env: "DEPLOYER_FORCE", Help: "always create a change set, even when nothing can have changed"})
)

// aws cloudformation deploy's own spellings, with their aws-cli meanings,
// so that its command lines run unchanged.
var (
	NoFailOnEmpty = boolean("change set", Decl{Flag: "no-fail-on-empty-changeset",
		Help: "aws-cli's spelling of the default: exit 0 when there is nothing to change"})
	NoExecute = boolean("change set", Decl{Flag: "no-execute-changeset", Env: "DEPLOYER_NO_EXECUTE_CHANGESET",
		Help: "create the change set and keep it without executing it (aws-cli's meaning; --dry-run --keep-change-set); the run says how to execute it"})
)

// AWSCLI is what aws-cli's own spellings asked for.
type AWSCLI struct {
	NoFailOnEmpty, NoExecute bool
}

// AWSCLIGroup declares aws cloudformation deploy's flags that deployer
// spells otherwise.
func AWSCLIGroup(s *Set, h *AWSCLI) {
	NoFailOnEmpty.Bind(s, &h.NoFailOnEmpty)
	NoExecute.Bind(s, &h.NoExecute)
}

// Definition is what a stack or StackSet is made of, as given: the
// template reference and the parameter, capability and tag lists.
type Definition struct {
	Template                         string
	ParamFiles, ParamKVs, Caps, Tags []string
}

// DefinitionGroup declares the template, parameters, capabilities and tags.
func DefinitionGroup(s *Set, d *Definition) {
	Template.Bind(s, &d.Template)
	ParameterFiles.Bind(s, &d.ParamFiles)
	ParameterOverrides.Bind(s, &d.ParamKVs)
	CapabilityList.Bind(s, &d.Caps)
	Tags.Bind(s, &d.Tags)
}

// ChangeSetGroup declares how "cfn deploy" makes and executes its change
// set, into d.
func ChangeSetGroup(s *Set, d *cfn.DeployOptions) {
	NotificationARNs.Bind(s, &d.NotificationARNs)
	DryRun.Bind(s, &d.DryRun)
	KeepChangeSet.Bind(s, &d.KeepChangeSet)
	ChangeSetName.Bind(s, &d.ChangeSetName)
}

// GuardGroup declares what an executed change set may do, and how.
func GuardGroup(s *Set, d *cfn.DeployOptions) {
	FailOnEmpty.Bind(s, &d.FailOnEmpty)
	AllowReplacement.Bind(s, &d.Guards.AllowReplacement)
	AllowDelete.Bind(s, &d.Guards.AllowDelete)
	NoRecreate.Bind(s, &d.NoRecreate)
	ContinueUpdateRollback.Bind(s, &d.ContinueUpdateRollback)
	DisableRollback.Bind(s, &d.DisableRollback)
	TerminationProtection.Bind(s, &d.TermProtection)
}
