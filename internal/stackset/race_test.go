package stackset

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/testenv"
)

// Two pipelines create the same StackSet at once: the second's
// CreateStackSet is NameAlreadyExistsException (API reference: HTTP 409,
// "The specified name is already in use."), which moto never answers. The
// proxy plays it: the first CreateStackSet goes through as the other run's,
// and our call gets the error. The run reads the StackSet and updates it.
func TestCreateRaceIsAnsweredByAnUpdate(t *testing.T) {
	w := newWorld(t)
	var once sync.Once
	w.proxy.Handle(testenv.OnAction("CreateStackSet", func(_ *testenv.Request, forward func() *testenv.Response) *testenv.Response {
		var raced *testenv.Response
		once.Do(func() {
			forward()
			raced = testenv.QueryError(http.StatusConflict, "NameAlreadyExistsException", "The specified name is already in use.")
		})
		return raced
	}))
	e := w.engine()
	res, err := e.Deploy(context.Background(), input("v1"))
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, w.log)
	}
	if res.Created || res.StackSetID == "" || res.Failed() != 0 {
		t.Errorf("result %+v: want the StackSet found, not created, and no failure", res)
	}
	if got := w.instances("demo"); len(got) != 4 {
		t.Errorf("instances %v, want 4", got)
	}
	if !strings.Contains(w.log.String(), "another run created the stack set first") {
		t.Errorf("no word of the race:\n%s", w.log)
	}
}

func TestAdministrationRoleMustBeInTheCallingAccount(t *testing.T) {
	e := &Engine{CFN: &fakeAPI{}, Log: zerolog.Nop(), Account: "111111111111", Region: "us-east-1"}
	in := input("v1")
	in.StackSet.AdministrationRoleARN = "arn:aws:iam::999999999999:role/AWSCloudFormationStackSetAdministrationRole"
	for _, run := range []func(context.Context, Input) (*Result, error){e.Preview, e.Deploy} {
		_, err := run(context.Background(), in)
		if !errors.Is(err, ErrAdminRoleAccount) || exitcode.Of(err) != exitcode.BadInput || !strings.Contains(err.Error(), "is in account 999999999999, not the calling account 111111111111") {
			t.Errorf("got %v (exit %d), want exit 2 naming both accounts", err, exitcode.Of(err))
		}
	}
	in.StackSet.AdministrationRoleARN = "arn:aws:iam::111111111111:role/AWSCloudFormationStackSetAdministrationRole"
	if err := e.checkAdminRole(in.StackSet.AdministrationRoleARN); err != nil {
		t.Errorf("a role of the calling account: %v", err)
	}
}

// The preview names tag and capability changes, as it does parameters.
func TestPreviewComparesTagsAndCapabilities(t *testing.T) {
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	cur := &types.StackSet{TemplateBody: aws.String(template), Tags: []types.Tag{tag("team", "a"), tag("old", "x")},
		Capabilities: []types.Capability{types.CapabilityCapabilityIam}}
	d := Definition{Template: template, Tags: []types.Tag{tag("team", "b"), tag("cost", "1")},
		Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}}
	want := []string{"tag team", "tag cost added", "tag old removed", "capabilities [CAPABILITY_NAMED_IAM] (now [CAPABILITY_IAM])"}
	if diff := cmp.Diff(want, diffStackSet(d, cur)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	d = Definition{Template: template, Capabilities: []types.Capability{types.CapabilityCapabilityIam}}
	if got := diffStackSet(d, cur); len(got) != 0 {
		t.Errorf("no --tag and the same capabilities: %v, want nothing (tags are kept)", got)
	}
}
