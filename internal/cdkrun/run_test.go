package cdkrun

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/runenv"
)

// fakeSTS answers GetCallerIdentity and counts the calls.
type fakeSTS struct {
	assume.STSClient
	calls int
}

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.calls++
	return &sts.GetCallerIdentityOutput{Account: aws.String("111111111111"), Arn: aws.String("arn:aws:iam::111111111111:user/ci")}, nil
}

// An agnostic stack goes to the source account: taken from the credentials
// when they carry it, with no call; asked of STS only when they do not.
func TestSourceAccountAsksSTSOnlyWhenTheCredentialsDoNotSay(t *testing.T) {
	f := &fakeSTS{}
	e := &runenv.Env{Clients: runenv.Clients{STS: func(aws.Config) assume.STSClient { return f }}}
	session := func(account string) *assume.Session {
		return &assume.Session{Config: aws.Config{Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "x", AccountID: account}, nil
		})}}
	}
	s := session("222222222222")
	if err := sourceAccount(context.Background(), e, s, zerolog.Nop()); err != nil || s.Target.Account != "222222222222" || f.calls != 0 {
		t.Errorf("credentials with their account: %q, %v, %d STS calls; want 222222222222 and none", s.Target.Account, err, f.calls)
	}
	s = session("")
	if err := sourceAccount(context.Background(), e, s, zerolog.Nop()); err != nil || s.Target.Account != "111111111111" || s.Target.ARN == "" || f.calls != 1 {
		t.Errorf("credentials without: %+v, %v, %d STS calls; want STS's account and ARN from one call", s.Target, err, f.calls)
	}
}
