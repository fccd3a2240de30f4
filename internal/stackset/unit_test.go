package stackset

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/targets"
)

// fakeAPI answers a new service-managed StackSet: it does not exist, every
// operation succeeds at once, and the inputs are kept.
type fakeAPI struct {
	API     // unset methods panic if called; the test calls only these
	create  *cloudformation.CreateStackSetInput
	creates []*cloudformation.CreateStackInstancesInput
}

func (f *fakeAPI) DescribeStackSet(context.Context, *cloudformation.DescribeStackSetInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackSetOutput, error) {
	return nil, &types.StackSetNotFoundException{Message: aws.String("StackSet demo not found")}
}

func (f *fakeAPI) CreateStackSet(_ context.Context, in *cloudformation.CreateStackSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackSetOutput, error) {
	f.create = in
	return &cloudformation.CreateStackSetOutput{StackSetId: aws.String("demo:1")}, nil
}

func (f *fakeAPI) CreateStackInstances(_ context.Context, in *cloudformation.CreateStackInstancesInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackInstancesOutput, error) {
	f.creates = append(f.creates, in)
	return &cloudformation.CreateStackInstancesOutput{OperationId: in.OperationId}, nil
}

func (f *fakeAPI) DescribeStackSetOperation(_ context.Context, in *cloudformation.DescribeStackSetOperationInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackSetOperationOutput, error) {
	return &cloudformation.DescribeStackSetOperationOutput{StackSetOperation: &types.StackSetOperation{OperationId: in.OperationId, Status: types.StackSetOperationStatusSucceeded}}, nil
}

func (f *fakeAPI) ListStackSetOperationResults(context.Context, *cloudformation.ListStackSetOperationResultsInput, ...func(*cloudformation.Options)) (*cloudformation.ListStackSetOperationResultsOutput, error) {
	return &cloudformation.ListStackSetOperationResultsOutput{Summaries: []types.StackSetOperationResultSummary{
		{Account: aws.String("111111111111"), OrganizationalUnitId: aws.String("ou-ab12-cdef3456"), Region: aws.String("eu-west-1"), Status: types.StackSetOperationResultStatusSucceeded},
	}}, nil
}

func (f *fakeAPI) ListStackInstances(context.Context, *cloudformation.ListStackInstancesInput, ...func(*cloudformation.Options)) (*cloudformation.ListStackInstancesOutput, error) {
	return &cloudformation.ListStackInstancesOutput{}, nil
}

