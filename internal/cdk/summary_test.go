package cdk

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestTemplateSummaryOfARealTemplate: what GetTemplateSummary would say of
// FnStack's synthesized template, read from the JSON: its CfnParameter, the
// SSM-typed BootstrapVersion with its "[cdk:skip]" description, and every
// resource type once.
func TestTemplateSummaryOfARealTemplate(t *testing.T) {
	body, err := os.ReadFile(realApp(t).Stack("FnStack").TemplateFile)
	if err != nil {
		t.Fatal(err)
	}
	got := templateSummary(body)
	if got == nil {
		t.Fatal("no summary of a plain CDK template; want one")
	}
	want := []types.ParameterDeclaration{
		{ParameterKey: aws.String("BootstrapVersion"), ParameterType: aws.String("AWS::SSM::Parameter::Value<String>"),
			DefaultValue: aws.String("/cdk-bootstrap/hnb659fds/version"), NoEcho: aws.Bool(false),
			Description: aws.String("Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]")},
		{ParameterKey: aws.String("Greeting"), ParameterType: aws.String("String"), DefaultValue: aws.String("hello"), NoEcho: aws.Bool(false)},
	}
	if diff := cmp.Diff(want, got.Parameters, cmpopts.IgnoreUnexported(types.ParameterDeclaration{})); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AWS::IAM::Role", "AWS::Lambda::Function"}, got.ResourceTypes); diff != "" {
		t.Errorf("resource types (-want +got):\n%s", diff)
	}
	if len(got.Capabilities) > 0 || len(got.DeclaredTransforms) > 0 {
		t.Errorf("capabilities %v, transforms %v; want none (a CDK stack is deployed with all three)", got.Capabilities, got.DeclaredTransforms)
	}
}

// TestTemplateSummaryLeavesHardCasesToCloudFormation: whatever the JSON
// alone cannot answer exactly gets no local summary, so the deploy asks
// GetTemplateSummary as before.
func TestTemplateSummaryLeavesHardCasesToCloudFormation(t *testing.T) {
	for name, body := range map[string]string{
		"yaml":          "Resources:\n  T:\n    Type: AWS::SNS::Topic\n",
		"transform":     `{"Transform":"AWS::Serverless-2016-10-31","Resources":{}}`,
		"fn transform":  `{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"Fn::Transform":{"Name":"M"}}}}}`,
		"list default":  `{"Parameters":{"P":{"Type":"CommaDelimitedList","Default":["a","b"]}},"Resources":{}}`,
		"odd NoEcho":    `{"Parameters":{"P":{"Type":"String","NoEcho":"yes"}},"Resources":{}}`,
		"trailing data": `{"Resources":{}} {}`,
	} {
		if got := templateSummary([]byte(body)); got != nil {
			t.Errorf("%s: a local summary %+v; want none", name, got)
		}
	}
	got := templateSummary([]byte(`{"Parameters":{"N":{"Type":"Number","Default":5},"S":{"Type":"String","NoEcho":"true"},"B":{"Type":"String","NoEcho":true,"Default":"x"}},"Resources":{}}`))
	if got == nil {
		t.Fatal("no summary of plain parameters; want one")
	}
	want := []types.ParameterDeclaration{
		{ParameterKey: aws.String("B"), ParameterType: aws.String("String"), DefaultValue: aws.String("x"), NoEcho: aws.Bool(true)},
		{ParameterKey: aws.String("N"), ParameterType: aws.String("Number"), DefaultValue: aws.String("5"), NoEcho: aws.Bool(false)},
		{ParameterKey: aws.String("S"), ParameterType: aws.String("String"), NoEcho: aws.Bool(true)},
	}
	if diff := cmp.Diff(want, got.Parameters, cmpopts.IgnoreUnexported(types.ParameterDeclaration{})); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
}
