package cfn_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/poll"
)

// reporter records what the engine reports; the engine may call it from any
// goroutine.
type reporter struct {
	mu         sync.Mutex
	changeSets [][]cfn.Change
	events     []types.StackEvent
}

func (r *reporter) ChangeSet(_ string, changes []cfn.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changeSets = append(r.changeSets, changes)
}

func (r *reporter) Event(e types.StackEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *reporter) eventIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return eventIDs(r.events)
}

func eventIDs(evs []types.StackEvent) []string {
	ids := []string{}
	for _, e := range evs {
		ids = append(ids, aws.ToString(e.EventId))
	}
	return ids
}

// tokens hands out token-1, token-2, ... and counts them.
type tokens struct {
	mu sync.Mutex
	n  int
}

func (tk *tokens) next() string {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	tk.n++
	return fmt.Sprintf("token-%d", tk.n)
}

func (tk *tokens) count() int {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	return tk.n
}

// fastBackoff polls every millisecond or two, so no test waits seconds.
func fastBackoff() *poll.Backoff {
	return &poll.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond, Factor: 1.5}
}

type harness struct {
	sim    *sim
	api    *fakeAPI
	runner *cfn.Runner
	report *reporter
	tokens *tokens
}

func newHarness(t *testing.T) *harness {
	s := newSim(t)
	h := &harness{sim: s, api: s.api, report: &reporter{}, tokens: &tokens{}}
	h.runner = &cfn.Runner{
		CFN: s.api, Log: zerolog.New(zerolog.NewTestWriter(t)), Report: h.report, Region: "eu-west-1",
		Backoff: fastBackoff, NewToken: h.tokens.next,
	}
	return h
}

func deployOptions() cfn.DeployOptions {
	return cfn.DeployOptions{
		Stack:         stackName,
		Template:      cfn.Template{Source: "template.yaml", Body: []byte("Resources: {}")},
		Inputs:        cfn.NewInputs(),
		ChangeSetName: "deploy-1",
	}
}

// ignoreSDK lets cmp compare SDK structs, whose unexported fields only mark
// them as not serialisable documents.
var ignoreSDK = cmpopts.IgnoreUnexported(
	cloudformation.CreateChangeSetInput{}, cloudformation.ExecuteChangeSetInput{}, cloudformation.DeleteStackInput{},
	types.Parameter{}, types.Tag{}, types.Output{},
)

func changeSetTypes(f *fakeAPI) []types.ChangeSetType {
	var out []types.ChangeSetType
	for _, in := range inputsOf[cloudformation.CreateChangeSetInput](f, "CreateChangeSet") {
		out = append(out, in.ChangeSetType)
	}
	return out
}

func TestSettleChoosesCreateOrUpdate(t *testing.T) {
	cases := map[string]struct {
		setup      func(s *sim)
		wantType   types.ChangeSetType
		wantStatus string
		wantDelete bool // the old stack is deleted first
	}{
		"absent stack is created": {
			setup:    func(*sim) {},
			wantType: types.ChangeSetTypeCreate, wantStatus: "CREATE_COMPLETE",
		},
		"complete stack is updated": {
			setup:    func(s *sim) { s.withStack(types.StackStatusUpdateComplete) },
			wantType: types.ChangeSetTypeUpdate, wantStatus: "UPDATE_COMPLETE",
		},
		"review stack never executed is created with a new change set": {
			setup:    func(s *sim) { s.withStack(types.StackStatusReviewInProgress) },
			wantType: types.ChangeSetTypeCreate, wantStatus: "CREATE_COMPLETE",
		},
		"stack in progress is waited for, then updated": {
			setup: func(s *sim) {
				s.withStack(types.StackStatusCreateComplete)
				s.start(s.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete))
			},
			wantType: types.ChangeSetTypeUpdate, wantStatus: "UPDATE_COMPLETE",
		},
		"failed first create is deleted and created again": {
			setup:    func(s *sim) { s.withStack(types.StackStatusRollbackComplete) },
			wantType: types.ChangeSetTypeCreate, wantStatus: "CREATE_COMPLETE", wantDelete: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			tc.setup(h.sim)
			before := h.sim.id
			o := deployOptions()
			o.ExecRoleARN = "arn:aws:iam::111122223333:role/cfn-exec"

			res, err := h.runner.Deploy(context.Background(), o)
			if err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			if got := changeSetTypes(h.api); !cmp.Equal(got, []types.ChangeSetType{tc.wantType}) {
				t.Errorf("change set types = %v, want [%s]", got, tc.wantType)
			}
			if res.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s", res.Status, tc.wantStatus)
			}
			deletes := inputsOf[cloudformation.DeleteStackInput](h.api, "DeleteStack")
			if !tc.wantDelete {
				if len(deletes) > 0 {
					t.Errorf("DeleteStack called %d times, want none", len(deletes))
				}
				return
			}
			want := []*cloudformation.DeleteStackInput{{StackName: aws.String(before), RoleARN: aws.String(o.ExecRoleARN)}}
			if diff := cmp.Diff(want, deletes, ignoreSDK); diff != "" {
				t.Errorf("DeleteStack inputs (-want +got):\n%s", diff)
			}
			if h.sim.id == before {
				t.Errorf("the stack was not created anew: id still %s", before)
			}
		})
	}
}

