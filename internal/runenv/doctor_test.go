package runenv

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
	"github.com/deployer-dev/deployer/internal/settings"
)

// deniedSTS refuses every call, as STS does for credentials that are not
// valid any more.
type deniedSTS struct{ fakeSTS }

func (deniedSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, errors.New("ExpiredToken: the security token included in the request is expired")
}

func TestDoctorWithoutUsableSourceCredentialsIsAnAccessProblem(t *testing.T) {
	e := fakeEnv(nil)
	e.Clients.STS = func(aws.Config) assume.STSClient { return deniedSTS{} }
	var out bytes.Buffer
	err := e.Doctor(context.Background(), &out, targetRole, settings.Doctor{}, nil, zerolog.Nop())
	if exitcode.Of(err) != exitcode.Access {
		t.Errorf("err %v (exit %d), want exit 3", err, exitcode.Of(err))
	}
	if !strings.HasPrefix(out.String(), "FAIL  source credentials") || strings.Contains(out.String(), "target role") {
		t.Errorf("stdout %q, want the source credentials' FAIL line and no check after it", out.String())
	}
	loadErr := errors.New("no profile ci")
	e.Clients.LoadSource = func(context.Context, assume.SourceOptions) (aws.Config, error) { return aws.Config{}, loadErr }
	out.Reset()
	if err := e.Doctor(context.Background(), &out, targetRole, settings.Doctor{}, nil, zerolog.Nop()); !errors.Is(err, loadErr) || out.Len() != 0 {
		t.Errorf("source not loadable: %v, stdout %q; want the load error and nothing printed", err, out.String())
	}
}
