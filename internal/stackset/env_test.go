package stackset

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/poll"
	"github.com/deployer-dev/deployer/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// template is the StackSet's template: one SSM parameter whose value is the
// Env parameter, so an update is visible in each target account.
const template = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
Resources:
  Marker:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /demo/marker
      Type: String
      Value: !Ref Env
`

// world is one test's emulator behind a proxy that records every call.
type world struct {
	t     *testing.T
	moto  *testenv.Moto
	proxy *testenv.Proxy
	cfn   *cloudformation.Client
	log   *strings.Builder

	mu    sync.Mutex
	calls []*testenv.Request // mutating StackSet calls, in order
}

func newWorld(t *testing.T) *world {
	t.Helper()
	m := testenv.StartMoto(t)
	w := &world{t: t, moto: m, proxy: testenv.NewProxy(t, m.URL), log: &strings.Builder{}}
	w.proxy.Handle(func(r *testenv.Request, _ func() *testenv.Response) *testenv.Response {
		switch r.Action {
		case "CreateStackSet", "UpdateStackSet", "DeleteStackSet", "CreateStackInstances", "UpdateStackInstances", "DeleteStackInstances":
			w.mu.Lock()
			w.calls = append(w.calls, r)
			w.mu.Unlock()
		}
		return nil
	})
	w.cfn = cloudformation.NewFromConfig(aws.Config{
		Region:       testenv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(testenv.SourceKeyID, testenv.SourceSecret, ""),
		BaseEndpoint: aws.String(w.proxy.URL),
	})
	return w
}

// engine polls fast: the emulator's operations end at once, and the played
// ones within a second or two.
func (w *world) engine() *Engine {
	return &Engine{
		CFN: w.cfn,
		Log: zerolog.New(&syncWriter{b: w.log, mu: &w.mu}),
		Backoff: func() *poll.Backoff {
			return &poll.Backoff{Min: 50 * time.Millisecond, Max: 50 * time.Millisecond, Factor: 1}
		},
	}
}

// mutations returns the actions of the mutating calls seen, in order.
func (w *world) mutations() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.calls))
	for _, r := range w.calls {
		out = append(out, r.Action)
	}
	return out
}

func (w *world) resetCalls() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = nil
}

// instances lists the StackSet's instances straight from the emulator.
func (w *world) instances(name string) []string {
	w.t.Helper()
	out, err := w.cfn.ListStackInstances(context.Background(), &cloudformation.ListStackInstancesInput{StackSetName: aws.String(name)})
	if err != nil {
		w.t.Fatalf("list instances: %v", err)
	}
	var keys []string
	for _, s := range out.Summaries {
		keys = append(keys, aws.ToString(s.Account)+"/"+aws.ToString(s.Region))
	}
	return keys
}

type syncWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func param(k, v string) types.Parameter {
	return types.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)}
}

// input is the targets file of these tests: a canary wave of one target,
// then a prod wave of three (one account in two regions).
func input(env string) Input {
	return Input{
		StackSet: Definition{Name: "demo", Template: template, Parameters: []types.Parameter{param("Env", env)}},
		Waves: []Wave{
			{Name: "canary", Targets: []Target{{Account: "222222222222", Region: "us-east-1"}}},
			{Name: "prod", Targets: []Target{
				{Account: "333333333333", Region: "us-east-1"},
				{Account: "333333333333", Region: "eu-west-1"},
				{Account: "444444444444", Region: "eu-west-1"},
			}},
		},
		Preferences: Preferences{MaxConcurrency: Limit{N: 8}, FailureTolerance: Limit{N: 1}},
	}
}

// summary is a row reduced to what the tests compare.
type summary struct{ Wave, Target, Action, Outcome string }

func summarize(rows []Row) []summary {
	out := make([]summary, 0, len(rows))
	for _, r := range rows {
		out = append(out, summary{r.Wave, r.Account + "/" + r.Region, string(r.Action), string(r.Outcome)})
	}
	return out
}
