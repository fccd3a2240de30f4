package main

import (
	"strconv"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// CfnEnv holds the variables of "deployer cfn". Legacy names (STACK_NAME,
// CFN_ROLE_ARN, ACTION, BUILD_ACTION) are the ones existing buildspecs use.
type CfnEnv struct {
	Stack            string `envconfig:"DEPLOYER_STACK"`
	LegacyStack      string `envconfig:"STACK_NAME"`
	Template         string `envconfig:"DEPLOYER_TEMPLATE"`
	CfnRoleARN       string `envconfig:"DEPLOYER_CFN_ROLE_ARN"`
	LegacyCfnRoleARN string `envconfig:"CFN_ROLE_ARN"`
	ParameterFiles   string `envconfig:"DEPLOYER_PARAMETERS"`
	ParamOverrides   string `envconfig:"DEPLOYER_PARAMETER_OVERRIDES"`
	Capabilities     string `envconfig:"DEPLOYER_CAPABILITIES"`
	StackTags        string `envconfig:"DEPLOYER_TAGS"`
	NotificationARNs string `envconfig:"DEPLOYER_NOTIFICATION_ARNS"`
	ArtifactBucket   string `envconfig:"DEPLOYER_ARTIFACT_BUCKET"`
	ArtifactPrefix   string `envconfig:"DEPLOYER_ARTIFACT_PREFIX"`
	KMSKeyID         string `envconfig:"DEPLOYER_KMS_KEY_ID"`
	ChangeSetName    string `envconfig:"DEPLOYER_CHANGE_SET_NAME"`
	Timeout          string `envconfig:"DEPLOYER_TIMEOUT"`
	OutputsFile      string `envconfig:"DEPLOYER_OUTPUTS_FILE"`
	OutputsEnv       string `envconfig:"DEPLOYER_OUTPUTS_ENV"`
	OutputsPrefix    string `envconfig:"DEPLOYER_OUTPUTS_PREFIX"`
	ChangesFile      string `envconfig:"DEPLOYER_CHANGES_FILE"`
	DryRun           string `envconfig:"DEPLOYER_DRY_RUN"`
	FailOnEmpty      string `envconfig:"DEPLOYER_FAIL_ON_EMPTY"`
	AllowReplacement string `envconfig:"DEPLOYER_ALLOW_REPLACEMENT"`
	AllowDelete      string `envconfig:"DEPLOYER_ALLOW_DELETE"`
	DisableRollback  string `envconfig:"DEPLOYER_DISABLE_ROLLBACK"`
	TermProtection   string `envconfig:"DEPLOYER_TERMINATION_PROTECTION"`
	CancelOnInt      string `envconfig:"DEPLOYER_CANCEL_ON_INTERRUPT"`
	Action           string `envconfig:"ACTION"`
	BuildAction      string `envconfig:"BUILD_ACTION"`
}

// boolSetting resolves a boolean flag against its variable: the flag wins
// when given; otherwise the variable, which must parse as a boolean.
func boolSetting(flagSet bool, flagVal bool, varName, varVal string) (bool, error) {
	if flagSet || varVal == "" {
		return flagVal, nil
	}
	b, err := strconv.ParseBool(varVal)
	if err != nil {
		return false, exitcode.Usagef("%s: %q is not a boolean (expected true or false)", varName, varVal)
	}
	return b, nil
}
