package cfn_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// attempts returns the change set names and client tokens of every
// CreateChangeSet call.
func attempts(f *fakeAPI) (names, tokens []string) {
	for _, in := range inputsOf[cloudformation.CreateChangeSetInput](f, "CreateChangeSet") {
		names = append(names, aws.ToString(in.ChangeSetName))
		tokens = append(tokens, aws.ToString(in.ClientToken))
	}
	return names, tokens
}

// otherRunUpdates plays another run that updated the stack to the same
// template in the meantime: its execution deleted every other change set,
// and now nothing is left to change.
func (s *sim) otherRunUpdates() {
	s.show(s.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete).pending...)
	s.status = types.StackStatusUpdateComplete
	clear(s.changeSets)
	s.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) {
		return nil, "The submitted information didn't contain changes. Submit different information to create a change set."
	}
}

// ExecuteChangeSet answers as CloudFormation does when another run's
// execution overtook ours; the run starts over and ends truthfully.
func TestLostExecutionStartsOver(t *testing.T) {
	cases := map[string]func(id string) error{
		"change set gone": func(id string) error { return changeSetNotFound(id) },
		"change set obsolete": func(id string) error {
			return apiError("InvalidChangeSetStatus", fmt.Sprintf("ChangeSet [%s] cannot be executed in its current status of [OBSOLETE]", id))
		},
	}
	for name, refusal := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(types.StackStatusUpdateComplete)
			h.api.ExecuteChangeSetFn = func(_ context.Context, in *cloudformation.ExecuteChangeSetInput) (*cloudformation.ExecuteChangeSetOutput, error) {
				h.sim.otherRunUpdates()
				return nil, refusal(aws.ToString(in.ChangeSetName))
			}

			res, err := h.runner.Deploy(context.Background(), deployOptions())
			if err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			if !res.NoChanges || res.Status != "UPDATE_COMPLETE" {
				t.Errorf("result = %+v, want no changes on UPDATE_COMPLETE", res)
			}
			names, tokens := attempts(h.api)
			if diff := cmp.Diff([]string{"deploy-1", "deploy-1-2"}, names); diff != "" {
				t.Errorf("change set names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"token-1", "token-2"}, tokens); diff != "" {
				t.Errorf("client tokens (-want +got):\n%s", diff)
			}
			if n := h.api.count("ExecuteChangeSet"); n != 1 {
				t.Errorf("ExecuteChangeSet called %d times, want 1", n)
			}
		})
	}
}

// Two runs both saw no stack; the other created it first. Ours starts over,
// waits for that create, and updates.
func TestLostCreateStartsOverAsUpdate(t *testing.T) {
	h := newHarness(t)
	// Right after our first look: the summary is read on another goroutine
	// in the same round trip, and the sim is not safe for concurrent use.
	describe := h.api.DescribeStacksFn
	h.api.DescribeStacksFn = func(ctx context.Context, in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		out, err := describe(ctx, in)
		if h.api.count("DescribeStacks") == 1 {
			h.sim.withStack(types.StackStatusCreateInProgress)
			h.sim.start(h.sim.succeeding(types.StackStatusCreateInProgress, types.StackStatusCreateComplete))
		}
		return out, err
	}

	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if res.Status != "UPDATE_COMPLETE" {
		t.Errorf("status = %s, want UPDATE_COMPLETE", res.Status)
	}
	if diff := cmp.Diff([]types.ChangeSetType{types.ChangeSetTypeCreate, types.ChangeSetTypeUpdate}, changeSetTypes(h.api)); diff != "" {
		t.Errorf("change set types (-want +got):\n%s", diff)
	}
	names, tokens := attempts(h.api)
	if diff := cmp.Diff([]string{"deploy-1", "deploy-1-2"}, names); diff != "" {
		t.Errorf("change set names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"token-1", "token-2"}, tokens); diff != "" {
		t.Errorf("client tokens (-want +got):\n%s", diff)
	}
}

// Another run started an update between our look and our change set.
func TestBusyStackStartsOver(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	create := h.api.CreateChangeSetFn
	h.api.CreateChangeSetFn = func(ctx context.Context, in *cloudformation.CreateChangeSetInput) (*cloudformation.CreateChangeSetOutput, error) {
		if h.api.count("CreateChangeSet") == 1 {
			h.sim.start(h.sim.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete))
			return nil, apiError("ValidationError", fmt.Sprintf("Stack:%s is in UPDATE_IN_PROGRESS state and can not be updated.", h.sim.id))
		}
		return create(ctx, in)
	}

	res, err := h.runner.Deploy(context.Background(), deployOptions())
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if res.Status != "UPDATE_COMPLETE" || h.tokens.count() != 2 {
		t.Errorf("result = %+v after %d attempts, want UPDATE_COMPLETE after 2", res, h.tokens.count())
	}
}

// A livelock ends after a bounded number of attempts with the last error.
func TestLostRacesAreBounded(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.api.ExecuteChangeSetFn = func(_ context.Context, in *cloudformation.ExecuteChangeSetInput) (*cloudformation.ExecuteChangeSetOutput, error) {
		clear(h.sim.changeSets)
		return nil, changeSetNotFound(aws.ToString(in.ChangeSetName))
	}

	_, err := h.runner.Deploy(context.Background(), deployOptions())
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ChangeSetNotFound" {
		t.Fatalf("err = %v, want the last ChangeSetNotFound", err)
	}
	if got := exitcode.Of(err); got != exitcode.Failed {
		t.Errorf("exit code = %d, want %d", got, exitcode.Failed)
	}
	names, tokens := attempts(h.api)
	wantNames := []string{"deploy-1", "deploy-1-2", "deploy-1-3", "deploy-1-4", "deploy-1-5"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("change set names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"token-1", "token-2", "token-3", "token-4", "token-5"}, tokens); diff != "" {
		t.Errorf("client tokens (-want +got):\n%s", diff)
	}
	if h.tokens.count() != 5 {
		t.Errorf("NewToken called %d times, want 5", h.tokens.count())
	}
}

// An error that is not a lost race ends the run at once.
func TestOtherErrorsDoNotStartOver(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.api.ExecuteChangeSetFn = func(context.Context, *cloudformation.ExecuteChangeSetInput) (*cloudformation.ExecuteChangeSetOutput, error) {
		return nil, apiError("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]")
	}
	_, err := h.runner.Deploy(context.Background(), deployOptions())
	if err == nil || h.tokens.count() != 1 {
		t.Fatalf("err = %v after %d attempts, want the error after 1", err, h.tokens.count())
	}
	if len(h.sim.changeSets) != 0 {
		t.Errorf("change sets left: %d, want the unexecuted one deleted", len(h.sim.changeSets))
	}
}
