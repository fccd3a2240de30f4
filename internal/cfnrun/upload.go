package cfnrun

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
)

// UploadConfig is whose credentials upload a stack's artifacts: the
// source's in the stack's region unless --artifact-credentials is target.
func UploadConfig(s *assume.Session, as settings.Artifacts) aws.Config {
	if as.Uploader == "target" {
		return s.Config
	}
	c := s.SourceConfig.Copy()
	c.Region = s.Config.Region
	return c
}

// UploadOptions is where the artifacts read from account in region go:
// keys under that account's prefix (unless set), in a bucket that must
// belong to the owner (the pipeline's account, source, unless set).
func UploadOptions(as settings.Artifacts, source, account, region string) artifact.Options {
	owner, prefix := as.Owner, as.Prefix
	if owner == "" {
		owner = source
	}
	if prefix == "" {
		prefix = account
	}
	return artifact.Options{
		Bucket:              artifact.BucketName(as.Bucket, region),
		Prefix:              strings.NewReplacer("{account}", account, "{region}", region).Replace(prefix),
		Region:              region,
		KMSKeyID:            as.KMSKeyID,
		ExpectedBucketOwner: owner,
		Limits:              as.PackLimits(),
		ForceUpload:         as.ForceUpload,
	}
}

// Pack uploads a template's local artifacts with cfg and returns the
// packaged body.
func Pack(ctx context.Context, e *runenv.Env, cfg aws.Config, template string, opts artifact.Options, log zerolog.Logger) ([]byte, error) {
	res, err := artifact.Package(ctx, e.Clients.S3(cfg), template, opts, func(x artifact.Artifact) {
		if x.Warning != "" {
			log.Warn().Str("resource", x.Resource).Str("property", x.Property).Msg(x.Warning)
		}
		state := "already there"
		if x.Uploaded {
			state = "uploaded"
		}
		log.Info().Str("resource", x.Resource).Str("property", x.Property).Str("path", x.Path).
			Str("key", x.Key).Int64("bytes", x.Bytes).Msg(state)
	})
	if err != nil {
		return nil, settings.PackError("--template", err)
	}
	return res.Template, nil
}
