package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/cfnrun"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// packageOptions is a parsed "cfn package".
type packageOptions struct {
	assume    settings.AssumeConfig
	template  string
	artifacts settings.Artifacts
	out       string
	fanout    settings.Fleet // --targets: one packaged template per target
}

var cfnPackageSpec = spec{
	name:    "cfn package",
	summary: "Uploads the local code and nested templates a template points at (deterministic zips, content-addressed keys, nothing uploaded twice) and writes the template that points at them.",
	build: func(a *app, _ call) (func(*settings.Set), runFunc) {
		o := &packageOptions{}
		return func(s *settings.Set) { a.declarePackage(s, o) },
			func(ctx context.Context, log zerolog.Logger) error { return a.runPackage(ctx, o, log) }
	},
}

func (a *app) declarePackage(s *settings.Set, o *packageOptions) {
	settings.Assume(s, &o.assume, a.host)
	settings.Template.Bind(s, &o.template)
	settings.ArtifactGroup(s, &o.artifacts, false)
	s.String(settings.Decl{Flag: "output-template", Alias: "output-template-file", Env: "DEPLOYER_OUTPUT_TEMPLATE", Value: "FILE", Help: "where to write the packaged template (default: stdout, as aws cloudformation package); with --targets, a path with {account} and {region}"}, &o.out, nil)
	settings.TargetsFile.Bind(s, &o.fanout.Targets)
	s.After(func() error {
		if o.template == "" {
			return exitcode.Usagef("--template: no template given (expected --template FILE)")
		}
		if err := settings.RegularFile(o.template); err != nil {
			return exitcode.Usagef("%s: %v", s.Source("template"), err)
		}
		if _, err := settings.LocalRefs(s, o.template, o.artifacts); err != nil {
			return err
		}
		if o.artifacts.Bucket == "" {
			return exitcode.Usagef("--artifact-bucket: no bucket given (expected --artifact-bucket BUCKET in the stack's region)")
		}
		return checkPackageTargets(s, o)
	})
}

func (a *app) runPackage(ctx context.Context, o *packageOptions, log zerolog.Logger) error {
	body, err := cfnrun.Package(ctx, a.runEnv(), cfnrun.PackageOptions{Assume: o.assume, Template: o.template, Artifacts: o.artifacts, Out: o.out, Waves: o.fanout.Waves}, log)
	if err != nil || o.out != "" {
		return err
	}
	// aws cloudformation package without --output-template-file: the
	// template on stdout, for a pipe or a redirection.
	if _, err := a.io.out.Write(body); err != nil {
		return fmt.Errorf("write the packaged template to stdout: %w", err)
	}
	return nil
}

// checkPackageTargets: with --targets, every target gets a packaged
// template of its own, so --output-template must name one file per target.
func checkPackageTargets(s *settings.Set, o *packageOptions) error {
	if err := o.fanout.Load(s); err != nil || o.fanout.File == nil {
		return err
	}
	if o.out == "" {
		return exitcode.Usagef("--targets: one packaged template per target (expected --output-template with {account} and {region}, like packaged/{account}-{region}.yaml)")
	}
	return checkPlaceholders(s.Source("output-template"), o.out, o.fanout.Waves)
}
