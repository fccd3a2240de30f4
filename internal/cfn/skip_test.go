package cfn

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// errStop ends a deploy at CreateChangeSet: these tests only ask whether one
// was made.
var errStop = errors.New("fake: stop at CreateChangeSet")

// skipFake is a function-typed fake of API and TemplateReader: each method
// the skip path can reach calls its function; any other method fails. It
// counts calls by method.
type skipFake struct {
	API // nil: a method outside the skip path panics, which fails the test

	describeStacks func() (*cloudformation.DescribeStacksOutput, error)
	summary        func() (*cloudformation.GetTemplateSummaryOutput, error)
	getTemplate    func() (*cloudformation.GetTemplateOutput, error)
	getPolicy      func() (*cloudformation.GetStackPolicyOutput, error)

	mu    sync.Mutex
	calls map[string]int
}

func (f *skipFake) count(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[m]++
}

func (f *skipFake) callCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.calls {
		out[k] = v
	}
	return out
}

func (f *skipFake) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.count("DescribeStacks")
	return f.describeStacks()
}

func (f *skipFake) GetTemplateSummary(context.Context, *cloudformation.GetTemplateSummaryInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateSummaryOutput, error) {
	f.count("GetTemplateSummary")
	return f.summary()
}

func (f *skipFake) GetTemplate(_ context.Context, in *cloudformation.GetTemplateInput, _ ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	f.count("GetTemplate")
	if in.TemplateStage != types.TemplateStageOriginal {
		return nil, errors.New("fake: expected stage Original")
	}
	return f.getTemplate()
}

func (f *skipFake) GetStackPolicy(context.Context, *cloudformation.GetStackPolicyInput, ...func(*cloudformation.Options)) (*cloudformation.GetStackPolicyOutput, error) {
	f.count("GetStackPolicy")
	return f.getPolicy()
}

func (f *skipFake) CreateChangeSet(context.Context, *cloudformation.CreateChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error) {
	f.count("CreateChangeSet")
	return nil, errStop
}

const deployedBody = `Parameters:
  Name:
    Type: String
  Size:
    Type: String
    Default: small
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Ref Name
`

// world is a deployed stack and the options that deployed it; each case
// changes one thing.
type world struct {
	stack   types.Stack
	summary cloudformation.GetTemplateSummaryOutput
	body    string // what GetTemplate returns
	policy  string // what GetStackPolicy returns
	opts    DeployOptions
}

func deployedWorld() *world {
	return &world{
		stack: types.Stack{
			StackName: aws.String("app"), StackId: aws.String("arn:aws:cloudformation:us-east-1:222222222222:stack/app/1"),
			StackStatus: types.StackStatusUpdateComplete,
			Parameters: []types.Parameter{
				{ParameterKey: aws.String("Name"), ParameterValue: aws.String("orders")},
				{ParameterKey: aws.String("Size"), ParameterValue: aws.String("small")},
			},
			Tags:             []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
			NotificationARNs: []string{"arn:aws:sns:us-east-1:222222222222:ops"},
			RoleARN:          aws.String("arn:aws:iam::222222222222:role/cfn-exec"),
			Capabilities:     []types.Capability{types.CapabilityCapabilityIam},
			Outputs:          []types.Output{{OutputKey: aws.String("TopicArn"), OutputValue: aws.String("arn:topic")}},
		},
		summary: cloudformation.GetTemplateSummaryOutput{
			Parameters: []types.ParameterDeclaration{
				{ParameterKey: aws.String("Name"), ParameterType: aws.String("String")},
				{ParameterKey: aws.String("Size"), ParameterType: aws.String("String"), DefaultValue: aws.String("small")},
			},
			ResourceTypes: []string{"AWS::SNS::Topic"},
		},
		body: deployedBody,
		opts: DeployOptions{
			Stack:            "app",
			Template:         Template{Source: "app.yaml", Body: []byte(deployedBody)},
			ExecRoleARN:      "arn:aws:iam::222222222222:role/cfn-exec",
			Inputs:           Inputs{Values: map[string]string{"Name": "orders"}, Tags: map[string]string{"team": "core"}},
			Capabilities:     []string{"CAPABILITY_IAM"},
			NotificationARNs: []string{"arn:aws:sns:us-east-1:222222222222:ops"},
			ChangeSetName:    "deployer-1",
		},
	}
}

