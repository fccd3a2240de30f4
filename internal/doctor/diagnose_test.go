package doctor

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// deadSTS answers every call with err: source credentials that do not work.
type deadSTS struct{ err error }

func (d deadSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, d.err
}

func (d deadSTS) AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return nil, d.err
}

// TestDiagnoseWithoutSourceCredentialsIsExit3AndOneFailLine: when not even
// the source credentials work, doctor says so on stdout and stops (exit 3),
// calling nothing in the target.
func TestDiagnoseWithoutSourceCredentialsIsExit3AndOneFailLine(t *testing.T) {
	var out bytes.Buffer
	called := false
	f := Factories{
		STS: func(aws.Config) assume.STSClient { return deadSTS{errors.New("get credentials: expired")} },
		IAM: func(aws.Config) IAM { called = true; return nil },
		S3:  func(aws.Config) S3 { called = true; return nil },
		KMS: func(aws.Config) KMS { called = true; return nil },
	}
	err := Diagnose(context.Background(), &out, Request{Log: zerolog.Nop()}, f)
	if exitcode.Of(err) != exitcode.Access {
		t.Errorf("exit %d (%v), want 3", exitcode.Of(err), err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], string(Fail)) || !strings.Contains(lines[0], "source credentials") {
		t.Errorf("stdout %q, want one FAIL line for the source credentials", out.String())
	}
	if called {
		t.Error("target clients were made although nothing could be checked")
	}
}
