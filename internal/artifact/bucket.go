package artifact

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The packager's pieces for callers that already know their object keys: a
// CDK cloud assembly names every asset's key (its synth-time hash), and
// internal/cdk publishes through these so that there is one zip writer and
// one uploader.

// ZipDirectory writes dir as a deterministic zip (fixed timestamps, modes
// and compression, entries in name order). Unlike Package it leaves nothing
// out: a CDK asset directory was already filtered at synth, and cdk-assets
// zips every file in it, dot-files included. Symlinks leaving dir are
// refused, and lim applies (zero: DefaultLimits), as in Package.
func ZipDirectory(ctx context.Context, w io.Writer, dir string, lim Limits) error {
	entries, _, err := collect(ctx, dir, &ignorer{}, lim)
	if err != nil {
		return fmt.Errorf("zip %s: %w", dir, err)
	}
	return writeZip(ctx, w, entries)
}

// ZipFile writes a zip holding one file under its base name.
func ZipFile(ctx context.Context, w io.Writer, name string) error {
	st, err := os.Stat(name)
	if err != nil {
		return err
	}
	return writeZip(ctx, w, []zipEntry{{rel: filepath.Base(name), abs: name, mode: fileMode(st.Mode())}})
}

// Bucket uploads objects under given keys to one bucket, each at most once
// (HeadObject first, with ExpectedBucketOwner when set), encrypted as the
// bucket's default says.
type Bucket struct{ u *uploader }

// OpenBucket checks the bucket's region against o.Region and reads its
// default encryption; o.Bucket, o.Region and o.ExpectedBucketOwner are used.
func OpenBucket(ctx context.Context, api S3API, o Options) (*Bucket, error) {
	u, err := newUploader(ctx, api, o)
	if err != nil {
		return nil, err
	}
	return &Bucket{u: u}, nil
}

// Put uploads body under key unless an object is already there; it reports
// whether it uploaded.
func (b *Bucket) Put(ctx context.Context, key string, body io.ReadSeeker, size int64) (bool, error) {
	return b.u.put(ctx, key, body, size)
}

// TemplateURL is the path-style https URL of an object, the form
// CloudFormation's TemplateURL takes for any bucket name.
func TemplateURL(bucket, region, key string) string { return templateURL(bucket, region, key) }