// deploy runs Deploy against the world and returns the result, the error,
// the calls made and the debug log.
func (w *world) deploy(t *testing.T) (*Result, error, map[string]int, string) {
	t.Helper()
	f := &skipFake{
		calls: map[string]int{},
		describeStacks: func() (*cloudformation.DescribeStacksOutput, error) {
			return &cloudformation.DescribeStacksOutput{Stacks: []types.Stack{w.stack}}, nil
		},
		summary: func() (*cloudformation.GetTemplateSummaryOutput, error) { return &w.summary, nil },
		getTemplate: func() (*cloudformation.GetTemplateOutput, error) {
			return &cloudformation.GetTemplateOutput{TemplateBody: aws.String(w.body)}, nil
		},
		getPolicy: func() (*cloudformation.GetStackPolicyOutput, error) {
			if w.policy == "" {
				return &cloudformation.GetStackPolicyOutput{}, nil
			}
			return &cloudformation.GetStackPolicyOutput{StackPolicyBody: aws.String(w.policy)}, nil
		},
	}
	var log bytes.Buffer
	r := &Runner{CFN: f, Reader: f, Log: zerolog.New(&log).Level(zerolog.DebugLevel), Region: "us-east-1"}
	res, err := r.Deploy(context.Background(), w.opts)
	return res, err, f.callCounts(), log.String()
}

func TestIdenticalRedeploySkips(t *testing.T) {
	w := deployedWorld()
	res, err, calls, _ := w.deploy(t)
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{NoChanges: true, Skipped: true, Status: "UPDATE_COMPLETE", Outputs: w.stack.Outputs}
	if diff := cmp.Diff(want, res, cmp.AllowUnexported(types.Output{})); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	// Within the budget: one look, one summary, one template; no change set.
	if diff := cmp.Diff(map[string]int{"DescribeStacks": 1, "GetTemplateSummary": 1, "GetTemplate": 1}, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestSkipEquivalences(t *testing.T) {
	cases := map[string]func(w *world){
		"JSON template re-serialised": func(w *world) {
			w.opts.Template.Body = []byte(`{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}`)
			w.body = "{\n  \"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}\n}"
			w.stack.Parameters, w.summary.Parameters, w.opts.Inputs.Values = nil, nil, nil
		},
		"default kept": func(w *world) {}, // Size not given, stack has the default
		"previous value of a NoEcho parameter": func(w *world) {
			w.summary.Parameters[0].NoEcho = aws.Bool(true)
			w.stack.Parameters[0].ParameterValue = aws.String("****")
			delete(w.opts.Inputs.Values, "Name") // UsePreviousValue
		},
		"no execution role given keeps the stack's": func(w *world) { w.opts.ExecRoleARN = "" },
		// Capabilities acknowledge, they configure nothing: CloudFormation
		// answers a change set that differs only in them "didn't contain
		// changes" (and the CDK's canSkipDeploy never compares them).
		"all three capabilities over CAPABILITY_IAM": func(w *world) {
			w.opts.Capabilities = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}
		},
		"no capabilities over CAPABILITY_IAM": func(w *world) { w.opts.Capabilities = nil },
		"termination protection already on":   func(w *world) { w.opts.TermProtection, w.stack.EnableTerminationProtection = true, aws.Bool(true) },
		"same stack policy": func(w *world) {
			w.opts.Inputs.StackPolicy = `{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}]}`
			w.policy = "{\n \"Statement\" : [ {\"Effect\":\"Allow\", \"Action\":\"Update:*\", \"Principal\":\"*\", \"Resource\":\"*\"} ]\n}"
		},
		"content-addressed nested stack": func(w *world) {
			body := deployedBody + "  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://b.s3.us-east-1.amazonaws.com/p/" + strings.Repeat("ab", 32) + ".template\n"
			w.opts.Template.Body, w.body = []byte(body), body
			w.summary.ResourceTypes = append(w.summary.ResourceTypes, "AWS::CloudFormation::Stack")
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			w := deployedWorld()
			edit(w)
			res, err, calls, log := w.deploy(t)
			if err != nil || !res.Skipped || calls["CreateChangeSet"] != 0 {
				t.Errorf("not skipped: %v %+v %v\n%s", err, res, calls, log)
			}
		})
	}
}

