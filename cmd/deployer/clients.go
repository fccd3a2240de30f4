package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/cfn"
)

// clients builds every AWS client a command uses from an aws.Config. Run
// steps take them from here, so a test hands in fakes of the narrow
// interfaces instead of starting the emulator.
type clients struct {
	loadSource func(ctx context.Context, o assume.SourceOptions) (aws.Config, error)
	sts        assume.NewSTS
	cfn        func(aws.Config) cfnClient
	s3         func(aws.Config) *s3.Client
	iam        func(aws.Config) *iam.Client
	kms        func(aws.Config) *kms.Client
}

// cfnClient is what the change-set lifecycle calls, the template reader of
// its no-op check included.
type cfnClient interface {
	cfn.API
	cfn.TemplateReader
}

// awsClients are the real SDK clients.
func awsClients() clients {
	return clients{
		loadSource: assume.LoadSource,
		sts:        assume.DefaultSTS,
		cfn:        func(c aws.Config) cfnClient { return cloudformation.NewFromConfig(c) },
		s3:         func(c aws.Config) *s3.Client { return s3.NewFromConfig(c, pathStyle) },
		iam:        func(c aws.Config) *iam.Client { return iam.NewFromConfig(c) },
		kms:        func(c aws.Config) *kms.Client { return kms.NewFromConfig(c) },
	}
}

// pathStyle keeps bucket names out of host names, which emulators and
// dotted bucket names need; AWS serves both styles.
func pathStyle(o *s3.Options) { o.UsePathStyle = true }
