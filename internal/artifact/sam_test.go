package artifact

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// A SAM app packaged by Package deploys on the emulator, whose wrapper
// applies the SAM transform with aws-sam-translator.
func TestEmulatorPackagedSAMAppDeploys(t *testing.T) {
	e := newEmulator(t)
	ctx := context.Background()
	e.bucket(t, "artifacts", "us-east-1")
	dir := t.TempDir()
	write(t, dir, "hello/app.py", "def handler(event, context):\n    return 'hi'\n")
	tpl := write(t, dir, "template.yaml", `Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello/
      Handler: app.handler
      Runtime: python3.12
`)
	res, err := Package(ctx, e.s3, tpl, Options{Bucket: "artifacts", Region: "us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfn := cloudformation.NewFromConfig(e.direct)
	_, err = cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("sam-app"), TemplateBody: aws.String(string(res.Template)),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityAutoExpand}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := cfn.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String("sam-app")})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.StackResources {
			if aws.ToString(r.LogicalResourceId) == "Hello" && aws.ToString(r.ResourceType) == "AWS::Lambda::Function" && r.ResourceStatus == cfntypes.ResourceStatusCreateComplete {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Lambda function from the SAM app: %+v", out.StackResources)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
