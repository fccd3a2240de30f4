package cdk

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// SSMAPI is the SSM call the bootstrap check makes; *ssm.Client has it.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// BootstrapError is an environment whose CDK bootstrap is missing or older
// than the assembly needs. Its one line names the command that fixes it.
type BootstrapError struct {
	Env           Environment
	Parameter     string
	Found         int // 0: the parameter is not there
	Required      int
	SourceAccount string // the account deployer acts from, to be trusted
}

func (e *BootstrapError) Error() string {
	found := "not found (" + e.Parameter + ")"
	if e.Found > 0 {
		found = strconv.Itoa(e.Found)
	}
	return fmt.Sprintf("account %s region %s: CDK bootstrap version %s, %d required: nothing was published or deployed; run once: %s",
		e.Env.Account, e.Env.Region, found, e.Required, e.Fix())
}

// Fix is the command that bootstraps the environment so that the source
// account may use its roles.
func (e *BootstrapError) Fix() string {
	trust := ""
	if e.SourceAccount != "" && e.SourceAccount != e.Env.Account {
		// The CLI refuses --trust without execution policies.
		trust = "--trust " + e.SourceAccount + " --cloudformation-execution-policies arn:" + Partition(e.Env.Region) + ":iam::aws:policy/AdministratorAccess "
	}
	return fmt.Sprintf("cdk bootstrap %saws://%s/%s", trust, e.Env.Account, e.Env.Region)
}

// checkBootstrap reads the stack's bootstrap version parameter (with the
// deploy role, as the CLI does) and refuses a missing or older one. A stack
// that names no parameter (a legacy or CLI-credentials synthesizer) needs
// none.
func checkBootstrap(ctx context.Context, api SSMAPI, st *Stack, source string) error {
	if st.BootstrapParameter == "" || st.BootstrapVersion == 0 {
		return nil
	}
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(st.BootstrapParameter)})
	var nf *ssmtypes.ParameterNotFound
	if errors.As(err, &nf) {
		return &BootstrapError{Env: st.Environment, Parameter: st.BootstrapParameter, Required: st.BootstrapVersion, SourceAccount: source}
	}
	if err != nil {
		return fmt.Errorf("account %s region %s: read CDK bootstrap version %s: %w", st.Environment.Account, st.Environment.Region, st.BootstrapParameter, err)
	}
	v, err := strconv.Atoi(aws.ToString(out.Parameter.Value))
	if err != nil {
		return fmt.Errorf("account %s region %s: CDK bootstrap version %q in %s is not a number", st.Environment.Account, st.Environment.Region, aws.ToString(out.Parameter.Value), st.BootstrapParameter)
	}
	if v < st.BootstrapVersion {
		return &BootstrapError{Env: st.Environment, Parameter: st.BootstrapParameter, Found: v, Required: st.BootstrapVersion, SourceAccount: source}
	}
	return nil
}
