package cdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/artifact"
)

// Access gives the AWS configuration of a role in a region. The command
// layer builds it from the source credentials with the chain settings, so a
// role the manifest names is assumed after the chain's hops; an empty role
// means the session's own target credentials.
type Access interface {
	Config(ctx context.Context, roleARN, externalID, region string) (aws.Config, error)
}

// Published is one asset destination after publishing.
type Published struct {
	Stack    string // display name of the first stack that needs it
	Asset    string // display name
	Location string // s3://bucket/key or repository:tag
	Uploaded bool   // false: it was already there
	Bytes    int64
}

// Publisher publishes the file and image assets of placed stacks.
type Publisher struct {
	Access      Access
	Log         zerolog.Logger
	Concurrency int      // assets in flight; 0 means 8
	Docker      string   // docker CLI; "" means docker on PATH
	DockerEnv   []string // docker's environment; nil means this process's
	// Builds is shared by the Publishers of one run's targets; nil: this
	// Publisher's own.
	Builds *ImageBuilds
	// NewS3 builds the S3 client of a config; nil means s3.NewFromConfig.
	NewS3 func(aws.Config) artifact.S3API
	// NewECR builds the ECR client of a config; nil means ecr.NewFromConfig.
	NewECR func(aws.Config) ECRAPI

	mu      sync.Mutex
	buckets map[string]*bucketOnce
	refused map[string]bool // deploy role|region|bucket: may not read it (exists)
}

type bucketOnce struct {
	once sync.Once
	b    *artifact.Bucket
	err  error
}

type fileJob struct {
	stack *Stack
	asset FileAsset
	dest  FileDestination
}

// Publish publishes every asset of the stacks, each destination once, up to
// Concurrency at a time. The object key is the manifest's hash, so an object
// already there (checked in the target account's bucket) is never uploaded
// again. The existence checks go out at once; anything that writes (or
// zips, or builds) waits for ready first, which a bootstrap check answers
// meanwhile. The first failure cancels the rest.
func (p *Publisher) Publish(ctx context.Context, stacks []*Stack, ready func(context.Context) error) ([]Published, error) {
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	var jobs []fileJob
	var images []imageJob
	seen := map[string]bool{}
	for _, st := range stacks {
		for _, f := range st.Files {
			for _, d := range f.Destinations {
				if k := "s3://" + d.Bucket + "/" + d.Key; !seen[k] {
					seen[k] = true
					jobs = append(jobs, fileJob{stack: st, asset: f, dest: d})
				}
			}
		}
		for _, im := range st.Images {
			for _, d := range im.Destinations {
				if k := d.Region + "/" + d.Repository + ":" + d.Tag; !seen[k] {
					seen[k] = true
					images = append(images, imageJob{stack: st, asset: im, dest: d})
				}
			}
		}
	}
	n := p.Concurrency
	if n <= 0 {
		n = 8
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, n)
	out := make([]Published, len(jobs)+len(images))
	errs := make([]error, len(out))
	var wg sync.WaitGroup
	run := func(i int, f func() (Published, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = context.Cause(ctx)
				return
			}
			defer func() { <-sem }()
			out[i], errs[i] = f()
			if errs[i] != nil {
				cancel(errs[i])
			}
		}()
	}
	for i, j := range jobs {
		run(i, func() (Published, error) { return p.file(ctx, j, ready) })
	}
	docker := p.dockerRun(len(images))
	defer docker.close()
	for i, j := range images {
		run(len(jobs)+i, func() (Published, error) { return p.image(ctx, j, docker, ready) })
	}
	wg.Wait()
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	return out, first
}

