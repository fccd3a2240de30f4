package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// StackSetsPrincipal is the service principal an organisation's management
// account registers a delegated administrator for.
const StackSetsPrincipal = "member.org.stacksets.cloudformation.amazonaws.com"

// StackSetLister is the one CloudFormation call the delegated administrator
// check makes; *cloudformation.Client satisfies it.
type StackSetLister interface {
	ListStackSets(ctx context.Context, in *cloudformation.ListStackSetsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackSetsOutput, error)
}

// DelegatedAdmin checks that StackSets accepts CallAs DELEGATED_ADMIN from
// account: a ListStackSets as delegated administrator. StackSets answers
// an account that is not registered, and a caller that may not call
// organizations:ListDelegatedAdministrators, with ValidationError "Account
// used is not a delegated administrator" (HTTP 400), which is what every
// StackSet command would fail with later.
func DelegatedAdmin(ctx context.Context, account string, api StackSetLister) Check {
	name := "StackSets delegated admin"
	_, err := api.ListStackSets(ctx, &cloudformation.ListStackSetsInput{CallAs: types.CallAsDelegatedAdmin, MaxResults: aws32(1)})
	if err == nil {
		return Check{Status: Pass, Name: name, Detail: fmt.Sprintf("account %s may act as the organisation's StackSets delegated administrator", account)}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorMessage(), "not a delegated administrator") {
		return Check{Status: Fail, Name: name,
			Detail: fmt.Sprintf("StackSets refuses --call-as DELEGATED_ADMIN from account %s: %s", account, short(err)),
			Fix: fmt.Sprintf("from the management account: aws organizations register-delegated-administrator --account-id %s --service-principal %s; "+
				"and let this role call organizations:ListDelegatedAdministrators", account, StackSetsPrincipal)}
	}
	return Check{Status: Warn, Name: name, Detail: "cannot check: " + short(err)}
}

func aws32(n int32) *int32 { return &n }
