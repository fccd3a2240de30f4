// Package artifact packages the local code a CloudFormation template points
// at (Lambda code, layers, API definitions, nested templates...): it zips
// directories deterministically, uploads each artifact once under its
// content hash, and returns the template with S3 locations in place of the
// paths, in the shape each property needs. It covers the properties aws-cli's
// "cloudformation package" handles, plus those SAM CLI adds.
package artifact

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// Options says where artifacts go. Bucket and Region are required.
type Options struct {
	Bucket string // with {region} already filled (see BucketName)
	Prefix string // key prefix, without a trailing slash
	// Region is the stack's; the bucket must be there (CloudFormation and
	// Lambda read only from a bucket in the stack's region).
	Region string
	// KMSKeyID encrypts uploads with this key instead of the bucket default.
	KMSKeyID string
	// ExpectedBucketOwner is sent on every S3 call, so a bucket name taken
	// over by another account is refused rather than written to.
	ExpectedBucketOwner string
	// Root bounds every path and symlink; empty means the template's directory.
	Root string
	// Ignore adds glob patterns to DefaultIgnore (IgnoreFile's syntax).
	Ignore []string
	// Concurrency bounds the zips and uploads in flight; 0 means 8.
	Concurrency int
	// Limits bound each zipped directory; zero fields mean DefaultLimits.
	Limits Limits
	// ForceUpload puts every object even when one with its content is
	// already there (aws-cli's --force-upload): for a bucket whose objects
	// may have been changed behind their content keys.
	ForceUpload bool
}

// Artifact is one packaged reference, as reported to people.
type Artifact struct {
	Template string // template file holding the reference
	Resource string
	Property string
	Path     string // as written
	Key      string // object key in the bucket
	Uploaded bool   // false: the object was already there
	Bytes    int64  // object size
	Unzipped int64  // size unzipped (the zip's entries), for Lambda's limit
	// Warning is one line for people when the artifact will not deploy as
	// it is: a Lambda package past LambdaUnzippedLimit.
	Warning string
}

// Result is a packaged template.
type Result struct {
	// Template is the packaged template in the input's format; the input's
	// bytes unchanged when it has no local reference.
	Template  []byte
	Artifacts []Artifact // in the order they finished
}

// Package zips and uploads every local reference of the template (nested
// templates first, each uploaded as an object of its own) and returns the
// rewritten template. Every path is checked before the first upload. report,
// if not nil, is called once per artifact as it finishes, never
// concurrently. Errors: *RefError for a path that cannot be packaged,
// *RegionError for a bucket outside o.Region, otherwise S3's errors wrapped.
func Package(ctx context.Context, api S3API, templatePath string, o Options, report func(Artifact)) (*Result, error) {
	doc, err := load(ctx, templatePath, o.Root, o.Limits)
	if err != nil {
		return nil, err
	}
	if len(doc.refs) == 0 {
		return &Result{Template: doc.src}, nil
	}
	if o.Bucket == "" {
		r := doc.refs[0]
		return nil, r.fail(ErrNoBucket)
	}
	u, err := newUploader(ctx, api, o)
	if err != nil {
		return nil, err
	}
	root := o.Root
	if root == "" {
		root = filepath.Dir(doc.path)
	}
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, err
	}
	n := o.Concurrency
	if n <= 0 {
		n = 8
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &packer{u: u, o: o, root: root, sem: make(chan struct{}, n), cancel: cancel, report: report, done: map[string]*object{}}
	out, err := p.document(ctx, doc)
	if err != nil {
		return nil, err
	}
	return &Result{Template: out, Artifacts: p.artifacts}, nil
}

// BucketName fills the {region} placeholder of an --artifact-bucket value,
// so one setting names a bucket per region.
func BucketName(bucket, region string) string {
	return strings.ReplaceAll(bucket, "{region}", region)
}

// packer is one Package call's shared state.
type packer struct {
	u      *uploader
	o      Options
	root   string
	sem    chan struct{}
	cancel context.CancelFunc
	report func(Artifact)

	mu        sync.Mutex
	artifacts []Artifact
	done      map[string]*object // by source, so a path used twice is zipped once
}

// object is one uploaded source, shared by the references to it.
type object struct {
	ready    chan struct{}
	key      string
	size     int64
	unzipped int64
	uploaded bool
	err      error
}

// document packages a template's references concurrently, then rewrites
// and encodes it.
func (p *packer) document(ctx context.Context, d *document) ([]byte, error) {
	keys := make([]*object, len(d.refs))
	var wg sync.WaitGroup
	for i, r := range d.refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i] = p.object(ctx, r)
		}()
	}
	wg.Wait()
	// The first failure cancels the others: report it, not their
	// "context canceled".
	var first error
	for _, k := range keys {
		if k.err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(k.err, context.Canceled)) {
			first = k.err
		}
	}
	if first != nil {
		return nil, first
	}
	for i, r := range d.refs {
		rewrite(r.node, r.Shape, p.u.bucket, p.o.Region, keys[i].key)
	}
	return encodeTemplate(d.root, d.isJSON, d.src)
}

// object packages one reference, or waits for the goroutine already doing
// the same source, and reports it.
func (p *packer) object(ctx context.Context, r *ref) *object {
	id := fmt.Sprintf("%s|%t|%t", r.Abs, r.zip, r.Nested)
	p.mu.Lock()
	obj, shared := p.done[id]
	if !shared {
		obj = &object{ready: make(chan struct{})}
		p.done[id] = obj
	}
	p.mu.Unlock()
	if shared {
		<-obj.ready
	} else {
		obj.key, obj.size, obj.unzipped, obj.uploaded, obj.err = p.upload(ctx, r)
		if obj.err != nil {
			p.cancel()
		}
		close(obj.ready)
	}
	if obj.err != nil {
		return obj
	}
	a := Artifact{Template: r.Template, Resource: r.Resource, Property: r.Property, Path: r.Path,
		Key: obj.key, Uploaded: obj.uploaded && !shared, Bytes: obj.size, Unzipped: obj.unzipped}
	if lambdaCode[r.Type] && obj.unzipped > LambdaUnzippedLimit {
		a.Warning = fmt.Sprintf("%s unzipped is %d MB, past Lambda's limit of 250 MB for a function and its layers together: the deploy will fail",
			r.Path, obj.unzipped/1_000_000)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.artifacts = append(p.artifacts, a)
	if p.report != nil {
		p.report(a)
	}
	return obj
}

// lambdaCode are the resource types whose artifact Lambda unzips.
var lambdaCode = map[string]bool{
	"AWS::Lambda::Function": true, "AWS::Lambda::LayerVersion": true,
	"AWS::Serverless::Function": true, "AWS::Serverless::LayerVersion": true,
}
