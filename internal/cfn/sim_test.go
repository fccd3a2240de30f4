package cfn_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

const (
	arnPrefix = "arn:aws:cloudformation:eu-west-1:111122223333:"
	stackName = "app"
)

// sim plays one CloudFormation stack behind a fakeAPI, with the API
// reference's rules where the engine depends on them: a stack is described
// by name until deleted and by id after; a CREATE change set makes a
// REVIEW_IN_PROGRESS stack; executing a change set deletes the stack's other
// change sets; errors carry CloudFormation's codes and messages. An operation
// shows its events a few at a time, one batch per DescribeStackEvents call on
// the root stack, and the stack's status turns final with its last event.
// Tests override single functions of the fake for the rare answers.
type sim struct {
	t         testing.TB
	api       *fakeAPI
	id        string            // current stack id; "" when never created
	status    types.StackStatus // "" when absent
	gone      map[string]bool   // ids of deleted stacks
	params    []types.Parameter
	output    []types.Output
	protected bool // termination protection

	declared []types.ParameterDeclaration // GetTemplateSummary's parameters
	// compute says what a new change set holds: its changes, or the reason
	// it FAILED.
	compute    func(in *cloudformation.CreateChangeSetInput) (changes []types.Change, failed string)
	changeSets map[string]*simChangeSet
	csSeq      int

	// op is the operation running on the stack, nil when settled.
	op *operation
	// onExecute and onDelete build the operation an execution or a delete
	// starts; nil means one that succeeds.
	onExecute func(cs *simChangeSet) *operation
	onDelete  func() *operation

	events   map[string][]types.StackEvent // shown so far, oldest first, by stack id
	perPoll  int                           // events shown per root DescribeStackEvents call
	pageSize int                           // events and changes per page
	clock    time.Time
	seq      int
}

type simChangeSet struct {
	id, name, stackID string
	typ               types.ChangeSetType
	changes           []types.Change
	failed            string
	described         int
}

// operation is a stack operation in flight.
type operation struct {
	inProgress types.StackStatus
	final      types.StackStatus
	pending    []types.StackEvent // not yet shown, oldest first
	endless    bool               // never ends: a timeout or an interrupt stops the wait
}

func newSim(t testing.TB) *sim {
	s := &sim{
		t: t, api: newFakeAPI(t), gone: map[string]bool{},
		changeSets: map[string]*simChangeSet{}, events: map[string][]types.StackEvent{},
		perPoll: 2, pageSize: 3, clock: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		compute: func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) {
			return []types.Change{change("Bucket", types.ChangeActionModify, types.ReplacementFalse)}, ""
		},
	}
	f := s.api
	f.DescribeStacksFn = s.describeStacks
	f.DescribeStackEventsFn = s.describeStackEvents
	f.GetTemplateSummaryFn = func(context.Context, *cloudformation.GetTemplateSummaryInput) (*cloudformation.GetTemplateSummaryOutput, error) {
		return &cloudformation.GetTemplateSummaryOutput{Parameters: s.declared}, nil
	}
	f.CreateChangeSetFn = s.createChangeSet
	f.DescribeChangeSetFn = s.describeChangeSet
	f.ExecuteChangeSetFn = s.executeChangeSet
	f.DeleteChangeSetFn = s.deleteChangeSet
	f.DeleteStackFn = s.deleteStack
	return s
}

// withStack makes the stack exist in status, with one old event.
func (s *sim) withStack(status types.StackStatus) *sim {
	s.id = s.newStackID()
	s.status = status
	s.show(s.rootEvent(status, ""))
	return s
}

