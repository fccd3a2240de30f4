package artifact

import (
	"errors"
	"fmt"
)

// Reasons a reference cannot be packaged; RefError wraps one of them so
// callers can tell them apart with errors.Is.
var (
	// ErrNotFound: the path does not exist.
	ErrNotFound = errors.New("path does not exist")
	// ErrOutsideTree: the path, or a symlink under it, resolves outside the
	// packaging root (the template's directory unless Options.Root widens it).
	ErrOutsideTree = errors.New("path leaves the template's directory tree")
	// ErrImage: a container image built from local sources, which deployer
	// does not build or push.
	ErrImage = errors.New("container images are out of scope: build and push the image, then set ImageUri to its ECR URI")
	// ErrNoBucket: local paths but no artifact bucket to put them in.
	ErrNoBucket = errors.New("a local path needs an artifact bucket")
	// ErrTemplate: a nested template that cannot be read as YAML or JSON.
	ErrTemplate = errors.New("template cannot be parsed")
)

// RefError is a local reference that cannot be packaged. The command layer
// maps it to exit 2: the input is wrong, not AWS.
type RefError struct {
	Template string // template file holding the reference
	Resource string // logical id, "Globals.Function" or "AWS::Include"
	Property string // e.g. "CodeUri", "Command.ScriptLocation"
	Path     string // as written in the template, or the offending file below it
	Err      error  // one of the Err* reasons above, possibly wrapped
}

func (e *RefError) Error() string {
	return fmt.Sprintf("%s: resource %s property %s: %q: %v", e.Template, e.Resource, e.Property, e.Path, e.Err)
}

func (e *RefError) Unwrap() error { return e.Err }

// RegionError is an artifact bucket outside the stack's region:
// CloudFormation and Lambda read artifacts only from a bucket in the stack's
// region. The command layer maps it to exit 2.
type RegionError struct {
	Bucket       string
	BucketRegion string
	StackRegion  string
}

func (e *RegionError) Error() string {
	return fmt.Sprintf("artifact bucket %s is in %s but the stack is in %s: use a bucket per region (the bucket name accepts {region})",
		e.Bucket, e.BucketRegion, e.StackRegion)
}
