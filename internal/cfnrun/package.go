package cfnrun

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// PackageOptions is a "cfn package", checked by settings.ResolvePackage.
type PackageOptions struct {
	Assume    settings.AssumeConfig
	Template  string
	Artifacts settings.Artifacts
	// Out is where the packaged template goes ("" returns it, for
	// stdout); with --targets, a path with {account} and {region}.
	Out   string
	Fleet settings.Fleet // --targets: one packaged template per target
}

// Package uploads the template's local code and writes the packaged
// template; with no Out, it returns the template instead.
func Package(ctx context.Context, e *runenv.Env, o PackageOptions, log zerolog.Logger) ([]byte, error) {
	s, err := e.Session(ctx, o.Assume, log)
	if err != nil {
		return nil, err
	}
	if o.Fleet.File != nil {
		return nil, packageTargets(ctx, e, s.Config, s.Source.Account, o, log)
	}
	// Standalone packaging uploads with the credentials it acts with; the
	// key prefix is the account those reading it will be in.
	opts := UploadOptions(o.Artifacts, s.Source.Account, s.Target.Account, s.Config.Region)
	body, err := Pack(ctx, e, s.Config, o.Template, opts, log)
	if err != nil || o.Out == "" {
		return body, err
	}
	if err := e.Files.File("", o.Out, body); err != nil {
		return nil, fmt.Errorf("--output-template: %w", err)
	}
	log.Info().Str("template", o.Out).Msg("packaged template written")
	return nil, nil
}

// packageTargets packages the template once per target: the zips are built
// the same each time (content-addressed, deterministic), and each target's
// copy goes under that target's account prefix in its region's bucket, so
// an account reads only its own prefix, as the kit's bucket policy allows.
// The uploads use the credentials this command acts with (the pipeline's,
// as --artifact-credentials source does for deploys).
func packageTargets(ctx context.Context, e *runenv.Env, base aws.Config, source string, o PackageOptions, log zerolog.Logger) error {
	for _, t := range targets.Flatten(o.Fleet.Waves) {
		cfg := base.Copy()
		cfg.Region = t.Region
		tlog := log.With().Str("target", t.ID()).Logger()
		body, err := Pack(ctx, e, cfg, o.Template, UploadOptions(o.Artifacts, source, t.Account, t.Region), tlog)
		if err != nil {
			return fmt.Errorf("target %s: %w", t.ID(), err)
		}
		path := targets.Fill(o.Out, t)
		if err := e.Files.File("", path, body); err != nil {
			return fmt.Errorf("target %s: --output-template: %w", t.ID(), err)
		}
		tlog.Info().Str("template", path).Msg("packaged template written")
	}
	return nil
}