func (s *sim) newStackID() string {
	s.seq++
	return fmt.Sprintf("%sstack/%s/%08d", arnPrefix, stackName, s.seq)
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

func change(logical string, action types.ChangeAction, repl types.Replacement) types.Change {
	return types.Change{Type: types.ChangeTypeResource, ResourceChange: &types.ResourceChange{
		Action: action, LogicalResourceId: aws.String(logical), ResourceType: aws.String("AWS::S3::Bucket"),
		PhysicalResourceId: aws.String("phys-" + logical), Replacement: repl,
	}}
}

// event stamps a new event of stack id; each is one second after the last.
func (s *sim) event(id, logical, typ string, status types.ResourceStatus, reason, phys string) types.StackEvent {
	s.seq++
	s.clock = s.clock.Add(time.Second)
	return types.StackEvent{
		EventId: aws.String(fmt.Sprintf("%s-%s-%d", logical, status, s.seq)), StackId: aws.String(id),
		StackName: aws.String(stackName), LogicalResourceId: aws.String(logical), ResourceType: aws.String(typ),
		ResourceStatus: status, ResourceStatusReason: optional(reason), PhysicalResourceId: aws.String(phys),
		Timestamp: aws.Time(s.clock),
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func (s *sim) rootEvent(status types.StackStatus, reason string) types.StackEvent {
	return s.event(s.id, stackName, "AWS::CloudFormation::Stack", types.ResourceStatus(status), reason, s.id)
}

func (s *sim) resourceEvent(logical string, status types.ResourceStatus, reason string) types.StackEvent {
	return s.event(s.id, logical, "AWS::S3::Bucket", status, reason, "phys-"+logical)
}

// succeeding is an operation that goes from inProgress to final through one
// resource.
func (s *sim) succeeding(inProgress, final types.StackStatus) *operation {
	res := types.ResourceStatus(inProgress)
	done := types.ResourceStatus(final)
	return &operation{inProgress: inProgress, final: final, pending: []types.StackEvent{
		s.rootEvent(inProgress, "User Initiated"),
		s.resourceEvent("Bucket", res, ""),
		s.resourceEvent("Bucket", done, ""),
		s.rootEvent(final, ""),
	}}
}

func (s *sim) start(op *operation) {
	s.op = op
	if op.endless || len(op.pending) == 0 {
		s.status = op.inProgress
	}
}

// show makes events visible at once.
func (s *sim) show(evs ...types.StackEvent) {
	for _, e := range evs {
		id := aws.ToString(e.StackId)
		s.events[id] = append(s.events[id], e)
	}
}

// advance shows the running operation's next batch of events and settles
// the stack with the last one.
func (s *sim) advance() {
	if s.op == nil || s.op.endless {
		return
	}
	n := min(s.perPoll, len(s.op.pending))
	s.show(s.op.pending[:n]...)
	s.op.pending = s.op.pending[n:]
	if len(s.op.pending) == 0 {
		s.status = s.op.final
		s.op = nil
		if s.status == types.StackStatusDeleteComplete {
			s.gone[s.id] = true
		}
	}
}

func (s *sim) current() types.StackStatus {
	if s.op != nil {
		return s.op.inProgress
	}
	return s.status
}

func (s *sim) describeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("operation error CloudFormation: DescribeStacks: %w", err)
	}
	name := aws.ToString(in.StackName)
	switch {
	case s.gone[name] && name != s.id:
		return &cloudformation.DescribeStacksOutput{Stacks: []types.Stack{{
			StackId: aws.String(name), StackName: aws.String(stackName), StackStatus: types.StackStatusDeleteComplete,
		}}}, nil
	case s.id == "" || (name != s.id && name != stackName) || (name == stackName && (s.status == "" || s.gone[s.id])):
		return nil, apiError("ValidationError", fmt.Sprintf("Stack with id %s does not exist", name))
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []types.Stack{{
		StackId: aws.String(s.id), StackName: aws.String(stackName), StackStatus: s.current(),
		Parameters: s.params, Outputs: s.output, EnableTerminationProtection: aws.Bool(s.protected),
	}}}, nil
}

func (s *sim) describeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput) (*cloudformation.DescribeStackEventsOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("operation error CloudFormation: DescribeStackEvents: %w", err)
	}
	id := aws.ToString(in.StackName)
	if id == s.id && in.NextToken == nil {
		s.advance()
	}
	shown := s.events[id]
	if shown == nil {
		return nil, apiError("ValidationError", fmt.Sprintf("Stack [%s] does not exist", id))
	}
	newest := slices.Clone(shown)
	slices.Reverse(newest)
	from := 0
	if in.NextToken != nil {
		from, _ = strconv.Atoi(aws.ToString(in.NextToken))
	}
	out := &cloudformation.DescribeStackEventsOutput{}
	to := min(from+s.pageSize, len(newest))
	out.StackEvents = newest[from:to]
	if to < len(newest) {
		out.NextToken = aws.String(strconv.Itoa(to))
	}
	return out, nil
}

