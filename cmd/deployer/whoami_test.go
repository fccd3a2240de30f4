package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/credserver"
)

// fakeSTS answers as STS would for one pipeline user and any role.
type fakeSTS struct {
	mu    sync.Mutex
	calls []string
	who   string // ARN GetCallerIdentity reports
}

func (f *fakeSTS) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.record("GetCallerIdentity")
	acct := strings.Split(f.who, ":")[4]
	return &sts.GetCallerIdentityOutput{Account: aws.String(acct), Arn: aws.String(f.who), UserId: aws.String("AIDAEXAMPLE")}, nil
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.record("AssumeRole " + aws.ToString(in.RoleArn) + " " + aws.ToString(in.RoleSessionName))
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("ASIAFAKE"), SecretAccessKey: aws.String("fake-secret"), SessionToken: aws.String("fake-token"),
		Expiration: aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

// TestRunStepTakesItsClients: a run step works against fakes of the narrow
// interfaces handed in through the app, with no emulator and no network.
func TestRunStepTakesItsClients(t *testing.T) {
	fake := &fakeSTS{who: "arn:aws:iam::123456789012:user/pipeline"}
	a := newTestApp([]string{"CODEBUILD_BUILD_ID=proj:1234"})
	var out, errb bytes.Buffer
	a.io.out, a.io.err = &out, &errb
	a.clients.LoadSource = func(context.Context, assume.SourceOptions) (aws.Config, error) {
		return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKE", "s", "")}, nil
	}
	a.clients.STS = func(aws.Config) assume.STSClient { return fake }
	code := a.main(context.Background(), []string{"env", "--role-arn", "arn:aws:iam::222222222222:role/deployer-target", "--format", "json"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got credserver.ProcessOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.AccessKeyID != "ASIAFAKE" || got.SessionToken != "fake-token" {
		t.Errorf("stdout %q (%v)", out.String(), err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	want := []string{"GetCallerIdentity", "AssumeRole arn:aws:iam::222222222222:role/deployer-target codebuild-proj-1234"}
	if strings.Join(fake.calls, "|") != strings.Join(want, "|") {
		t.Errorf("calls %q, want %q (no GetCallerIdentity for the target: AssumeRole already says who)", fake.calls, want)
	}
	if strings.Contains(errb.String(), "fake-secret") || strings.Contains(errb.String(), "fake-token") {
		t.Errorf("a secret reached stderr:\n%s", errb.String())
	}
}

// TestColourOnlyOnATerminalAndNeverWithNoColor: ANSI codes reach stderr only
// when it is a terminal and NO_COLOR is unset; without a role the log says
// the source identity acts.
func TestColourOnlyOnATerminalAndNeverWithNoColor(t *testing.T) {
	cases := []struct {
		name    string
		tty     bool
		environ []string
		ansi    bool
	}{
		{"terminal", true, nil, true},
		{"terminal with NO_COLOR", true, []string{"NO_COLOR=1"}, false},
		{"file or pipe", false, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := &fakeSTS{who: "arn:aws:iam::123456789012:user/pipeline"}
			a := newTestApp(c.environ)
			var out, errb bytes.Buffer
			a.io.out, a.io.err, a.io.errTTY = &out, &errb, c.tty
			a.clients.LoadSource = func(context.Context, assume.SourceOptions) (aws.Config, error) {
				return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKE", "s", "")}, nil
			}
			a.clients.STS = func(aws.Config) assume.STSClient { return fake }
			if code := a.main(context.Background(), []string{"whoami"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if got := strings.Contains(errb.String(), "\x1b["); got != c.ansi {
				t.Errorf("ANSI codes %v, want %v:\n%q", got, c.ansi, errb.String())
			}
			if !strings.Contains(errb.String(), "acting as the source identity") || strings.Contains(errb.String(), "target account") {
				t.Errorf("whoami without a role:\n%s", errb.String())
			}
			if !strings.Contains(out.String(), "Account: 123456789012") {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}
