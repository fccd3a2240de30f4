package runenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/credserver"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// fakeSTS answers as STS would for one pipeline user and any role.
type fakeSTS struct{}

func (fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String("111111111111"), Arn: aws.String("arn:aws:iam::111111111111:user/pipeline"), UserId: aws.String("AIDAEXAMPLE")}, nil
}

func (fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return &sts.AssumeRoleOutput{
		Credentials: &ststypes.Credentials{AccessKeyId: aws.String("ASIAFAKETARGET"), SecretAccessKey: aws.String("target-secret"),
			SessionToken: aws.String("target-token"), Expiration: aws.Time(time.Now().Add(time.Hour))},
		AssumedRoleUser: &ststypes.AssumedRoleUser{Arn: aws.String("arn:aws:sts::222222222222:assumed-role/deployer-target/s"), AssumedRoleId: aws.String("AROA:s")},
	}, nil
}

// fakeEnv is a run context whose clients are the fakes: source
// credentials in eu-west-1 and the fake STS.
func fakeEnv(environ []string) *Env {
	e := testEnv(environ)
	e.Signals = child.NewBroadcaster(nil)
	e.Clients = Clients{
		LoadSource: func(context.Context, assume.SourceOptions) (aws.Config, error) {
			return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKESOURCE", "source-secret", "")}, nil
		},
		STS: func(aws.Config) assume.STSClient { return fakeSTS{} },
	}
	return e
}

var targetRole = settings.AssumeConfig{Assume: assume.Options{RoleARNs: []string{"arn:aws:iam::222222222222:role/deployer-target"}, SessionName: "s"}}

func TestPrintCredentialsWritesTheTargetsInEachFormat(t *testing.T) {
	e := fakeEnv(nil)
	var out bytes.Buffer
	if err := e.PrintCredentials(context.Background(), targetRole, "json", &out, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	var got credserver.ProcessOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.AccessKeyID != "ASIAFAKETARGET" || got.SessionToken != "target-token" || got.Expiration == "" {
		t.Errorf("json: %q (%v), want the target's credentials with their expiry", out.String(), err)
	}
	for format, want := range map[string]string{"shell": "export AWS_ACCESS_KEY_ID=", "dotenv": "AWS_ACCESS_KEY_ID="} {
		out.Reset()
		if err := e.PrintCredentials(context.Background(), targetRole, format, &out, zerolog.Nop()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want+"ASIAFAKETARGET") || !strings.Contains(out.String(), "AWS_REGION=") || strings.Contains(out.String(), "AKIAFAKESOURCE") {
			t.Errorf("%s: %q, want the target's key and region, not the source's", format, out.String())
		}
	}
}

func TestExecGivesOnlyTheTargetCredentialsAndPassesTheExitCode(t *testing.T) {
	e := fakeEnv([]string{"PATH=/usr/bin:/bin", "AWS_PROFILE=ci", "AWS_ACCESS_KEY_ID=AKIAFAKESOURCE"})
	var out, errb bytes.Buffer
	e.In, e.Out, e.RawErr = strings.NewReader(""), &out, &errb
	argv := []string{"sh", "-c", `echo "key=$AWS_ACCESS_KEY_ID profile=$AWS_PROFILE region=$AWS_REGION"; echo to-stderr >&2; exit 3`}
	err := e.Exec(context.Background(), ExecOptions{Assume: targetRole, Argv: argv}, zerolog.Nop())
	var exit *exitcode.ChildExit
	if !errors.As(err, &exit) || exit.Code != 3 || exitcode.Of(err) != 3 {
		t.Fatalf("err %v, want the child's exit code 3", err)
	}
	if got, want := strings.TrimSpace(out.String()), "key=ASIAFAKETARGET profile= region=eu-west-1"; got != want {
		t.Errorf("child saw %q, want %q", got, want)
	}
	if errb.String() != "to-stderr\n" {
		t.Errorf("stderr %q, want the child's line on stderr itself", errb.String())
	}
	var lines bytes.Buffer
	e.Err, e.JSON = &lines, true
	if err := e.Exec(context.Background(), ExecOptions{Assume: targetRole, Argv: []string{"sh", "-c", "echo json-mode >&2"}}, zerolog.Nop()); err != nil {
		t.Errorf("exit 0: %v, want nil", err)
	}
	if lines.String() != "json-mode\n" || errb.String() != "to-stderr\n" {
		t.Errorf("in JSON mode: Err %q, stderr %q; want the child's line through Err (which wraps it)", lines.String(), errb.String())
	}
}
