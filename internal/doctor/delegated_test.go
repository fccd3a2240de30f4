package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

type listStackSets func(*cloudformation.ListStackSetsInput) (*cloudformation.ListStackSetsOutput, error)

func (f listStackSets) ListStackSets(_ context.Context, in *cloudformation.ListStackSetsInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListStackSetsOutput, error) {
	return f(in)
}

func TestDelegatedAdmin(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status Status
		want   string
	}{
		{"registered", nil, Pass, "may act as"},
		// The service's answer for an account not registered (or a role
		// without organizations:ListDelegatedAdministrators): ValidationError,
		// HTTP 400, "Account used is not a delegated administrator".
		{"not registered", &smithy.GenericAPIError{Code: "ValidationError", Message: "Account used is not a delegated administrator"}, Fail, "register-delegated-administrator --account-id 111111111111 --service-principal " + StackSetsPrincipal},
		{"denied", &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: cloudformation:ListStackSets"}, Warn, "cannot check"},
	}
	for _, c := range cases {
		var callAs types.CallAs
		ch := DelegatedAdmin(context.Background(), "111111111111", listStackSets(func(in *cloudformation.ListStackSetsInput) (*cloudformation.ListStackSetsOutput, error) {
			callAs = in.CallAs
			return &cloudformation.ListStackSetsOutput{}, c.err
		}))
		if ch.Status != c.status || !strings.Contains(ch.Detail+" "+ch.Fix, c.want) || callAs != types.CallAsDelegatedAdmin {
			t.Errorf("%s: %+v (CallAs %q), want %s and %q", c.name, ch, callAs, c.status, c.want)
		}
	}
}
