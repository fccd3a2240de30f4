package stackset

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

func TestBuildOverridesTheFilesLimitsAndSetsServiceManaged(t *testing.T) {
	r := Request{
		Definition:     Definition{Name: "app", Template: "Resources: {}", Tags: []types.Tag{}},
		Capabilities:   []string{"CAPABILITY_IAM"},
		ServiceManaged: true, AutoDeployment: "on", RetainStacksOnAccountRemoval: true,
		Removal: RemoveDelete, Parallel: true,
		MaxConcurrency: &Limit{N: 3},
	}
	waves := []Wave{{Name: "one", Targets: []Target{{Account: "ou-abcd-11111111", Region: "eu-west-1"}}}}
	in, err := Build(r, waves, Preferences{MaxConcurrency: Limit{N: 1}, FailureTolerance: Limit{N: 2}})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if in.StackSet.Tags != nil {
		t.Errorf("tags = %v, want nil (no --tag keeps the StackSet's)", in.StackSet.Tags)
	}
	if got := in.StackSet.Permission; got != ServiceManaged {
		t.Errorf("permission = %q, want %q", got, ServiceManaged)
	}
	if a := in.StackSet.AutoDeployment; a == nil || !a.Enabled || !a.RetainStacksOnAccountRemoval {
		t.Errorf("auto deployment = %+v, want enabled and retaining", a)
	}
	if got := in.Preferences; got.MaxConcurrency.N != 3 || got.FailureTolerance.N != 2 || !got.Parallel {
		t.Errorf("preferences = %+v, want the flag's concurrency, the file's tolerance, parallel", got)
	}
	if len(in.StackSet.Capabilities) != 1 || in.StackSet.Capabilities[0] != types.CapabilityCapabilityIam {
		t.Errorf("capabilities = %v", in.StackSet.Capabilities)
	}
}

func TestBuildRefusesAnInvalidInput(t *testing.T) {
	if _, err := Build(Request{Definition: Definition{Name: "app"}}, nil, Preferences{}); err == nil {
		t.Fatal("Build with no template and no waves: nil error, want one")
	}
}
