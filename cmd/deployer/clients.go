package main

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/runenv"
)

// clients are the AWS client constructors of the run (runenv.Clients, by
// the names the command files use); tests swap them for fakes.
type clients struct {
	loadSource func(ctx context.Context, o assume.SourceOptions) (aws.Config, error)
	sts        assume.NewSTS
	cfn        func(aws.Config) runenv.CFNClient
	s3         func(aws.Config) *s3.Client
	iam        func(aws.Config) *iam.Client
	kms        func(aws.Config) *kms.Client
}

// awsClients are the real SDK clients.
func awsClients() clients {
	c := runenv.AWSClients()
	return clients{loadSource: c.LoadSource, sts: c.STS, cfn: c.CFN, s3: c.S3, iam: c.IAM, kms: c.KMS}
}

// runEnv is the run context handed to the run steps, as the command's log
// settings left it.
func (a *app) runEnv() *runenv.Env {
	return &runenv.Env{
		Clients: runenv.Clients{LoadSource: a.clients.loadSource, STS: a.clients.sts, CFN: a.clients.cfn, S3: a.clients.s3, IAM: a.clients.iam, KMS: a.clients.kms},
		Files:   a.files, Blocks: a.blocks, Err: a.io.err, JSON: a.lines.JSON(), Colour: a.colour(),
		Environ: a.environ, TempDir: os.TempDir(), Host: a.host.Name, Now: a.host.Now, Signals: a.signals,
	}
}
