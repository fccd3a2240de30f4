package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
)

// packageOptions is a parsed "cfn package".
type packageOptions struct {
	assume    settings.AssumeConfig
	template  string
	artifacts settings.Artifacts
	out       string
	fanout    fanoutSettings // --targets: one packaged template per target
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
		if _, err := localRefs(s, o.template, o.artifacts); err != nil {
			return err
		}
		if o.artifacts.Bucket == "" {
			return exitcode.Usagef("--artifact-bucket: no bucket given (expected --artifact-bucket BUCKET in the stack's region)")
		}
		return checkPackageTargets(s, o)
	})
}

func (a *app) runPackage(ctx context.Context, o *packageOptions, log zerolog.Logger) error {
	s, err := a.session(ctx, o.assume, log)
	if err != nil {
		return err
	}
	if o.fanout.file != nil {
		return a.packageTargets(ctx, s, o, log)
	}
	// Standalone packaging uploads with the credentials it acts with; the
	// key prefix is the account those reading it will be in.
	opts := uploadOptions(o.artifacts, s.Source.Account, s.Target.Account, s.Config.Region)
	body, err := a.pack(ctx, s.Config, o.template, opts, log)
	if err != nil {
		return err
	}
	if o.out == "" {
		// aws cloudformation package without --output-template-file: the
		// template on stdout, for a pipe or a redirection.
		if _, err := a.io.out.Write(body); err != nil {
			return fmt.Errorf("write the packaged template to stdout: %w", err)
		}
		return nil
	}
	if err := a.files.File("", o.out, body); err != nil {
		return fmt.Errorf("--output-template: %w", err)
	}
	log.Info().Str("template", o.out).Msg("packaged template written")
	return nil
}

// localRefs checks, before any call, that every local path of the template
// exists inside its tree and that a bucket is set when one is needed.
// It reports whether there is anything to package.
func localRefs(s *settings.Set, template string, as settings.Artifacts) (bool, error) {
	// Find never blocks (FIFOs and devices are refused, not read) and is
	// bounded by the limits; a signal while it runs ends the process, as
	// nothing has been touched yet.
	refs, err := artifact.Find(context.Background(), template, as.PackLimits())
	if err != nil {
		return false, packError(s, err)
	}
	if len(refs) > 0 && as.Bucket == "" {
		r := refs[0]
		return false, exitcode.Usagef("%s: resource %s property %s is the local path %q (expected --artifact-bucket BUCKET to upload it)", s.Source("template"), r.Resource, r.Property, r.Path)
	}
	return len(refs) > 0, nil
}

// uploadConfig is whose credentials upload a stack's artifacts: the
// source's in the stack's region unless --artifact-credentials is target.
func uploadConfig(s *assume.Session, as settings.Artifacts) aws.Config {
	if as.Uploader == "target" {
		return s.Config
	}
	return regionConfig(s.SourceConfig, s.Config.Region)
}

// uploadOptions is where the artifacts read from account in region go:
// keys under that account's prefix (unless set), in a bucket that must
// belong to the owner (the pipeline's account, source, unless set).
func uploadOptions(as settings.Artifacts, source, account, region string) artifact.Options {
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

// pack uploads a template's local artifacts with cfg and returns the
// packaged body.
func (a *app) pack(ctx context.Context, cfg aws.Config, template string, opts artifact.Options, log zerolog.Logger) ([]byte, error) {
	res, err := artifact.Package(ctx, a.clients.s3(cfg), template, opts, func(x artifact.Artifact) {
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
		return nil, packError(nil, err)
	}
	return res.Template, nil
}

// packError turns the packager's input errors into exit 2.
func packError(s *settings.Set, err error) error {
	var ref *artifact.RefError
	var region *artifact.RegionError
	if errors.As(err, &ref) || errors.As(err, &region) {
		from := "--template"
		if s != nil {
			from = s.Source("template")
		}
		if errors.Is(err, artifact.ErrNoBucket) {
			from = "--artifact-bucket"
		}
		return exitcode.Usagef("%s: %v", from, err)
	}
	return err
}
