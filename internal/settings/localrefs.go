package settings

import (
	"context"
	"errors"

	"github.com/deployer-dev/deployer/internal/artifact"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// LocalRefs checks, before any call, that every local path of the template
// exists inside its tree and that a bucket is set when one is needed.
// It reports whether there is anything to package.
func LocalRefs(s *Set, template string, as Artifacts) (bool, error) {
	// Find never blocks (FIFOs and devices are refused, not read) and is
	// bounded by the limits; a signal while it runs ends the process, as
	// nothing has been touched yet.
	refs, err := artifact.Find(context.Background(), template, as.PackLimits())
	if err != nil {
		return false, PackError(s.Source("template"), err)
	}
	if len(refs) > 0 && as.Bucket == "" {
		r := refs[0]
		return false, exitcode.Usagef("%s: resource %s property %s is the local path %q (expected --artifact-bucket BUCKET to upload it)", s.Source("template"), r.Resource, r.Property, r.Path)
	}
	return len(refs) > 0, nil
}

// PackError turns the packager's input errors into exit 2, naming from
// (where the template came from) or --artifact-bucket.
func PackError(from string, err error) error {
	var ref *artifact.RefError
	var region *artifact.RegionError
	if errors.As(err, &ref) || errors.As(err, &region) {
		if errors.Is(err, artifact.ErrNoBucket) {
			from = "--artifact-bucket"
		}
		return exitcode.Usagef("%s: %v", from, err)
	}
	return err
}

// ResolvePackage checks a parsed "cfn package" before any call: a template
// whose local paths exist inside its tree, a bucket, and with --targets
// (loaded into fl) an --output-template that is a file of its own for
// every target. Every error is exit 2 naming the setting.
func ResolvePackage(s *Set, template string, as Artifacts, out string, fl *Fleet) error {
	if template == "" {
		return exitcode.Usagef("--template: no template given (expected --template FILE)")
	}
	if err := RegularFile(template); err != nil {
		return exitcode.Usagef("%s: %v", s.Source("template"), err)
	}
	if _, err := LocalRefs(s, template, as); err != nil {
		return err
	}
	if as.Bucket == "" {
		return exitcode.Usagef("--artifact-bucket: no bucket given (expected --artifact-bucket BUCKET in the stack's region)")
	}
	if err := fl.Load(s); err != nil || fl.File == nil {
		return err
	}
	if out == "" {
		return exitcode.Usagef("--targets: one packaged template per target (expected --output-template with {account} and {region}, like packaged/{account}-{region}.yaml)")
	}
	return PathPerTarget(s.Source("output-template"), out, fl.Waves)
}
