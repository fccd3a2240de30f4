package runenv

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/doctor"
	"github.com/deployer-dev/deployer/internal/settings"
)

// Doctor checks one target (doctor.Diagnose) with the run's clients and
// writes PASS/FAIL/SKIP lines to w: nil when all pass, exit 3 when not
// even the source credentials work, an error otherwise. more adds checks
// made in the target session (the CDK bootstrap's); nil adds none.
func (e *Env) Doctor(ctx context.Context, w io.Writer, c settings.AssumeConfig, d settings.Doctor, more func(context.Context, *assume.Session) ([]doctor.Check, error), log zerolog.Logger) error {
	c.Source.Log = log
	src, err := e.Clients.LoadSource(ctx, c.Source)
	if err != nil {
		return err
	}
	setup := d.Setup
	setup.ExternalID, setup.Duration = c.Assume.ExternalID != "", c.Assume.Duration
	req := doctor.Request{Source: src, Assume: c.Assume, Setup: setup, StackSet: d.StackSet,
		DelegatedAdmin: d.DelegatedAdmin, More: more, Log: log}
	return doctor.Diagnose(ctx, w, req, doctor.Factories{
		STS:       e.Clients.STS,
		IAM:       func(c aws.Config) doctor.IAM { return e.Clients.IAM(c) },
		S3:        func(c aws.Config) doctor.S3 { return e.Clients.S3(c) },
		KMS:       func(c aws.Config) doctor.KMS { return e.Clients.KMS(c) },
		StackSets: func(c aws.Config) doctor.StackSetLister { return cloudformation.NewFromConfig(c) },
	})
}
