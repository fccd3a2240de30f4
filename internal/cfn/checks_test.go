package cfn_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// Bad input the template reveals is found before any change set exists.
func TestBadInputBeforeAnyChangeSet(t *testing.T) {
	cases := map[string]struct {
		summary *cloudformation.GetTemplateSummaryOutput
		values  map[string]string
		caps    []string
		wantIn  string
	}{
		"capability not acknowledged": {
			summary: &cloudformation.GetTemplateSummaryOutput{
				Capabilities:       []types.Capability{types.CapabilityCapabilityNamedIam},
				CapabilitiesReason: aws.String("The following resource(s) require capabilities: [AWS::IAM::Role]"),
			},
			caps:   []string{"CAPABILITY_IAM"},
			wantIn: "--capabilities CAPABILITY_NAMED_IAM",
		},
		"unknown parameter": {
			summary: &cloudformation.GetTemplateSummaryOutput{Parameters: []types.ParameterDeclaration{{ParameterKey: aws.String("Env")}}},
			values:  map[string]string{"Env": "prod", "Typo": "x"},
			wantIn:  "parameter Typo is not declared",
		},
		"required parameter missing": {
			summary: &cloudformation.GetTemplateSummaryOutput{Parameters: []types.ParameterDeclaration{{ParameterKey: aws.String("Env")}}},
			wantIn:  "parameter Env has no value",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.api.GetTemplateSummaryFn = func(context.Context, *cloudformation.GetTemplateSummaryInput) (*cloudformation.GetTemplateSummaryOutput, error) {
				return tc.summary, nil
			}
			o := deployOptions()
			o.Capabilities = tc.caps
			for k, v := range tc.values {
				o.Inputs.Values[k] = v
			}
			_, err := h.runner.Deploy(context.Background(), o)
			if got := exitcode.Of(err); got != exitcode.BadInput {
				t.Fatalf("exit code = %d, want %d (err %v)", got, exitcode.BadInput, err)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q does not contain %q", err, tc.wantIn)
			}
			if n := h.api.count("CreateChangeSet"); n != 0 {
				t.Errorf("CreateChangeSet called %d times, want 0", n)
			}
		})
	}
}

// uploader is a recording fake of cfn.TemplateUploader.
type uploader struct {
	mu     sync.Mutex
	stacks []string
	bodies [][]byte
}

func (u *uploader) UploadTemplate(_ context.Context, stack string, body []byte) (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.stacks, u.bodies = append(u.stacks, stack), append(u.bodies, body)
	return "https://s3.eu-west-1.amazonaws.com/artifacts/cfn/" + stack + "/t.template", nil
}

// A template over the inline limit goes through the uploader, and the
// change set names it by the URL the uploader returned.
func TestLargeTemplateIsUploaded(t *testing.T) {
	h := newHarness(t)
	up := &uploader{}
	h.runner.Uploader = up
	o := deployOptions()
	o.Template.Body = []byte("Resources: {}\n#" + strings.Repeat("x", cfn.MaxInlineTemplate))

	if _, err := h.runner.Deploy(context.Background(), o); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if len(up.stacks) != 1 || up.stacks[0] != "app" || string(up.bodies[0]) != string(o.Template.Body) {
		t.Fatalf("uploads %v, want the body of app once", up.stacks)
	}
	wantURL := "https://s3.eu-west-1.amazonaws.com/artifacts/cfn/app/t.template"
	for _, in := range inputsOf[cloudformation.CreateChangeSetInput](h.api, "CreateChangeSet") {
		if aws.ToString(in.TemplateURL) != wantURL || in.TemplateBody != nil {
			t.Errorf("CreateChangeSet template = URL %q body set %v, want URL %q only", aws.ToString(in.TemplateURL), in.TemplateBody != nil, wantURL)
		}
	}
}

// Without an uploader a large template is refused before any change set.
func TestLargeTemplateWithoutUploaderIsRefused(t *testing.T) {
	h := newHarness(t)
	o := deployOptions()
	o.Template.Body = []byte("Resources: {}\n#" + strings.Repeat("x", cfn.MaxInlineTemplate))
	if _, err := h.runner.Deploy(context.Background(), o); err == nil || !strings.Contains(err.Error(), "no artifact bucket") {
		t.Fatalf("got %v, want a refusal naming the missing bucket", err)
	}
	if n := h.api.count("CreateChangeSet"); n != 0 {
		t.Errorf("CreateChangeSet called %d times, want 0", n)
	}
}

// Termination protection and the stack policy are applied once the stack
// has settled, on a deploy and on a deploy that changed nothing.
func TestFinishAppliesProtectionAndPolicy(t *testing.T) {
	for _, noChanges := range []bool{false, true} {
		name := "deployed"
		if noChanges {
			name = "no changes"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.withStack(types.StackStatusUpdateComplete)
			if noChanges {
				h.sim.compute = func(*cloudformation.CreateChangeSetInput) ([]types.Change, string) {
					return nil, "No updates are to be performed."
				}
			}
			h.api.UpdateTerminationProtectionFn = func(context.Context, *cloudformation.UpdateTerminationProtectionInput) (*cloudformation.UpdateTerminationProtectionOutput, error) {
				return &cloudformation.UpdateTerminationProtectionOutput{}, nil
			}
			h.api.SetStackPolicyFn = func(context.Context, *cloudformation.SetStackPolicyInput) (*cloudformation.SetStackPolicyOutput, error) {
				return &cloudformation.SetStackPolicyOutput{}, nil
			}
			o := deployOptions()
			o.TermProtection = true
			o.Inputs.StackPolicy = `{"Statement":[]}`

			if _, err := h.runner.Deploy(context.Background(), o); err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			var got []string
			for _, in := range inputsOf[cloudformation.UpdateTerminationProtectionInput](h.api, "UpdateTerminationProtection") {
				got = append(got, aws.ToString(in.StackName), "protect="+map[bool]string{true: "on", false: "off"}[aws.ToBool(in.EnableTerminationProtection)])
			}
			for _, in := range inputsOf[cloudformation.SetStackPolicyInput](h.api, "SetStackPolicy") {
				got = append(got, aws.ToString(in.StackName), aws.ToString(in.StackPolicyBody))
			}
			want := []string{h.sim.id, "protect=on", h.sim.id, `{"Statement":[]}`}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("finish calls (-want +got):\n%s", diff)
			}
		})
	}
}
