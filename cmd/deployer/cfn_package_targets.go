package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/targets"
)

// checkPackageTargets: with --targets, every target gets a packaged
// template of its own, so --output-template must name one file per target.
func checkPackageTargets(s *settings.Set, o *packageOptions) error {
	if err := o.fanout.load(s); err != nil || o.fanout.file == nil {
		return err
	}
	if o.out == "" {
		return exitcode.Usagef("--targets: one packaged template per target (expected --output-template with {account} and {region}, like packaged/{account}-{region}.yaml)")
	}
	return checkPlaceholders(s.Source("output-template"), o.out, o.fanout.waves)
}

// packageTargets packages the template once per target: the zips are built
// the same each time (content-addressed, deterministic), and each target's
// copy goes under that target's account prefix in its region's bucket, so
// an account reads only its own prefix, as the kit's bucket policy allows.
// The uploads use the credentials this command acts with (the pipeline's,
// as --artifact-credentials source does for deploys).
func (a *app) packageTargets(ctx context.Context, s *assume.Session, o *packageOptions, log zerolog.Logger) error {
	for _, t := range targets.Flatten(o.fanout.waves) {
		cfg := s.Config.Copy()
		cfg.Region = t.Region
		tlog := log.With().Str("target", t.ID()).Logger()
		body, err := a.pack(ctx, cfg, o.template, uploadOptions(o.artifacts, s.Source.Account, t.Account, t.Region), tlog)
		if err != nil {
			return fmt.Errorf("target %s: %w", t.ID(), err)
		}
		path := targets.Fill(o.out, t)
		if err := a.files.File("", path, body); err != nil {
			return fmt.Errorf("target %s: --output-template: %w", t.ID(), err)
		}
		tlog.Info().Str("template", path).Msg("packaged template written")
	}
	return nil
}
