package cfn_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/deployer-dev/deployer/internal/cfn"
)

// errUnexpected is what a method without a function returns, after failing
// the test, so the engine under test stops instead of going on with nil.
var errUnexpected = errors.New("fake: unexpected call")

// call is one recorded call: the method and the input it was given.
type call struct {
	Method string
	Input  any
}

// fakeAPI is a function-typed fake of cfn.API: each method calls its
// function, and a method whose function is nil fails the test. Every call is
// recorded under a mutex, so a test may read the record while the engine
// runs on another goroutine.
type fakeAPI struct {
	t testing.TB

	DescribeStacksFn              func(context.Context, *cloudformation.DescribeStacksInput) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEventsFn         func(context.Context, *cloudformation.DescribeStackEventsInput) (*cloudformation.DescribeStackEventsOutput, error)
	GetTemplateSummaryFn          func(context.Context, *cloudformation.GetTemplateSummaryInput) (*cloudformation.GetTemplateSummaryOutput, error)
	CreateChangeSetFn             func(context.Context, *cloudformation.CreateChangeSetInput) (*cloudformation.CreateChangeSetOutput, error)
	DescribeChangeSetFn           func(context.Context, *cloudformation.DescribeChangeSetInput) (*cloudformation.DescribeChangeSetOutput, error)
	ExecuteChangeSetFn            func(context.Context, *cloudformation.ExecuteChangeSetInput) (*cloudformation.ExecuteChangeSetOutput, error)
	DeleteChangeSetFn             func(context.Context, *cloudformation.DeleteChangeSetInput) (*cloudformation.DeleteChangeSetOutput, error)
	DeleteStackFn                 func(context.Context, *cloudformation.DeleteStackInput) (*cloudformation.DeleteStackOutput, error)
	UpdateTerminationProtectionFn func(context.Context, *cloudformation.UpdateTerminationProtectionInput) (*cloudformation.UpdateTerminationProtectionOutput, error)
	SetStackPolicyFn              func(context.Context, *cloudformation.SetStackPolicyInput) (*cloudformation.SetStackPolicyOutput, error)
	CancelUpdateStackFn           func(context.Context, *cloudformation.CancelUpdateStackInput) (*cloudformation.CancelUpdateStackOutput, error)

	mu    sync.Mutex
	calls []call
}

var _ cfn.API = (*fakeAPI)(nil)

func newFakeAPI(t testing.TB) *fakeAPI { return &fakeAPI{t: t} }

func (f *fakeAPI) record(method string, in any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{Method: method, Input: in})
}

// methods returns the names of the calls made so far, in order.
func (f *fakeAPI) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.calls))
	for i, c := range f.calls {
		out[i] = c.Method
	}
	return out
}

// inputs returns the inputs of every call of method, in order.
func (f *fakeAPI) inputs(method string) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []any
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c.Input)
		}
	}
	return out
}

// count returns how many times method was called.
func (f *fakeAPI) count(method string) int { return len(f.inputs(method)) }

// inputsOf returns the typed inputs of method's calls.
func inputsOf[T any](f *fakeAPI, method string) []*T {
	var out []*T
	for _, in := range f.inputs(method) {
		out = append(out, in.(*T))
	}
	return out
}

func (f *fakeAPI) unexpected(method string, in any) error {
	f.t.Errorf("unexpected call %s(%+v)", method, in)
	return errUnexpected
}

func (f *fakeAPI) DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.record("DescribeStacks", in)
	if f.DescribeStacksFn == nil {
		return nil, f.unexpected("DescribeStacks", in)
	}
	return f.DescribeStacksFn(ctx, in)
}

func (f *fakeAPI) DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	f.record("DescribeStackEvents", in)
	if f.DescribeStackEventsFn == nil {
		return nil, f.unexpected("DescribeStackEvents", in)
	}
	return f.DescribeStackEventsFn(ctx, in)
}

func (f *fakeAPI) GetTemplateSummary(ctx context.Context, in *cloudformation.GetTemplateSummaryInput, _ ...func(*cloudformation.Options)) (*cloudformation.GetTemplateSummaryOutput, error) {
	f.record("GetTemplateSummary", in)
	if f.GetTemplateSummaryFn == nil {
		return nil, f.unexpected("GetTemplateSummary", in)
	}
	return f.GetTemplateSummaryFn(ctx, in)
}

func (f *fakeAPI) CreateChangeSet(ctx context.Context, in *cloudformation.CreateChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error) {
	f.record("CreateChangeSet", in)
	if f.CreateChangeSetFn == nil {
		return nil, f.unexpected("CreateChangeSet", in)
	}
	return f.CreateChangeSetFn(ctx, in)
}

func (f *fakeAPI) DescribeChangeSet(ctx context.Context, in *cloudformation.DescribeChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error) {
	f.record("DescribeChangeSet", in)
	if f.DescribeChangeSetFn == nil {
		return nil, f.unexpected("DescribeChangeSet", in)
	}
	return f.DescribeChangeSetFn(ctx, in)
}

func (f *fakeAPI) ExecuteChangeSet(ctx context.Context, in *cloudformation.ExecuteChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error) {
	f.record("ExecuteChangeSet", in)
	if f.ExecuteChangeSetFn == nil {
		return nil, f.unexpected("ExecuteChangeSet", in)
	}
	return f.ExecuteChangeSetFn(ctx, in)
}

func (f *fakeAPI) DeleteChangeSet(ctx context.Context, in *cloudformation.DeleteChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error) {
	f.record("DeleteChangeSet", in)
	if f.DeleteChangeSetFn == nil {
		return nil, f.unexpected("DeleteChangeSet", in)
	}
	return f.DeleteChangeSetFn(ctx, in)
}

func (f *fakeAPI) DeleteStack(ctx context.Context, in *cloudformation.DeleteStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	f.record("DeleteStack", in)
	if f.DeleteStackFn == nil {
		return nil, f.unexpected("DeleteStack", in)
	}
	return f.DeleteStackFn(ctx, in)
}

func (f *fakeAPI) UpdateTerminationProtection(ctx context.Context, in *cloudformation.UpdateTerminationProtectionInput, _ ...func(*cloudformation.Options)) (*cloudformation.UpdateTerminationProtectionOutput, error) {
	f.record("UpdateTerminationProtection", in)
	if f.UpdateTerminationProtectionFn == nil {
		return nil, f.unexpected("UpdateTerminationProtection", in)
	}
	return f.UpdateTerminationProtectionFn(ctx, in)
}

func (f *fakeAPI) SetStackPolicy(ctx context.Context, in *cloudformation.SetStackPolicyInput, _ ...func(*cloudformation.Options)) (*cloudformation.SetStackPolicyOutput, error) {
	f.record("SetStackPolicy", in)
	if f.SetStackPolicyFn == nil {
		return nil, f.unexpected("SetStackPolicy", in)
	}
	return f.SetStackPolicyFn(ctx, in)
}

func (f *fakeAPI) CancelUpdateStack(ctx context.Context, in *cloudformation.CancelUpdateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CancelUpdateStackOutput, error) {
	f.record("CancelUpdateStack", in)
	if f.CancelUpdateStackFn == nil {
		return nil, f.unexpected("CancelUpdateStack", in)
	}
	return f.CancelUpdateStackFn(ctx, in)
}
