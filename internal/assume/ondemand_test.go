package assume

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// recordingSTS answers as STS would for a source principal who, and records
// each call by name. denied makes AssumeRole answer AccessDenied.
type recordingSTS struct {
	who    string
	denied bool

	mu    sync.Mutex
	calls []string
	durs  []time.Duration
}

func (f *recordingSTS) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *recordingSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.record("GetCallerIdentity")
	return &sts.GetCallerIdentityOutput{Account: aws.String(strings.Split(f.who, ":")[4]), Arn: aws.String(f.who), UserId: aws.String("AIDA")}, nil
}

func (f *recordingSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.record("AssumeRole")
	f.mu.Lock()
	f.durs = append(f.durs, time.Duration(aws.ToInt32(in.DurationSeconds))*time.Second)
	f.mu.Unlock()
	if f.denied {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: sts:AssumeRole"}
	}
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("ASIAFAKE"), SecretAccessKey: aws.String("s"), SessionToken: aws.String("t"),
		Expiration: aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

const onDemandRole = "arn:aws:iam::222222222222:role/deployer-target"

func runOnDemand(t *testing.T, f *recordingSTS, o Options) (*Session, error) {
	t.Helper()
	o.SourceOnDemand, o.SessionName = true, "ci"
	src := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKE", "s", "")}
	return Assume(context.Background(), src, o, func(aws.Config) STSClient { return f }, zerolog.Nop())
}

// With a role, AssumeRole alone: its answer names the target identity.
func TestSourceOnDemandAssumesWithoutAskingWhoTheSourceIs(t *testing.T) {
	f := &recordingSTS{who: "arn:aws:iam::123456789012:user/ci"}
	s, err := runOnDemand(t, f, Options{RoleARNs: []string{onDemandRole}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"AssumeRole"}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	want := Identity{Account: "222222222222", ARN: "arn:aws:sts::222222222222:assumed-role/deployer-target/ci"}
	if s.Target != want || s.Source != (Identity{}) {
		t.Errorf("target %+v source %+v, want target %+v and an unknown source", s.Target, s.Source, want)
	}
}

// Without a role, no STS call at all.
func TestSourceOnDemandWithoutRoleCallsNothing(t *testing.T) {
	f := &recordingSTS{who: "arn:aws:iam::123456789012:user/ci"}
	if _, err := runOnDemand(t, f, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls %v, want none", f.calls)
	}
}

// A duration over an hour needs to know whether the first hop is role
// chaining (AWS caps it at one hour then): the source is asked first.
func TestSourceOnDemandAsksWhenTheDurationDependsOnIt(t *testing.T) {
	f := &recordingSTS{who: "arn:aws:sts::123456789012:assumed-role/codebuild/ci"}
	s, err := runOnDemand(t, f, Options{RoleARNs: []string{onDemandRole}, Duration: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GetCallerIdentity", "AssumeRole"}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if !s.Chained || f.durs[0] != time.Hour {
		t.Errorf("chained %v, duration asked %v; want a chained hop clamped to 1h", s.Chained, f.durs)
	}
}

// A denied hop still names the caller in its advice: asked once it failed.
func TestSourceOnDemandDeniedNamesTheCaller(t *testing.T) {
	f := &recordingSTS{who: "arn:aws:iam::123456789012:user/ci", denied: true}
	_, err := runOnDemand(t, f, Options{RoleARNs: []string{onDemandRole}})
	var denied *DeniedError
	if !errors.As(err, &denied) || denied.Caller != f.who {
		t.Fatalf("error %v, want a DeniedError naming %s", err, f.who)
	}
	if diff := cmp.Diff([]string{"AssumeRole", "GetCallerIdentity"}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