// file publishes one file asset to one bucket with the destination's role
// (the file-publishing role of the bootstrap). An object already there costs
// one HeadObject (exists): the bucket's location and encryption are read,
// and the asset zipped, only when it must be uploaded.
func (p *Publisher) file(ctx context.Context, j fileJob, ready func(context.Context) error) (Published, error) {
	d := j.dest
	res := Published{Stack: j.stack.DisplayName, Asset: j.asset.DisplayName, Location: "s3://" + d.Bucket + "/" + d.Key}
	owner := j.stack.Environment.Account
	head, err := p.exists(ctx, j)
	if err == nil {
		res.Bytes = aws.ToInt64(head.ContentLength)
		p.Log.Info().Str("asset", j.asset.DisplayName).Str("stack", j.stack.DisplayName).Str("object", res.Location).
			Bool("uploaded", false).Msg("asset already published")
		return res, nil
	}
	if !notFound(err) {
		return res, fmt.Errorf("asset %s of %s: head %s: %w", j.asset.DisplayName, j.stack.DisplayName, res.Location, err)
	}
	if err := ready(ctx); err != nil {
		return res, err
	}
	b, err := p.bucket(ctx, d, owner)
	if err != nil {
		return res, fmt.Errorf("asset %s of %s: %w", j.asset.DisplayName, j.stack.DisplayName, err)
	}
	body, size, cleanup, err := source(ctx, j.asset)
	if err != nil {
		return res, fmt.Errorf("asset %s of %s: %w", j.asset.DisplayName, j.stack.DisplayName, err)
	}
	defer cleanup()
	res.Bytes = size
	if res.Uploaded, err = b.Put(ctx, d.Key, body, size); err != nil {
		return res, fmt.Errorf("asset %s of %s: %w", j.asset.DisplayName, j.stack.DisplayName, err)
	}
	p.Log.Info().Str("asset", j.asset.DisplayName).Str("stack", j.stack.DisplayName).Str("object", res.Location).
		Bool("uploaded", res.Uploaded).Int64("bytes", size).Msg("asset published")
	return res, nil
}

// bucket opens each destination bucket once, as the destination's role,
// with the stack's account as the expected owner.
func (p *Publisher) bucket(ctx context.Context, d FileDestination, owner string) (*artifact.Bucket, error) {
	key := d.RoleARN + "|" + d.Region + "|" + d.Bucket
	p.mu.Lock()
	if p.buckets == nil {
		p.buckets = map[string]*bucketOnce{}
	}
	bo, ok := p.buckets[key]
	if !ok {
		bo = &bucketOnce{}
		p.buckets[key] = bo
	}
	p.mu.Unlock()
	bo.once.Do(func() {
		cfg, err := p.Access.Config(ctx, d.RoleARN, d.ExternalID, d.Region)
		if err != nil {
			bo.err = err
			return
		}
		// ForceUpload: file asked HeadObject already.
		bo.b, bo.err = artifact.OpenBucket(ctx, p.s3(cfg), artifact.Options{Bucket: d.Bucket, Region: d.Region, ExpectedBucketOwner: owner, ForceUpload: true})
	})
	return bo.b, bo.err
}

func (p *Publisher) s3(cfg aws.Config) artifact.S3API {
	if p.NewS3 != nil {
		return p.NewS3(cfg)
	}
	return s3.NewFromConfig(cfg)
}

// notFound is HeadObject's answer for a missing object (a 404 without a
// body, so the code is only "NotFound").
func notFound(err error) bool {
	var nf *s3types.NotFound
	var ae smithy.APIError
	return errors.As(err, &nf) || errors.As(err, &ae) && ae.ErrorCode() == "NotFound"
}

// source opens the bytes of a file asset: the file as it is, or a
// deterministic zip of the directory (or file) made by the one packager.
func source(ctx context.Context, a FileAsset) (io.ReadSeeker, int64, func(), error) {
	st, err := os.Stat(a.Path)
	if err != nil {
		return nil, 0, nil, err
	}
	if !a.Zip || (!st.IsDir() && strings.HasSuffix(a.Path, ".zip")) {
		f, err := os.Open(a.Path)
		if err != nil {
			return nil, 0, nil, err
		}
		return f, st.Size(), func() { f.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "deployer-cdk-asset-*.zip")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if st.IsDir() {
		err = artifact.ZipDirectory(ctx, tmp, a.Path, artifact.Limits{})
	} else {
		err = artifact.ZipFile(ctx, tmp, a.Path)
	}
	var size int64
	if err == nil {
		size, err = tmp.Seek(0, io.SeekEnd)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return tmp, size, cleanup, nil
}