// The wait for another operation ends only when DescribeStacks says so, and
// that operation's events are reported as they come.
func TestSettleWaitsForOperationInProgress(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusCreateComplete)
	other := h.sim.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete)
	otherIDs := eventIDs(other.pending)
	h.sim.start(other)
	var ourIDs []string
	h.sim.onExecute = func(*simChangeSet) *operation {
		op := h.sim.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete)
		ourIDs = eventIDs(op.pending)
		return op
	}
	var seen []types.StackStatus
	describe := h.api.DescribeStacksFn
	h.api.DescribeStacksFn = func(ctx context.Context, in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
		out, err := describe(ctx, in)
		if err == nil && h.api.count("CreateChangeSet") == 0 {
			seen = append(seen, out.Stacks[0].StackStatus)
		}
		return out, err
	}

	if _, err := h.runner.Deploy(context.Background(), deployOptions()); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if len(seen) < 2 || seen[0] != types.StackStatusUpdateInProgress || seen[len(seen)-1] != types.StackStatusUpdateComplete {
		t.Errorf("statuses seen before the change set = %v, want UPDATE_IN_PROGRESS first and UPDATE_COMPLETE last", seen)
	}
	// The first batch existed when the wait began: it belongs to no
	// operation of ours and is not reported.
	want := append(otherIDs[h.sim.perPoll:], ourIDs...)
	if diff := cmp.Diff(want, h.report.eventIDs()); diff != "" {
		t.Errorf("events reported (-want +got):\n%s", diff)
	}
}