func TestNoSkipWhenAChangeMayHide(t *testing.T) {
	cases := map[string]struct {
		edit   func(w *world)
		reason string // in the debug log
	}{
		"force":     {func(w *world) { w.opts.Force = true }, "--force"},
		"dry run":   {func(w *world) { w.opts.DryRun = true }, "dry run"},
		"template":  {func(w *world) { w.body = strings.Replace(deployedBody, "Topic:", "Queue:", 1) }, "template differs"},
		"parameter": {func(w *world) { w.opts.Inputs.Values["Name"] = "invoices" }, "parameter Name differs"},
		"parameter added": {func(w *world) {
			w.summary.Parameters = append(w.summary.Parameters, types.ParameterDeclaration{ParameterKey: aws.String("Extra"), DefaultValue: aws.String("x")})
		}, "parameter Extra is new"},
		"parameter dropped": {func(w *world) {
			w.stack.Parameters = append(w.stack.Parameters, types.Parameter{ParameterKey: aws.String("Old"), ParameterValue: aws.String("x")})
		}, "parameter Old is no longer declared"},
		"NoEcho value given": {func(w *world) {
			w.summary.Parameters[0].NoEcho = aws.Bool(true)
			w.stack.Parameters[0].ParameterValue = aws.String("****")
		}, "NoEcho"},
		"SSM parameter type": {func(w *world) {
			w.summary.Parameters[1].ParameterType = aws.String("AWS::SSM::Parameter::Value<String>")
		}, "SSM-typed"},
		"transform declared": {func(w *world) { w.summary.DeclaredTransforms = []string{"AWS::Serverless-2016-10-31"} }, "transform"},
		"Fn::Transform in the body": {func(w *world) {
			w.opts.Template.Body = []byte(deployedBody + "  Inc:\n    Fn::Transform:\n      Name: AWS::Include\n")
		}, "transform"},
		"dynamic reference": {func(w *world) {
			w.opts.Template.Body = []byte(strings.Replace(deployedBody, "!Ref Name", "'{{resolve:ssm:/topic/name}}'", 1))
		}, "dynamic reference"},
		"module": {func(w *world) { w.summary.ResourceTypes = append(w.summary.ResourceTypes, "My::Net::Vpc::MODULE") }, "module"},
		"nested stack by name": {func(w *world) {
			body := deployedBody + "  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://b.s3.us-east-1.amazonaws.com/child.yaml\n"
			w.opts.Template.Body, w.body = []byte(body), body
			w.summary.ResourceTypes = append(w.summary.ResourceTypes, "AWS::CloudFormation::Stack")
		}, "not content-addressed"},
		"template by URL":           {func(w *world) { w.opts.Template = Template{URL: "https://b.s3.us-east-1.amazonaws.com/app.yaml"} }, "by URL"},
		"tags":                      {func(w *world) { w.opts.Tags = map[string]string{"team": "payments"} }, "tags differ"},
		"notification ARNs":         {func(w *world) { w.opts.NotificationARNs = nil }, "notification ARNs differ"},
		"execution role":            {func(w *world) { w.opts.ExecRoleARN = "arn:aws:iam::222222222222:role/other" }, "execution role differs"},
		"termination protection":    {func(w *world) { w.opts.TermProtection = true }, "termination protection"},
		"stack policy":              {func(w *world) { w.opts.Inputs.StackPolicy = `{"Statement":[]}` }, "stack policy differs"},
		"UPDATE_ROLLBACK_COMPLETE":  {func(w *world) { w.stack.StackStatus = types.StackStatusUpdateRollbackComplete }, "UPDATE_ROLLBACK_COMPLETE"},
		"IMPORT_ROLLBACK_COMPLETE":  {func(w *world) { w.stack.StackStatus = types.StackStatusImportRollbackComplete }, "IMPORT_ROLLBACK_COMPLETE"},
		"template cannot be read":   {func(w *world) { w.body = "" }, "template differs"},
		"REVIEW_IN_PROGRESS create": {func(w *world) { w.stack.StackStatus = types.StackStatusReviewInProgress }, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			w := deployedWorld()
			c.edit(w)
			res, err, calls, log := w.deploy(t)
			if !errors.Is(err, errStop) || calls["CreateChangeSet"] != 1 {
				t.Fatalf("want a change set: err %v, result %+v, calls %v", err, res, calls)
			}
			if !strings.Contains(log, c.reason) || (c.reason != "" && !strings.Contains(log, `"level":"debug"`)) {
				t.Errorf("debug log lacks %q:\n%s", c.reason, log)
			}
		})
	}
}

func TestUpdateAfterSkipDeploys(t *testing.T) {
	w := deployedWorld()
	if res, err, _, _ := w.deploy(t); err != nil || !res.Skipped {
		t.Fatalf("first redeploy not skipped: %v %+v", err, res)
	}
	w.opts.Inputs.Values["Name"] = "invoices"
	if _, err, calls, _ := w.deploy(t); !errors.Is(err, errStop) || calls["CreateChangeSet"] != 1 {
		t.Fatalf("the change after a skip made no change set: %v %v", err, calls)
	}
}

func TestSkipHonoursFailOnEmpty(t *testing.T) {
	w := deployedWorld()
	w.opts.FailOnEmpty = true
	res, err, calls, _ := w.deploy(t)
	if !errors.Is(err, ErrEmpty) || !res.Skipped || calls["CreateChangeSet"] != 0 {
		t.Errorf("got %v %+v %v, want ErrEmpty from a skip", err, res, calls)
	}
}
