package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client packaging calls; *s3.Client has it.
type S3API interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

// uploader puts content-addressed objects into the artifact bucket,
// encrypted as the bucket's default says, each at most once.
type uploader struct {
	api       S3API
	bucket    string
	owner     *string
	sse       types.ServerSideEncryption
	kmsKey    *string
	bucketKey *bool
	force     bool // upload without looking first
}

// newUploader checks the bucket's region and reads its default encryption.
func newUploader(ctx context.Context, api S3API, o Options) (*uploader, error) {
	u := &uploader{api: api, bucket: o.Bucket, force: o.ForceUpload}
	if o.ExpectedBucketOwner != "" {
		u.owner = aws.String(o.ExpectedBucketOwner)
	}
	loc, err := api.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &u.bucket, ExpectedBucketOwner: u.owner})
	if err != nil {
		return nil, fmt.Errorf("artifact bucket %s: get location: %w", u.bucket, err)
	}
	if region := bucketRegion(loc.LocationConstraint); o.Region != "" && region != o.Region {
		return nil, &RegionError{Bucket: u.bucket, BucketRegion: region, StackRegion: o.Region}
	}
	if o.KMSKeyID != "" {
		u.sse, u.kmsKey = types.ServerSideEncryptionAwsKms, aws.String(o.KMSKeyID)
		return u, nil
	}
	enc, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &u.bucket, ExpectedBucketOwner: u.owner})
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ServerSideEncryptionConfigurationNotFoundError" {
		return u, nil // buckets made before 2023 may have none; S3 then uses SSE-S3
	}
	if err != nil {
		return nil, fmt.Errorf("artifact bucket %s: get encryption (grant s3:GetEncryptionConfiguration or pass a KMS key id): %w", u.bucket, err)
	}
	if c := enc.ServerSideEncryptionConfiguration; c != nil && len(c.Rules) > 0 {
		rule := c.Rules[0]
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
			u.sse = types.ServerSideEncryption(d.SSEAlgorithm)
			if d.KMSMasterKeyID != nil && *d.KMSMasterKeyID != "" {
				u.kmsKey = d.KMSMasterKeyID
			}
		}
		if u.sse != types.ServerSideEncryptionAes256 {
			u.bucketKey = rule.BucketKeyEnabled
		}
	}
	return u, nil
}

// bucketRegion reads GetBucketLocation's answer: empty is us-east-1 and
// "EU" the legacy name of eu-west-1.
func bucketRegion(c types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}

// put uploads body under key unless an object is already there (or force);
// the key is the content's hash, so an object there has these bytes.
func (u *uploader) put(ctx context.Context, key string, body io.ReadSeeker, size int64) (bool, error) {
	if !u.force {
		_, err := u.api.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &u.bucket, Key: &key, ExpectedBucketOwner: u.owner})
		if err == nil {
			return false, nil
		}
		var nf *types.NotFound
		var ae smithy.APIError
		if !errors.As(err, &nf) && !(errors.As(err, &ae) && ae.ErrorCode() == "NotFound") {
			return false, fmt.Errorf("head s3://%s/%s: %w", u.bucket, key, err)
		}
	}
	_, err := u.api.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &u.bucket, Key: &key, Body: body, ContentLength: aws.Int64(size),
		ExpectedBucketOwner: u.owner, ServerSideEncryption: u.sse, SSEKMSKeyId: u.kmsKey, BucketKeyEnabled: u.bucketKey,
	})
	if err != nil {
		return false, fmt.Errorf("put s3://%s/%s: %w", u.bucket, key, err)
	}
	return true, nil
}
