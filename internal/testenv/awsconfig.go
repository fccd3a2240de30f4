package testenv

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SourceConfig is an SDK config of the pipeline account, talking to the
// emulator directly (not through the proxy, so tests' own calls are not
// counted as the binary's).
func (e *Env) SourceConfig() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(SourceKeyID, SourceSecret, ""),
		BaseEndpoint: aws.String(e.Moto.URL),
	}
}

// TargetConfig is an SDK config acting in the target account through a role.
func (e *Env) TargetConfig(ctx context.Context) aws.Config {
	e.T.Helper()
	src := e.SourceConfig()
	cfg := src.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(src), TargetRole))
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		e.T.Fatalf("assume target role: %v", err)
	}
	e.Proxy.AddSecret(creds.SecretAccessKey)
	e.Proxy.AddSecret(creds.SessionToken)
	return cfg
}
