// Package runenv is what the run steps of one command share: the AWS
// clients' constructors, the one file writer, stderr for people, the
// process environment for children, the clock and the signal broadcaster.
// cmd/deployer builds one Env per run once the command's log settings are
// known and hands it in; nothing in here reads flags, the environment or
// the clock itself. The commands with no engine of their own run here too:
// exec and env hand the target credentials on (handoff.go), doctor checks a
// set-up (doctor.go).
package runenv

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/child"
	"github.com/deployer-dev/deployer/internal/output"
)

// Env is one run's shared context. It is built once and not changed after.
type Env struct {
	Clients Clients
	Files   *output.Writer // the one writer of every file
	Blocks  *output.Blocks // stderr, for tables that must stay whole
	Err     io.Writer      // stderr for people (one JSON object a line in JSON mode)
	JSON    bool           // --log-format json: tables become JSON lines
	Colour  bool           // stderr is a terminal that takes colour
	Environ []string       // the process environment, for children
	TempDir string
	Host    string
	Now     func() time.Time
	Signals *child.Broadcaster
	// In, Out and RawErr are the process's stdin, stdout and stderr
	// itself, for a child that takes the terminal (exec).
	In     io.Reader
	Out    io.Writer
	RawErr io.Writer
}

// Clients builds every AWS client a run step uses from an aws.Config, so a
// test hands in fakes of the narrow interfaces instead of the emulator.
type Clients struct {
	LoadSource func(ctx context.Context, o assume.SourceOptions) (aws.Config, error)
	STS        assume.NewSTS
	CFN        func(aws.Config) CFNClient
	S3         func(aws.Config) *s3.Client
	IAM        func(aws.Config) *iam.Client
	KMS        func(aws.Config) *kms.Client
}

// CFNClient is what the change-set lifecycle calls, the template reader of
// its no-op check included.
type CFNClient interface {
	cfn.API
	cfn.TemplateReader
}

// AWSClients are the real SDK clients.
func AWSClients() Clients {
	return Clients{
		LoadSource: assume.LoadSource,
		STS:        assume.DefaultSTS,
		CFN:        func(c aws.Config) CFNClient { return cloudformation.NewFromConfig(c) },
		S3:         func(c aws.Config) *s3.Client { return s3.NewFromConfig(c, PathStyle) },
		IAM:        func(c aws.Config) *iam.Client { return iam.NewFromConfig(c) },
		KMS:        func(c aws.Config) *kms.Client { return kms.NewFromConfig(c) },
	}
}

// PathStyle keeps bucket names out of host names, which emulators and
// dotted bucket names need; AWS serves both styles.
func PathStyle(o *s3.Options) { o.UsePathStyle = true }

// Presenter shows a run's (or one target's) progress on stderr.
func (e *Env) Presenter(log zerolog.Logger, target string) *output.Presenter {
	return &output.Presenter{Log: log, Out: e.Blocks, Target: target, JSON: e.JSON}
}

// Say prints a line for people on stderr.
func (e *Env) Say(format string, args ...any) { fmt.Fprintf(e.Err, format+"\n", args...) }

// WithTimeout bounds ctx by d (zero: no bound).
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
