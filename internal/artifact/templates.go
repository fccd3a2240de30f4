package artifact

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
)

// Templates uploads templates too large to send inline, with the same
// uploader as packaged code: the bucket's region checked, its default
// encryption (or the KMS key) applied, ExpectedBucketOwner on every call, a
// key named by the full SHA-256 of the content (uploaded once), and the
// path-style URL CloudFormation reads, which also suits dotted bucket names.
type Templates struct {
	API     S3API
	Options Options // Bucket, Prefix, Region, KMSKeyID, ExpectedBucketOwner
}

// UploadTemplate puts body under PREFIX/STACK/SHA256.template unless it is
// there already and returns the URL to hand CloudFormation.
func (t Templates) UploadTemplate(ctx context.Context, stack string, body []byte) (string, error) {
	u, err := newUploader(ctx, t.API, t.Options)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	key := path.Join(t.Options.Prefix, stack, hex.EncodeToString(sum[:])+".template")
	if _, err := u.put(ctx, key, bytes.NewReader(body), int64(len(body))); err != nil {
		return "", fmt.Errorf("upload template: %w", err)
	}
	return TemplateURL(t.Options.Bucket, t.Options.Region, key), nil
}
