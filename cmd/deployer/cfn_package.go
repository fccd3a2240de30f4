package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/settings"
)

var cfnPackageSpec = spec{
	name:    "cfn package",
	summary: "Uploads the local code and nested templates a template points at (deterministic zips, content-addressed keys, nothing uploaded twice) and writes the template that points at them.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &cfnrun.PackageOptions{}
		return func(s *settings.Set) { a.declarePackage(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runPackage(ctx, o, log) }
	},
}

func (a *app) declarePackage(s *settings.Set, o *cfnrun.PackageOptions) {
	settings.Assume(s, &o.Assume, a.host)
	settings.Template.Bind(s, &o.Template)
	settings.ArtifactGroup(s, &o.Artifacts, false)
	s.String(settings.Decl{Flag: "output-template", Alias: "output-template-file", Env: "DEPLOYER_OUTPUT_TEMPLATE", Value: "FILE", Help: "where to write the packaged template (default: stdout, as aws cloudformation package); with --targets, a path with {account} and {region}"}, &o.Out, nil)
	settings.TargetsFile.Bind(s, &o.Fleet.Targets)
	s.After(func() error { return settings.ResolvePackage(s, o.Template, o.Artifacts, o.Out, &o.Fleet) })
}

func (a *app) runPackage(ctx context.Context, o *cfnrun.PackageOptions, log zerolog.Logger) error {
	body, err := cfnrun.Package(ctx, a.runEnv(), *o, log)
	if err != nil || o.Out != "" {
		return err
	}
	// aws cloudformation package without --output-template-file: the
	// template on stdout, for a pipe or a redirection.
	if _, err := a.io.out.Write(body); err != nil {
		return fmt.Errorf("write the packaged template to stdout: %w", err)
	}
	return nil
}