func (s *sim) createChangeSet(_ context.Context, in *cloudformation.CreateChangeSetInput) (*cloudformation.CreateChangeSetOutput, error) {
	name := aws.ToString(in.ChangeSetName)
	exists := s.status != "" && !s.gone[s.id]
	switch {
	case in.ChangeSetType == types.ChangeSetTypeCreate && exists && s.status != types.StackStatusReviewInProgress:
		return nil, apiError("ValidationError", fmt.Sprintf("Stack [%s] already exists and cannot be created again with the changeSet [%s].", stackName, name))
	case in.ChangeSetType == types.ChangeSetTypeUpdate && !exists:
		return nil, apiError("ValidationError", fmt.Sprintf("Stack [%s] does not exist", stackName))
	case in.ChangeSetType == types.ChangeSetTypeCreate && !exists:
		s.id = s.newStackID()
		s.status = types.StackStatusReviewInProgress
		s.show(s.rootEvent(s.status, "User Initiated"))
	}
	s.csSeq++
	cs := &simChangeSet{id: fmt.Sprintf("%schangeSet/%s/%d", arnPrefix, name, s.csSeq), name: name, stackID: s.id, typ: in.ChangeSetType}
	cs.changes, cs.failed = s.compute(in)
	s.changeSets[cs.id] = cs
	return &cloudformation.CreateChangeSetOutput{Id: aws.String(cs.id), StackId: aws.String(s.id)}, nil
}

func changeSetNotFound(id string) error {
	return apiError("ChangeSetNotFound", fmt.Sprintf("ChangeSet [%s] does not exist", id))
}

func (s *sim) describeChangeSet(_ context.Context, in *cloudformation.DescribeChangeSetInput) (*cloudformation.DescribeChangeSetOutput, error) {
	cs := s.changeSets[aws.ToString(in.ChangeSetName)]
	if cs == nil {
		return nil, changeSetNotFound(aws.ToString(in.ChangeSetName))
	}
	cs.described++
	out := &cloudformation.DescribeChangeSetOutput{
		ChangeSetId: aws.String(cs.id), ChangeSetName: aws.String(cs.name), StackId: aws.String(cs.stackID),
		StackName: aws.String(stackName), Status: types.ChangeSetStatusCreateComplete,
	}
	switch {
	case cs.described == 1: // the first look finds it still being computed
		out.Status = types.ChangeSetStatusCreateInProgress
		return out, nil
	case cs.failed != "":
		out.Status, out.StatusReason = types.ChangeSetStatusFailed, aws.String(cs.failed)
		return out, nil
	}
	from := 0
	if in.NextToken != nil {
		from, _ = strconv.Atoi(aws.ToString(in.NextToken))
	}
	to := min(from+s.pageSize, len(cs.changes))
	out.Changes = cs.changes[from:to]
	if to < len(cs.changes) {
		out.NextToken = aws.String(strconv.Itoa(to))
	}
	return out, nil
}

func (s *sim) executeChangeSet(_ context.Context, in *cloudformation.ExecuteChangeSetInput) (*cloudformation.ExecuteChangeSetOutput, error) {
	cs := s.changeSets[aws.ToString(in.ChangeSetName)]
	if cs == nil {
		return nil, changeSetNotFound(aws.ToString(in.ChangeSetName))
	}
	for id, other := range s.changeSets {
		if other.stackID == cs.stackID {
			delete(s.changeSets, id)
		}
	}
	op := (*operation)(nil)
	if s.onExecute != nil {
		op = s.onExecute(cs)
	} else if cs.typ == types.ChangeSetTypeCreate {
		op = s.succeeding(types.StackStatusCreateInProgress, types.StackStatusCreateComplete)
	} else {
		op = s.succeeding(types.StackStatusUpdateInProgress, types.StackStatusUpdateComplete)
	}
	s.start(op)
	return &cloudformation.ExecuteChangeSetOutput{}, nil
}

func (s *sim) deleteChangeSet(_ context.Context, in *cloudformation.DeleteChangeSetInput) (*cloudformation.DeleteChangeSetOutput, error) {
	id := aws.ToString(in.ChangeSetName)
	if s.changeSets[id] == nil {
		return nil, changeSetNotFound(id)
	}
	delete(s.changeSets, id)
	return &cloudformation.DeleteChangeSetOutput{}, nil
}

func (s *sim) deleteStack(_ context.Context, in *cloudformation.DeleteStackInput) (*cloudformation.DeleteStackOutput, error) {
	if name := aws.ToString(in.StackName); name != s.id && name != stackName {
		return nil, fmt.Errorf("sim: delete of unknown stack %s", name)
	}
	if s.status == types.StackStatusReviewInProgress {
		s.status = types.StackStatusDeleteComplete
		s.gone[s.id] = true
		return &cloudformation.DeleteStackOutput{}, nil
	}
	if s.onDelete != nil {
		s.start(s.onDelete())
	} else {
		s.start(s.succeeding(types.StackStatusDeleteInProgress, types.StackStatusDeleteComplete))
	}
	return &cloudformation.DeleteStackOutput{}, nil
}
