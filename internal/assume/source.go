package assume

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// SourceOptions selects the source credentials and region. Everything else
// (environment keys, web identity, container and instance credentials,
// AWS_ENDPOINT_URL*) comes from the SDK's default chain unchanged.
type SourceOptions struct {
	Region  string
	Profile string
	// MaxAttempts bounds retries of throttled, 5xx and network failures.
	MaxAttempts int
	// Log receives one warning line per retry (service, operation, attempt,
	// HTTP status); the zero logger writes nothing.
	Log zerolog.Logger
}

// LoadSource builds the source aws.Config. The retryer is the SDK's adaptive
// mode: it retries throttling, 5xx and connection errors with backoff and a
// client-side rate limit, and never retries AccessDenied or validation errors.
// Every client built from this config (and from the assumed configs copied
// from it) shares that retryer. Each retry is logged to o.Log, and a final
// answer that could not be decoded is an *UnreadableAnswerError naming the
// call.
func LoadSource(ctx context.Context, o SourceOptions) (aws.Config, error) {
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = 6
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			adaptive := retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = attempts
				})
			})
			// An ExpiredToken answer to credentials our cache still holds as
			// valid comes from clock skew or propagation, and passes on retry;
			// keys that really expired are renewed by the cache first.
			return retry.AddWithErrorCodes(adaptive, "ExpiredToken", "ExpiredTokenException", "RequestExpired")
		}),
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return aws.Config{}, exitcode.Usagef("--profile %q (or AWS_PROFILE): no such profile in the AWS config or credentials file (expected a profile name from ~/.aws/config)", missing.Profile)
		}
		return aws.Config{}, exitcode.AccessErr(fmt.Errorf("load source credentials: %w", err))
	}
	withRetryLog(&cfg, o.Log)
	if cfg.Region == "" {
		return aws.Config{}, exitcode.Usagef("--region: no region set (expected --region, DEPLOYER_REGION, AWS_REGION or a profile with a region, e.g. eu-west-1)")
	}
	return cfg, nil
}