// moto rejects organizational units it has no organisation for, so the
// service-managed request shape is checked here, against the API reference.
func TestServiceManagedTargetsAreOrganizationalUnits(t *testing.T) {
	f := &fakeAPI{}
	e := &Engine{CFN: f, Log: zerolog.Nop(), NewOperationID: func() string { return "op-1" }}
	in := Input{
		StackSet: Definition{Name: "demo", Template: template, Permission: ServiceManaged, CallAs: types.CallAsDelegatedAdmin,
			AutoDeployment: &AutoDeployment{Enabled: true, RetainStacksOnAccountRemoval: false}},
		Waves:       []Wave{{Name: "all", Targets: []Target{{Account: "ou-ab12-cdef3456", Region: "eu-west-1"}}}},
		Preferences: Preferences{MaxConcurrency: Limit{N: 25, Percent: true}, FailureTolerance: Limit{N: 10, Percent: true}, RegionOrder: []string{"eu-west-1"}, Parallel: true},
	}
	res, err := e.Deploy(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if f.create.PermissionModel != types.PermissionModelsServiceManaged || !aws.ToBool(f.create.AutoDeployment.Enabled) ||
		f.create.CallAs != types.CallAsDelegatedAdmin || !aws.ToBool(f.create.ManagedExecution.Active) {
		t.Errorf("CreateStackSet %+v: want service-managed, auto-deployment on, delegated admin, managed execution", f.create)
	}
	if len(f.creates) != 1 {
		t.Fatalf("%d CreateStackInstances, want 1", len(f.creates))
	}
	c := f.creates[0]
	if c.Accounts != nil || c.DeploymentTargets == nil || !cmp.Equal(c.DeploymentTargets.OrganizationalUnitIds, []string{"ou-ab12-cdef3456"}) {
		t.Errorf("targets: accounts %v, deployment targets %+v; want the OU only", c.Accounts, c.DeploymentTargets)
	}
	p := c.OperationPreferences
	if aws.ToInt32(p.MaxConcurrentPercentage) != 25 || aws.ToInt32(p.FailureTolerancePercentage) != 10 || p.MaxConcurrentCount != nil ||
		p.ConcurrencyMode != types.ConcurrencyModeSoftFailureTolerance || p.RegionConcurrencyType != types.RegionConcurrencyTypeParallel {
		t.Errorf("preferences %+v: want 25%% / 10%%, soft tolerance, parallel regions", p)
	}
	if aws.ToString(c.OperationId) != "op-1" {
		t.Errorf("operation id %q, want op-1", aws.ToString(c.OperationId))
	}
	if len(res.Rows) != 1 || res.Rows[0].OU != "ou-ab12-cdef3456" || res.Rows[0].Outcome != Succeeded {
		t.Errorf("rows %+v: want one succeeded row for the OU", res.Rows)
	}
}

func TestValidateRefusesMixedTargets(t *testing.T) {
	in := input("v1")
	in.Waves[0].Targets = append(in.Waves[0].Targets, Target{Account: "ou-ab12-cdef3456", Region: "us-east-1"})
	if err := in.Validate(); err == nil {
		t.Error("an OU in a self-managed stack set was accepted")
	}
	in = input("v1")
	in.Waves[1].Targets = append(in.Waves[1].Targets, in.Waves[0].Targets[0])
	if err := in.Validate(); err == nil {
		t.Error("a target in two waves was accepted")
	}
}

func TestGroupsAreCrossProducts(t *testing.T) {
	items := []*item{
		{target: Target{Account: "1", Region: "a"}}, {target: Target{Account: "1", Region: "b"}},
		{target: Target{Account: "2", Region: "b"}}, {target: Target{Account: "2", Region: "a"}},
		{target: Target{Account: "3", Region: "a"}},
		{target: Target{Account: "4", Region: "a", Overrides: []types.Parameter{param("Env", "x")}}},
	}
	var got [][2][]string
	for _, g := range groupItems(items) {
		got = append(got, [2][]string{g.accounts, g.regions})
	}
	want := [][2][]string{{{"1", "2"}, {"a", "b"}}, {{"3"}, {"a"}}, {{"4"}, {"a"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestLimits(t *testing.T) {
	for s, want := range map[string]Limit{"8": {N: 8}, "10%": {N: 10, Percent: true}, " 0 ": {}} {
		if got, err := ParseLimit(s); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "x", "-1", "101%"} {
		if _, err := ParseLimit(s); err == nil {
			t.Errorf("ParseLimit(%q) accepted", s)
		}
	}
	if got := (Limit{N: 10, Percent: true}).Of(25); got != 2 {
		t.Errorf("10%% of 25 = %d, want 2 (rounded down as StackSets does)", got)
	}
}

func TestFromTargetsKeepsWavesAndReadsOverrides(t *testing.T) {
	f, err := targets.Parse([]byte(`max-concurrency: 8
failure-tolerance: "10%"
waves:
  - name: canary
    targets:
      - {account: "222222222222", regions: [us-east-1]}
  - name: prod
    targets:
      - {account: "333333333333", regions: [us-east-1, eu-west-1], parameters: [p.json]}
`), "targets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	waves, prefs, err := FromTargets(f, f.Plan(), func(files []string) ([]types.Parameter, error) {
		return []types.Parameter{param("Env", files[0])}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if prefs.MaxConcurrency != (Limit{N: 8}) || prefs.FailureTolerance != (Limit{N: 10, Percent: true}) {
		t.Errorf("preferences %+v", prefs)
	}
	if len(waves) != 2 || waves[0].Name != "canary" || len(waves[1].Targets) != 2 {
		t.Fatalf("waves %+v", waves)
	}
	if waves[0].Targets[0].Overrides != nil || aws.ToString(waves[1].Targets[1].Overrides[0].ParameterValue) != "p.json" {
		t.Errorf("overrides: canary %v, prod %v", waves[0].Targets[0].Overrides, waves[1].Targets[1].Overrides)
	}
	_, _, err = FromTargets(f, f.Plan(), func([]string) ([]types.Parameter, error) { return nil, errors.New("no such file") })
	if err == nil {
		t.Error("an unreadable parameter file was accepted")
	}
}
