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