func TestSettleRefusals(t *testing.T) {
	cases := map[string]struct {
		status     types.StackStatus
		noRecreate bool
		wantCode   int
		wantIn     []string
	}{
		"rollback complete with no-recreate": {
			status: types.StackStatusRollbackComplete, noRecreate: true, wantCode: exitcode.GuardRefuse,
			wantIn: []string{"ROLLBACK_COMPLETE", "--no-recreate"},
		},
		"update rollback failed": {
			status: types.StackStatusUpdateRollbackFailed, wantCode: exitcode.Failed,
			wantIn: []string{"UPDATE_ROLLBACK_FAILED", "aws cloudformation continue-update-rollback --stack-name app --role-arn arn:aws:iam::111122223333:role/cfn-exec"},
		},
		"delete failed": {
			status: types.StackStatusDeleteFailed, wantCode: exitcode.Failed,
			wantIn: []string{"DELETE_FAILED", "--retain"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(tc.status)
			o := deployOptions()
			o.NoRecreate = tc.noRecreate
			o.ExecRoleARN = "arn:aws:iam::111122223333:role/cfn-exec"

			_, err := h.runner.Deploy(context.Background(), o)
			if err == nil {
				t.Fatal("Deploy succeeded, want a refusal")
			}
			if got := exitcode.Of(err); got != tc.wantCode {
				t.Errorf("exit code = %d, want %d (%v)", got, tc.wantCode, err)
			}
			for _, want := range tc.wantIn {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			// The summary is read in the same round trip as the stack.
			var got []string
			for _, m := range h.api.methods() {
				if m != "GetTemplateSummary" {
					got = append(got, m)
				}
			}
			if want := []string{"DescribeStacks"}; !cmp.Equal(got, want) {
				t.Errorf("calls = %v, want %v and reads: nothing touched", h.api.methods(), want)
			}
		})
	}
}

func TestCreateChangeSetInput(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.params = []types.Parameter{
		{ParameterKey: aws.String("Env"), ParameterValue: aws.String("prod")},
		{ParameterKey: aws.String("Size"), ParameterValue: aws.String("3")},
	}
	h.sim.declared = []types.ParameterDeclaration{
		{ParameterKey: aws.String("Env")},
		{ParameterKey: aws.String("Size")},
		{ParameterKey: aws.String("Added"), DefaultValue: aws.String("x")},
	}
	o := deployOptions()
	o.ExecRoleARN = "arn:aws:iam::111122223333:role/cfn-exec"
	o.Capabilities = []string{"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}
	o.NotificationARNs = []string{"arn:aws:sns:eu-west-1:111122223333:events"}
	o.Inputs.Values["Env"] = "staging"
	o.Inputs.Tags = map[string]string{"team": "web", "env": "from-config"}
	o.Tags = map[string]string{"env": "from-flag", "cost": "42"}
	o.DisableRollback = true

	if _, err := h.runner.Deploy(context.Background(), o); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	want := []*cloudformation.CreateChangeSetInput{{
		StackName:     aws.String(stackName),
		ChangeSetName: aws.String("deploy-1"),
		ChangeSetType: types.ChangeSetTypeUpdate,
		ClientToken:   aws.String("token-1"),
		RoleARN:       aws.String(o.ExecRoleARN),
		Capabilities:  []types.Capability{types.CapabilityCapabilityIam, types.CapabilityCapabilityAutoExpand},
		Parameters: []types.Parameter{
			{ParameterKey: aws.String("Env"), ParameterValue: aws.String("staging")},
			{ParameterKey: aws.String("Size"), UsePreviousValue: aws.Bool(true)},
		},
		Tags: []types.Tag{
			{Key: aws.String("cost"), Value: aws.String("42")},
			{Key: aws.String("env"), Value: aws.String("from-flag")},
			{Key: aws.String("team"), Value: aws.String("web")},
		},
		NotificationARNs:    o.NotificationARNs,
		IncludeNestedStacks: aws.Bool(true),
		TemplateBody:        aws.String("Resources: {}"),
	}}
	got := inputsOf[cloudformation.CreateChangeSetInput](h.api, "CreateChangeSet")
	if diff := cmp.Diff(want, got, ignoreSDK, cmpopts.IgnoreFields(cloudformation.CreateChangeSetInput{}, "Description")); diff != "" {
		t.Errorf("CreateChangeSet input (-want +got):\n%s", diff)
	}
	wantExec := []*cloudformation.ExecuteChangeSetInput{{
		ChangeSetName:      aws.String(arnPrefix + "changeSet/deploy-1/1"),
		ClientRequestToken: aws.String("token-1"),
		DisableRollback:    aws.Bool(true),
	}}
	if diff := cmp.Diff(wantExec, inputsOf[cloudformation.ExecuteChangeSetInput](h.api, "ExecuteChangeSet"), ignoreSDK); diff != "" {
		t.Errorf("ExecuteChangeSet input (-want +got):\n%s", diff)
	}
}

// A parameter the stack had is unknown to a CREATE: on a recreated stack the
// previous value is gone, so no UsePreviousValue may be sent.
func TestCreateSendsNoPreviousValues(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusRollbackComplete)
	h.sim.params = []types.Parameter{{ParameterKey: aws.String("Env"), ParameterValue: aws.String("prod")}}
	h.sim.declared = []types.ParameterDeclaration{{ParameterKey: aws.String("Env"), DefaultValue: aws.String("dev")}}

	if _, err := h.runner.Deploy(context.Background(), deployOptions()); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	for _, in := range inputsOf[cloudformation.CreateChangeSetInput](h.api, "CreateChangeSet") {
		if len(in.Parameters) != 0 {
			t.Errorf("CREATE parameters = %v, want none (the default applies)", in.Parameters)
		}
	}
}

func TestNoChanges(t *testing.T) {
	outputs := []types.Output{{OutputKey: aws.String("Url"), OutputValue: aws.String("https://example.com")}}
	reasons := []string{
		"The submitted information didn't contain changes. Submit different information to create a change set.",
		"No updates are to be performed.",
	}
	for _, reason := range reasons {
		t.Run("change set FAILED: "+reason, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(types.StackStatusUpdateComplete)
			h.sim.output = outputs
			h.sim.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) { return nil, reason }

			res, err := h.runner.Deploy(context.Background(), deployOptions())
			if err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			want := &cfn.Result{NoChanges: true, Status: "UPDATE_COMPLETE", Outputs: outputs}
			if diff := cmp.Diff(want, res, ignoreSDK); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if n := h.api.count("DeleteChangeSet"); n != 1 {
				t.Errorf("DeleteChangeSet called %d times, want 1", n)
			}
			if len(h.sim.changeSets) != 0 {
				t.Errorf("change sets left: %d, want 0", len(h.sim.changeSets))
			}
			if n := h.api.count("ExecuteChangeSet"); n != 0 {
				t.Errorf("ExecuteChangeSet called %d times, want 0", n)
			}
		})
	}
	t.Run("CreateChangeSet refused: No updates are to be performed.", func(t *testing.T) {
		h := newHarness(t)
		h.sim.withStack(types.StackStatusUpdateComplete)
		h.sim.output = outputs
		h.api.CreateChangeSetFn = func(context.Context, *cloudformation.CreateChangeSetInput) (*cloudformation.CreateChangeSetOutput, error) {
			return nil, apiError("ValidationError", "No updates are to be performed.")
		}
		res, err := h.runner.Deploy(context.Background(), deployOptions())
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if !res.NoChanges || res.Status != "UPDATE_COMPLETE" || len(res.Outputs) != 1 {
			t.Errorf("result = %+v, want no changes with the stack's status and outputs", res)
		}
	})
	t.Run("fail on empty", func(t *testing.T) {
		h := newHarness(t)
		h.sim.withStack(types.StackStatusUpdateComplete)
		h.sim.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) { return nil, reasons[0] }
		o := deployOptions()
		o.FailOnEmpty = true

		res, err := h.runner.Deploy(context.Background(), o)
		if !errors.Is(err, cfn.ErrEmpty) {
			t.Fatalf("err = %v, want ErrEmpty", err)
		}
		if res == nil || !res.NoChanges {
			t.Errorf("result = %+v, want NoChanges", res)
		}
		if n := h.api.count("DeleteChangeSet"); n != 1 {
			t.Errorf("DeleteChangeSet called %d times, want 1", n)
		}
	})
}

// A change set that failed for another reason is an error, and is deleted.
func TestChangeSetFailed(t *testing.T) {
	h := newHarness(t)
	h.sim.withStack(types.StackStatusUpdateComplete)
	h.sim.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) {
		return nil, "Template error: instance of Fn::GetAtt references undefined resource Nope"
	}
	_, err := h.runner.Deploy(context.Background(), deployOptions())
	if err == nil || !strings.Contains(err.Error(), "undefined resource Nope") {
		t.Fatalf("err = %v, want the change set's reason", err)
	}
	if n := h.api.count("DeleteChangeSet"); n != 1 {
		t.Errorf("DeleteChangeSet called %d times, want 1", n)
	}
}
